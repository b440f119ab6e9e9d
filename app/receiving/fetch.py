"""What arrived at the Plateforme Agréée since the last look: the incoming invoice flows
(``flowDirection`` In, ``flowType`` SupplierInvoice), their original files fetched and kept
once each (``store.keep``), and the suppliers' later statuses are not theirs to send — only
the user answers them (``answers.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.db import models
from app.db.engine import Database
from app.db.shared import set_shared_setting, shared_setting
from app.deposit.states import PA_ANSWER
from app.domain.lifecycle import reason_label
from app.errors import ValidationProblem
from app.pa.cdar import LifecycleMessage, read_statuses
from app.pa.client import PaClient, PaError
from app.pa.sending import acknowledgement_reason
from app.receiving.store import Arrival, archive_missing, keep, received_id_of_flow, set_status

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
OVERLAP = timedelta(minutes=10)
SINCE_SETTING = "pa_received_since:{environment}"
STATUS_SINCE_SETTING = "pa_received_statuses_since:{environment}"


@dataclass(slots=True)
class ReceivingReport:
    flows_seen: int = 0
    new: list[int] = field(default_factory=list)  # received invoices' rows
    errors: list[str] = field(default_factory=list)
    statuses: int = 0  # suppliers' statuses about received invoices, newly recorded


def _moment(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fetch_received(
    database: Database,
    client: PaClient,
    environment: str,
    archive_root: Path,
    user_siren: str | None,
    progress: Progress | None = None,
) -> ReceivingReport:
    say = progress or (lambda _message: None)
    report = ReceivingReport()
    started = datetime.now(UTC)
    where: dict[str, object] = {"flowType": ["SupplierInvoice"], "flowDirection": ["In"]}
    mark = SINCE_SETTING.format(environment=environment)
    since = shared_setting(database, mark)
    if since:
        where["updatedAfter"] = str(since)
    say("Recherche des factures reçues")
    flows = client.search(where)
    for position, flow in enumerate(flows, start=1):
        report.flows_seen += 1
        flow_id = str(flow.get("flowId") or "")
        acknowledgement = flow.get("acknowledgement") or {}
        if not flow_id or (
            isinstance(acknowledgement, dict) and acknowledgement.get("status") == "Error"
        ):
            continue  # a flow the platform itself refused is not delivered
        if received_id_of_flow(database, environment, flow_id) is not None:
            continue
        say(f"Facture reçue {position}/{len(flows)} : téléchargement")
        try:
            content = client.flow_file(flow_id)
        except PaError as exc:
            report.errors.append(f"{flow_id} : {exc.message}")
            log.warning("Facture reçue %s non téléchargée : %s", flow_id, exc.message)
            continue
        arrival = Arrival(
            flow_id,
            str(flow.get("name") or ""),
            content,
            _moment(flow.get("submittedAt") or flow.get("updatedAt") or ""),
        )
        received_id, new = keep(database, environment, arrival, archive_root, user_siren)
        if new:
            report.new.append(received_id)
    _follow_answers(database, client, report)
    _supplier_statuses(database, client, environment, report)
    if not report.errors:
        set_shared_setting(
            database,
            mark,
            (started - OVERLAP).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )
    archive_missing(database, archive_root)
    return report


def _follow_answers(database: Database, client: PaClient, report: ReceivingReport) -> None:
    """The platform's acknowledgement of each answer sent while it was still « Pending »: an
    « Error » is said on the received invoice (the supplier did not get the answer)."""
    with database.session() as session:
        entries = [
            (entry.id, entry.received_id, dict(entry.payload or {}))
            for entry in session.scalars(
                select(models.OutboxEntry).where(
                    models.OutboxEntry.operation == PA_ANSWER,
                    models.OutboxEntry.state == "done",
                )
            )
            if not (entry.payload or {}).get("acknowledged")
        ]
    for entry_id, received_id, payload in entries:
        flow_id = payload.get("flow_id")
        if not flow_id:
            continue
        try:
            flow = client.flow(str(flow_id))
        except PaError as exc:
            report.errors.append(f"{flow_id} : {exc.message}")
            continue
        acknowledgement = flow.get("acknowledgement") or {}
        status = acknowledgement.get("status") if isinstance(acknowledgement, dict) else None
        if status == "Pending":
            continue
        with database.session() as session:
            entry = session.get(models.OutboxEntry, entry_id)
            received = session.get(models.ReceivedInvoice, received_id)
            if entry is None or received is None:
                continue
            entry.payload = {**payload, "acknowledged": status}
            if status == "Error":
                said = acknowledgement_reason(flow)
                entry.last_error = said
                received.status_comment = f"Votre réponse n'est pas partie : {said}"


def _supplier_statuses(
    database: Database, client: PaClient, environment: str, report: ReceivingReport
) -> None:
    """What the suppliers say of their invoices afterwards (SupplierInvoiceLC coming in:
    Encaissée, Complétée, Annulée…), in each received invoice's history."""
    mark = STATUS_SINCE_SETTING.format(environment=environment)
    where: dict[str, object] = {"flowType": ["SupplierInvoiceLC"], "flowDirection": ["In"]}
    since = shared_setting(database, mark)
    if since:
        where["updatedAfter"] = str(since)
    started = datetime.now(UTC)
    try:
        flows = client.search(where)
    except PaError as exc:
        report.errors.append(exc.message)
        return
    for flow in flows:
        try:
            messages = read_statuses(client.flow_file(str(flow.get("flowId"))))
        except (PaError, ValidationProblem) as exc:
            log.warning("Statut de fournisseur illisible (%s) : %s", flow.get("flowId"), exc)
            continue
        for message in messages:
            received_id = _received_for(database, environment, message)
            if received_id is None:
                continue
            comment = " — ".join(
                part for part in (reason_label(message.reason), message.comment) if part
            )
            if set_status(
                database,
                received_id,
                message.code,
                message.at,
                comment or None,
                message.seller.name or "le fournisseur",
                "pa",
            ):
                report.statuses += 1
    set_shared_setting(
        database,
        mark,
        (started - OVERLAP).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    )


def _received_for(database: Database, environment: str, message: LifecycleMessage) -> int | None:
    """The received invoice a status is about: its number, and its seller when said."""
    with database.session() as session:
        rows = session.execute(
            select(models.ReceivedInvoice.id, models.ReceivedInvoice.seller_key).where(
                models.ReceivedInvoice.environment == environment,
                models.ReceivedInvoice.number == message.invoice_number,
            )
        ).all()
    matching = [row.id for row in rows if not message.seller.siren or row.seller_key in (
        message.seller.siren, None
    )] or [row.id for row in rows]  # fmt: skip
    return matching[-1] if matching else None
