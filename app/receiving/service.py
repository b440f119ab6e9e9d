"""Suppliers' invoices received through the Plateforme Agréée: fetched, read, checked, kept,
answered and exported — the use case the window and ``bordereau received`` call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.context import AppContext
    from app.einvoice.document import ReceivedDocument
    from app.pa.service import PlatformService
    from app.receiving.answers import Answerer, AnswerSent
    from app.receiving.export import ExportResult
    from app.receiving.fetch import ReceivingReport

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ReceivedDetail:
    """One received invoice: its row, what was read, what the checks found, its history."""

    summary: dict[str, Any]
    document: ReceivedDocument | None
    findings: list[dict[str, Any]]
    history: list[dict[str, Any]]
    read_error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            **self.summary,
            "facture": self.document.as_json() if self.document is not None else None,
            "problemes": self.findings,
            "historique": self.history,
            "erreur_lecture": self.read_error,
        }


class ReceivedService:
    def __init__(self, context: AppContext, platform: PlatformService) -> None:
        self.context = context
        self.platform = platform

    def _environment(self) -> str:
        return self.context.account_status().effective.value

    def fetch(self, progress: Progress | None = None) -> ReceivingReport:
        """What arrived since the last look (and the answers waiting to leave)."""
        from app.receiving.fetch import fetch_received

        self.platform.resume_outbox(progress)
        client, _name, _demo = self.platform.client()
        with client:
            return fetch_received(
                self.context.database,
                client,
                self._environment(),
                self.context.paths.archive_dir,
                self.platform.own_siren(),
                progress,
            )

    def rows(self) -> list[dict[str, Any]]:
        from sqlalchemy import select

        from app.db import models
        from app.receiving.store import row_json

        with self.context.database.session() as session:
            found = session.scalars(
                select(models.ReceivedInvoice)
                .where(models.ReceivedInvoice.environment == self._environment())
                .order_by(
                    models.ReceivedInvoice.received_at.desc(), models.ReceivedInvoice.id.desc()
                )
            )
            return [row_json(row) for row in found]

    def find(self, identifier: str) -> int:
        """A received invoice by its row id, its platform flow id or its number."""
        from sqlalchemy import or_, select

        from app.db import models

        text = identifier.strip()
        with self.context.database.session() as session:
            query = select(models.ReceivedInvoice.id).where(
                models.ReceivedInvoice.environment == self._environment(),
                or_(
                    models.ReceivedInvoice.pa_flow_id == text,
                    models.ReceivedInvoice.number == text,
                    *(
                        [models.ReceivedInvoice.id == int(text)]
                        if text.isdigit() and len(text) < 10
                        else []
                    ),
                ),
            )
            found = list(session.scalars(query))
        if not found:
            raise ValidationProblem(
                f"Aucune facture reçue « {text} » (donnez son numéro dans la liste, son numéro "
                "de facture ou l'identifiant du flux)."
            )
        if len(found) > 1:
            raise ValidationProblem(
                f"Plusieurs factures reçues répondent à « {text} » : donnez le numéro de la "
                f"liste ({', '.join(str(item) for item in found)})."
            )
        return found[0]

    def detail(self, received_id: int) -> ReceivedDetail:
        from app.db import models
        from app.einvoice.reading import read_document
        from app.receiving.store import original, row_json

        name, content = original(self.context.database, received_id)
        with self.context.database.session() as session:
            row = session.get(models.ReceivedInvoice, received_id)
            assert row is not None
            summary = row_json(row)
            findings = list(row.problems or [])
            history = [
                {
                    "statut": item.status,
                    "libelle": _label(item.status),
                    "le": item.occurred_at.isoformat(),
                    "par": item.actor,
                    "commentaire": item.comment,
                    "source": item.source,
                }
                for item in row.history
            ]
            read_error = row.read_error
        document = None
        if read_error is None:
            try:
                document = read_document(content)
            except BordereauError as exc:  # kept readable before, unreadable now: say it
                read_error = exc.message
        log.debug("Facture reçue %s (%s) lue", received_id, name)
        return ReceivedDetail(summary, document, findings, history, read_error)

    def original(self, received_id: int) -> tuple[str, bytes]:
        from app.receiving.store import original

        return original(self.context.database, received_id)

    def answer(
        self,
        received_id: int,
        action: str,
        *,
        reason: str | None = None,
        comment: str | None = None,
        paid_on: date | None = None,
        progress: Progress | None = None,
    ) -> AnswerSent:
        from app.receiving.answers import ANSWERS, answer

        code = ANSWERS.get(action)
        if code is None:
            raise ValidationProblem(f"Réponse inconnue : {action}.")
        user = self._answerer(received_id)
        client, _name, _demo = self.platform.client()
        with client:
            return answer(
                self.context.outbox(),
                client,
                received_id,
                code,
                user,
                reason=reason,
                comment=comment,
                paid_on=paid_on,
                progress=progress,
            )

    def _answerer(self, received_id: int) -> Answerer:
        """Who answers: the user's profile, else the buyer the platform delivered the
        invoice to (the user, by the directory)."""
        from app.db import models
        from app.receiving.answers import Answerer

        siren, name = self.platform.own_siren(), self.platform.own_name()
        if not siren:
            with self.context.database.session() as session:
                row = session.get(models.ReceivedInvoice, received_id)
                buyer = ((row.data or {}).get("buyer") or {}) if row is not None else {}
            siren, name = buyer.get("siren"), buyer.get("name") or name
        if not siren:
            raise ValidationProblem(
                "Renseignez votre SIRET (profil de facturation) : la réponse doit dire qui "
                "l'envoie."
            )
        return Answerer(str(siren), str(name))

    def export(self, year: int, out: Path) -> ExportResult:
        from app.receiving.export import export_year

        return export_year(self.context.database, year, out)

    def to_pay(self, today: date | None = None) -> tuple[int, Decimal, Decimal]:
        """Approved, not yet paid, in euros: (invoices, total due, total already late)."""
        day = today or date.today()
        count, total, late = 0, Decimal(0), Decimal(0)
        for row in self.rows():
            if row["statut"] != "PA_205" or row["devise"] not in (None, "EUR"):
                continue
            amount = Decimal(row["net_a_payer"] or row["total_ttc"] or 0)
            sign = -1 if row["type"] == "avoir" else 1
            count += 1
            total += sign * amount
            if row["echeance"] and date.fromisoformat(row["echeance"]) < day:
                late += sign * amount
        return count, total, late

    def counts(self) -> dict[str, int]:
        """To answer, to pay: what the Synthèse says of the received invoices."""
        rows = self.rows()
        to_answer = [row for row in rows if row["statut"] in ("PA_202", "PA_203", "PA_204")]
        to_pay = [row for row in rows if row["statut"] == "PA_205"]
        alerts = [row for row in rows if row["alertes"]]
        return {"a_traiter": len(to_answer), "a_payer": len(to_pay), "alertes": len(alerts)}


def _label(status: str) -> str:
    from app.receiving.store import status_label

    return status_label(status)
