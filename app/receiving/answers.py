"""The user's answers to a supplier's invoice — Approuvée (205), Refusée (210, with the norm's
reason), En litige (207, with its reason), Paiement transmis (211) — each written as a CDAR
lifecycle message, checked by the official XSD and BR-FR-CDV, then sent exactly once through
the outbox (``trackingId`` ``<code>-<the received invoice's uid>``: a second click, a killed
process or a lost answer never make a second message)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from app.db import models
from app.deposit.claims import Claim, actor
from app.deposit.outbox import Outbox
from app.deposit.states import PA_ANSWER
from app.domain.lifecycle import LIFECYCLE, REASONS, REFUSEE, pa_status, reason_label
from app.einvoice.reform import electronic_address
from app.errors import ValidationProblem
from app.pa.cdar import LifecycleMessage, PaidAmount, Party, checked, write_buyer_status
from app.pa.client import PaClient
from app.pa.sending import PlatformSender, status_entry
from app.receiving.store import set_status

Progress = Callable[[str], None]

APPROVE, DISPUTE, PAID = "205", "207", "211"
ANSWERS = {"approve": APPROVE, "refuse": REFUSEE, "dispute": DISPUTE, "paid": PAID}
CLOSED = (pa_status(REFUSEE),)  # a refused invoice is answered for good


@dataclass(frozen=True, slots=True)
class AnswerSent:
    received_id: int
    number: str
    code: str
    state: str  # done | waiting | blocked
    message: str
    tracking_id: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.received_id,
            "numero": self.number,
            "statut": pa_status(self.code),
            "libelle": LIFECYCLE[self.code].label,
            "envoi": self.state,
            "message": self.message,
            "tracking_id": self.tracking_id,
        }


@dataclass(frozen=True, slots=True)
class Answerer:
    """Who answers: the user, by SIREN, name and electronic address."""

    siren: str
    name: str

    @property
    def party(self) -> Party:
        return Party(self.siren, self.name, electronic_address(self.siren, None, None))


def _message(
    row: models.ReceivedInvoice,
    code: str,
    user: Answerer,
    reason: str | None,
    comment: str | None,
    paid_on: date | None,
) -> LifecycleMessage:
    data = row.data or {}
    seller = data.get("seller") or {}
    seller_siren = seller.get("siren") or ""
    if not seller_siren:
        raise ValidationProblem(
            "Le fournisseur ne donne pas de SIREN : la plateforme ne peut pas lui adresser de "
            "statut. Répondez-lui directement."
        )
    address = seller.get("electronic_address")
    if seller.get("electronic_address_scheme") != "0225":
        address = electronic_address(seller_siren, None, None)
    paid: tuple[PaidAmount, ...] = ()
    if code == PAID:
        paid = tuple(
            PaidAmount(Decimal(part["basis"]) + Decimal(part["tax"]), Decimal(part["rate"]))
            for part in data.get("vat") or []
            if part.get("basis") is not None
            and part.get("tax") is not None
            and part.get("rate") is not None
        ) or (PaidAmount(row.amount_due or Decimal(0), Decimal(0)),)
    at = datetime.combine(paid_on, time(12), tzinfo=UTC) if paid_on else datetime.now(UTC)
    return LifecycleMessage(
        code=code,
        invoice_number=row.number or "",
        invoice_date=row.issue_date,
        invoice_type=row.type_code or "380",
        seller=Party(seller_siren, row.seller_name or seller_siren, address or ""),
        buyer=user.party,
        at=at,
        reason=reason,
        comment=comment,
        paid=paid,
    )


def _allowed(row: models.ReceivedInvoice, code: str, reason: str | None) -> None:
    name = f"La facture {row.number or row.file_name}"
    if not row.readable or not row.number:
        raise ValidationProblem(
            f"{name} est illisible : elle ne peut pas recevoir de statut. Demandez au "
            "fournisseur de la renvoyer."
        )
    if row.status in CLOSED:
        raise ValidationProblem(f"{name} a été refusée : elle ne peut plus recevoir de réponse.")
    if code in (APPROVE, PAID) and any(
        problem.get("code") == "DOUBLON" for problem in row.problems or []
    ):
        raise ValidationProblem(
            f"{name} est un doublon d'une facture déjà reçue : ne la payez pas deux fois, "
            "refusez-la (motif DOUBLON)."
        )
    if code == APPROVE and row.status == pa_status(PAID):
        raise ValidationProblem(f"{name} est déjà payée.")
    status = LIFECYCLE[code]
    if status.needs_reason:
        if not reason:
            raise ValidationProblem(
                f"« {status.label} » demande un motif (--reason), par exemple : "
                + ", ".join(f"{key} ({label})" for key, label in list(REASONS.items())[:6])
                + "…"
            )
        if reason not in REASONS:
            raise ValidationProblem(
                f"Motif « {reason} » inconnu. Motifs possibles : " + ", ".join(REASONS) + "."
            )
    if code == REFUSEE and row.status == pa_status(PAID):
        raise ValidationProblem(f"{name} est déjà payée : elle ne peut plus être refusée.")


def answer(
    outbox: Outbox,
    client: PaClient,
    received_id: int,
    code: str,
    user: Answerer,
    *,
    reason: str | None = None,
    comment: str | None = None,
    paid_on: date | None = None,
    progress: Progress | None = None,
) -> AnswerSent:
    if paid_on is not None and paid_on > date.today():
        raise ValidationProblem(f"La date de paiement ({paid_on:%d/%m/%Y}) est dans le futur.")
    with outbox.database.session() as session:
        row = session.get(models.ReceivedInvoice, received_id)
        if row is None:
            raise ValidationProblem(f"Aucune facture reçue n° {received_id}.")
        session.expunge(row)
    number = row.number or row.file_name
    tracking_id = f"{code}-{row.local_uid}"
    sender = PlatformSender(outbox, client)
    existing = status_entry(outbox, PA_ANSWER, tracking_id, received_id=received_id)
    label = LIFECYCLE[code].label
    if existing is not None and existing[1] == "done":
        return AnswerSent(
            received_id,
            number,
            code,
            "done",
            f"« {label} » déjà envoyé pour {number}.",
            tracking_id,
        )
    if existing is None:
        _allowed(row, code, reason)
        message = _message(row, code, user, reason, comment, paid_on)
        xml = checked(write_buyer_status(message, sent_to_platform_at=datetime.now(UTC)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"CDV_{received_id}_{code}.xml"
            path.write_bytes(xml)
            stored = outbox.store(path)
        claim = Claim.new()
        entry_id = outbox.add_entry(
            None,
            PA_ANSWER,
            {
                "tracking_id": tracking_id,
                "file_name": stored.file_name,
                "sha256": stored.sha256,
                "status": code,
            },
            claim,
            received_id=received_id,
        )
        said = " — ".join(part for part in (reason_label(reason), comment) if part) or None
        set_status(outbox.database, received_id, code, message.at, said, actor(), "local", paid_on)
        outcome = sender.send(entry_id, progress, claim=claim)
    else:
        outcome = sender.send(existing[0], progress)
    if outcome is None:
        return AnswerSent(
            received_id,
            number,
            code,
            "waiting",
            "L'envoi est en cours sur un autre poste ou dans une autre fenêtre.",
            tracking_id,
        )
    said_to_user = {
        "done": f"« {label} » envoyé au fournisseur pour la facture {number}.",
        "waiting": f"« {label} » enregistré ; envoi en attente : {outcome.message}",
    }.get(outcome.state, outcome.message)
    return AnswerSent(received_id, number, code, outcome.state, said_to_user, tracking_id)
