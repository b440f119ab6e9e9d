"""Sending to a Plateforme Agréée through the same exactly-once outbox as Chorus Pro: the
sibling of ``Outbox.send`` for the entries of the PA channel (``PA_FLOW``: an invoice,
``PA_LIFECYCLE``: a lifecycle message about one).

Steps of an entry::

    pending → submitting → done
                        ↘ blocked (the platform refuses the request itself: its reason)

Every flow carries a ``trackingId`` chosen before the first attempt and kept on the entry
(an invoice's: its ``local_uid``). An entry found ``submitting`` — a killed sender, an
answer lost after the platform recorded the flow — is first looked up by that
``trackingId``: the flow found is the answer, and nothing is sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import models
from app.deposit.claims import Claim, actor
from app.deposit.outbox import RETRY_AFTER, DepositOutcome, LeaseLost, Outbox, in_flight
from app.deposit.states import PA_ANSWER, PA_LIFECYCLE, WAITING_STATUS
from app.domain.invoice import AttachmentRef
from app.domain.lifecycle import DEPOSEE, LIFECYCLE, REJETEE, pa_status
from app.errors import BordereauError
from app.pa.client import PaClient, PaError

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
THROTTLED_RETRY = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class _Entry:
    invoice_id: int  # the issued invoice's row, or the received one's (``answer``)
    number: str
    operation: str
    state: str
    tracking_id: str
    file_name: str
    sha256: str
    syntax: str
    status_code: str  # what the invoice becomes once the flow is recorded
    answer: bool = False  # the user's answer to a supplier's invoice (``received_invoices``)


def _lifecycle_entry(
    subject_id: int,
    number: str,
    entry: models.OutboxEntry,
    payload: dict[str, object],
    *,
    answer: bool,
) -> _Entry:
    """A CDAR message's entry: about one of the user's invoices, or an answer to a
    supplier's (``answer``)."""
    return _Entry(
        subject_id,
        number,
        entry.operation,
        entry.state,
        str(payload["tracking_id"]),
        str(payload["file_name"]),
        str(payload["sha256"]),
        "CDAR",
        str(payload["status"]),
        answer=answer,
    )


def status_entry(
    outbox: Outbox,
    operation: str,
    tracking_id: str,
    *,
    invoice_id: int | None = None,
    received_id: int | None = None,
) -> tuple[int, str] | None:
    """(entry, its state) of the lifecycle message ``tracking_id`` about an invoice (sent or
    received) not set aside: a message is queued once."""
    subject = (
        models.OutboxEntry.invoice_id == invoice_id
        if received_id is None
        else models.OutboxEntry.received_id == received_id
    )
    with outbox.database.session() as session:
        entries = session.scalars(
            select(models.OutboxEntry).where(subject, models.OutboxEntry.operation == operation)
        ).all()
        for entry in entries:
            if (entry.payload or {}).get("tracking_id") == tracking_id and entry.state != "blocked":
                return entry.id, entry.state
    return None


class PlatformSender:
    """Sends the PA channel's outbox entries with one client."""

    def __init__(self, outbox: Outbox, client: PaClient) -> None:
        self.outbox = outbox
        self.client = client

    def send(
        self, entry_id: int, progress: Progress | None = None, claim: Claim | None = None
    ) -> DepositOutcome | None:
        """As ``Outbox.send``: the entry to its end or as far as the platform allows; None
        when another sender holds it."""
        if claim is None:
            claim = Claim.new()
            if not self.outbox.claim(entry_id, claim):
                log.info("Envoi %s : déjà pris en charge par un autre envoi", entry_id)
                return None
        try:
            with in_flight(entry_id):
                return self._send_claimed(entry_id, claim, progress or (lambda _message: None))
        except LeaseLost:
            log.warning("Envoi %s repris par un autre processus : celui-ci s'arrête", entry_id)
            return None
        finally:
            self.outbox.release(entry_id, claim)

    def _read(self, entry_id: int) -> _Entry:
        with self.outbox.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            payload = dict(entry.payload or {})
            if entry.operation == PA_ANSWER:
                received = session.get(models.ReceivedInvoice, entry.received_id)
                assert received is not None
                number = received.number or received.pa_flow_id
                return _lifecycle_entry(received.id, number, entry, payload, answer=True)
            row = session.get(models.Invoice, entry.invoice_id)
            assert row is not None
            if entry.operation == PA_LIFECYCLE:
                return _lifecycle_entry(row.id, row.number, entry, payload, answer=False)
            main = next((a for a in row.attachments if a.role == "principale"), None)
            if main is None:
                raise BordereauError("La facture n'a plus de PDF : émettez-la à nouveau.")
            return _Entry(
                row.id,
                row.number,
                entry.operation,
                entry.state,
                str(payload.get("tracking_id") or row.local_uid),
                main.file_name,
                main.sha256,
                "Factur-X",
                DEPOSEE,
            )

    def _send_claimed(self, entry_id: int, claim: Claim, report: Progress) -> DepositOutcome:
        item = self._read(entry_id)
        try:
            flow = self._recorded(item)  # a killed sender, a lost answer, another workstation
            if flow is None:
                report(
                    "Envoi à la plateforme agréée"
                    if item.syntax != "CDAR"
                    else "Envoi du statut à la plateforme agréée"
                )
                self.outbox.record_step(
                    entry_id, claim, state="submitting", attempts=models.OutboxEntry.attempts + 1
                )
                content = self.outbox.file_path(
                    AttachmentRef(item.file_name, item.sha256, 0)
                ).read_bytes()
                try:
                    flow = self.client.submit(
                        content, item.file_name, tracking_id=item.tracking_id, syntax=item.syntax
                    )
                    if _already_existing(self.client.flow(str(flow["flowId"]))):
                        # another attempt, still in flight when this one began, got there first
                        flow = self._recorded(item) or flow
                except PaError as exc:
                    if not (exc.answer_lost or exc.status >= 500 or exc.status == 429):
                        raise
                    flow = self._recorded(item)  # it may have been recorded all the same
                    if flow is None:
                        raise
        except PaError as exc:
            if exc.answer_lost or exc.status >= 500 or exc.status in (401, 403, 429):
                return self._waiting(entry_id, claim, item, exc)
            return self._blocked(entry_id, claim, item, exc.message)
        except (BordereauError, OSError) as exc:
            log.exception("Envoi %s impossible", entry_id)
            reason = exc.message if isinstance(exc, BordereauError) else str(exc)
            return self._blocked(entry_id, claim, item, reason)
        return self._done(entry_id, claim, item, flow, report)

    def _recorded(self, item: _Entry) -> dict[str, object] | None:
        """The flow the platform recorded under this entry's ``trackingId`` (an error
        acknowledgement « AlreadyExistingFlow » is not it)."""
        found = [
            flow
            for flow in self.client.by_tracking_id(item.tracking_id)
            if not _already_existing(flow)
        ]
        return found[0] if found else None

    def _waiting(self, entry_id: int, claim: Claim, item: _Entry, exc: PaError) -> DepositOutcome:
        pause = THROTTLED_RETRY if exc.status == 429 else RETRY_AFTER
        self.outbox.record_step(
            entry_id,
            claim,
            last_error=exc.message,
            next_attempt_at=datetime.now(UTC) + pause,
        )
        log.info("Envoi %s (%s) en attente : %s", entry_id, item.number, exc.message)
        return DepositOutcome(item.invoice_id, "waiting", message=exc.message)

    def _blocked(self, entry_id: int, claim: Claim, item: _Entry, reason: str) -> DepositOutcome:
        message = f"La facture {item.number} ne peut pas partir : {reason}"
        if item.operation == PA_LIFECYCLE:
            message = f"Le statut de la facture {item.number} ne peut pas partir : {reason}"
        if item.answer:
            message = f"La réponse à la facture {item.number} ne peut pas partir : {reason}"
        log.error("Envoi %s mis de côté : %s", entry_id, reason)
        self.outbox.update_held(entry_id, claim, state="blocked", last_error=message)
        if item.answer:
            return DepositOutcome(item.invoice_id, "blocked", message=message)
        with self.outbox.database.session() as session:
            row = session.get(models.Invoice, item.invoice_id)
            if row is not None and row.status == WAITING_STATUS:
                row.status_comment = message
        return DepositOutcome(item.invoice_id, "blocked", message=message)

    def _done(
        self,
        entry_id: int,
        claim: Claim,
        item: _Entry,
        flow: dict[str, object],
        report: Progress,
    ) -> DepositOutcome:
        """The platform has the flow: its id recorded once; « done » never written over."""
        flow_id = str(flow["flowId"])
        acknowledgement = flow.get("acknowledgement") or {}
        refused = isinstance(acknowledgement, dict) and acknowledgement.get("status") == "Error"
        code = REJETEE if refused and item.operation != PA_LIFECYCLE else item.status_code
        comment = acknowledgement_reason(flow) if refused else None
        now = datetime.now(UTC)
        if item.answer:
            return self._answer_done(entry_id, item, flow_id, comment if refused else None)
        try:
            with self.outbox.database.session() as session:
                entry = session.get(models.OutboxEntry, entry_id)
                row = session.get(models.Invoice, item.invoice_id)
                assert entry is not None and row is not None
                if entry.state != "done":
                    entry.state, entry.last_error = "done", None
                    entry.payload = {**(entry.payload or {}), "flow_id": flow_id}
                    if item.operation != PA_LIFECYCLE:
                        row.pa_flow_id = flow_id
                        row.deposit_date = date.today()
                    status = pa_status(code)
                    row.status, row.status_at, row.status_comment = status, now, comment
                    row.history.append(
                        models.StatusHistory(
                            status=status,
                            occurred_at=now,
                            comment=comment,
                            source="local",
                            actor=actor(),
                        )
                    )
        except IntegrityError:
            log.warning("Statut déjà enregistré pour %s", item.number)
        label = LIFECYCLE[code].label
        report(f"Facture {label.lower()}" if item.operation != PA_LIFECYCLE else label)
        return DepositOutcome(item.invoice_id, "done", message=comment or "")

    def _answer_done(
        self, entry_id: int, item: _Entry, flow_id: str, refused: str | None
    ) -> DepositOutcome:
        """The answer's flow recorded on its entry, once; the received invoice's status was
        set when the user answered (the platform's refusal of the message is said)."""
        with self.outbox.database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            assert entry is not None
            if entry.state != "done":
                entry.state, entry.last_error = "done", refused
                entry.payload = {**(entry.payload or {}), "flow_id": flow_id}
                if refused:
                    received = session.get(models.ReceivedInvoice, item.invoice_id)
                    if received is not None:
                        received.status_comment = refused
        return DepositOutcome(item.invoice_id, "done", message=refused or "")


def _already_existing(flow: dict[str, object]) -> bool:
    acknowledgement = flow.get("acknowledgement") or {}
    details = acknowledgement.get("details") if isinstance(acknowledgement, dict) else None
    return any(
        isinstance(detail, dict) and detail.get("reasonCode") == "AlreadyExistingFlow"
        for detail in details or []
    )


def acknowledgement_reason(flow: dict[str, object]) -> str:
    """Why the platform rejected a flow, in French, from its acknowledgement's details."""
    acknowledgement = flow.get("acknowledgement") or {}
    details = acknowledgement.get("details") if isinstance(acknowledgement, dict) else None
    reasons = [
        str(detail.get("reasonMessage") or detail.get("reasonCode"))
        for detail in details or []
        if isinstance(detail, dict)
    ]
    return "La plateforme a rejeté le fichier : " + ("; ".join(reasons) or "sans motif")
