"""Following invoices: the lists of Synthèse and Rechercher, one invoice's deadline and
history, the actions on it (recycle, complete, acknowledge a rejection, copy, download,
export) and the dashboard."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.context import AppContext
from app.deposit.service import DepositService
from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.db import models
    from app.deposit.checks import Issue
    from app.domain.invoice import Invoice
    from app.invoices.actions import RecycleChange
    from app.invoices.dashboard import Dashboard
    from app.invoices.listing import InvoiceSummary
    from app.invoices.views import InvoiceViews
    from app.payments.rates import RateTable
    from app.sync.history import HistoryLine

log = logging.getLogger(__name__)


class InvoiceService:
    def __init__(self, context: AppContext, deposit: DepositService) -> None:
        self.context = context
        self.deposit = deposit

    def _rates(self) -> RateTable:
        from app.payments.rates import RateTable

        return RateTable(self.context.settings.late_interest_rates)

    def summaries(self, status: str | None = None) -> list[InvoiceSummary]:
        """The local invoices with their payment deadline and late interest."""
        from app.invoices.listing import list_invoices

        return list_invoices(
            self.context.database,
            self.context.account_status().effective.value,
            today=datetime.now(UTC).date(),
            rates=self._rates(),
            status=status,
        )

    def views(self) -> InvoiceViews:
        """The lists of Synthèse and Rechercher (queries fast enough for the UI thread)."""
        from app.invoices.views import InvoiceViews

        return InvoiceViews(self.context.database, self.context.account_status().effective.value)

    def summary(self, invoice_id: int) -> InvoiceSummary:
        """One invoice with its payment deadline and what a late payment owes."""
        from app.db import models
        from app.invoices.listing import summarize

        with self.context.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            if row is None:
                raise ValidationProblem("Cette facture n'existe plus.")
            return summarize(row, datetime.now(UTC).date(), self._rates())

    def history(self, invoice_id: int) -> list[HistoryLine]:
        """The invoice's statuses, newest first: asked to Chorus Pro, else what is known here."""
        from app.sync.history import history_of

        try:
            with self.context.chorus_client() as client:
                return history_of(self.context.database, invoice_id, client)
        except BordereauError as exc:
            log.info("Historique en ligne indisponible : %s", exc.message)
            return history_of(self.context.database, invoice_id, None)

    # --- actions -------------------------------------------------------------------------------

    def _recycled_invoice(self, invoice_id: int, change: RecycleChange) -> Invoice:
        from app.domain.invoice import Recipient
        from app.invoices.actions import invoice_of

        invoice = invoice_of(self.context.database, invoice_id)
        invoice.recipient = Recipient(
            siret=change.siret.replace(" ", ""), code_service=change.code_service or None
        )
        invoice.references.engagement_number = change.engagement_number or None
        return invoice

    def recycle_issues(self, invoice_id: int, change: RecycleChange) -> list[Issue]:
        """The new SIRET, service and engagement against the local directory (no network)."""
        from app.deposit.checks import recipient_issues

        invoice = self._recycled_invoice(invoice_id, change)
        return recipient_issues(invoice, self.deposit.deposit_context(invoice))

    def recycle(self, invoice_id: int, change: RecycleChange) -> str:
        """Check the new routing (the directory online when unknown here), then ``recycler``;
        returns the new status."""
        from app.deposit.checks import blocking, recipient_issues
        from app.invoices.actions import recycle

        invoice = self._recycled_invoice(invoice_id, change)
        with self.context.chorus_client() as client:
            context = self.deposit.deposit_context(invoice, client=client)
            problems = blocking(recipient_issues(invoice, context))
            if problems:
                raise ValidationProblem("\n".join(issue.message for issue in problems))
            name = context.recipient.name if context.recipient else None
            return recycle(self.context.database, client, invoice_id, change, name)

    def complete(self, invoice_id: int, files: list[Path], comment: str | None) -> str:
        """``completer`` with the files (kept in the data folder first) and the comment."""
        from app.invoices.actions import complete

        outbox = self.context.outbox()
        attachments = [outbox.store(path, designation=path.name) for path in files]
        with self.context.chorus_client() as client:
            return complete(self.context.database, client, outbox, invoice_id, attachments, comment)

    def acknowledge_rejection(self, invoice_id: int) -> None:
        """The rejection is seen (Chorus Pro is told; a PA's refusal is only noted here: the
        norm has no status for it — the credit note answers it)."""
        from app.invoices.actions import acknowledge_rejection, note_rejection_seen

        if self.summary(invoice_id).channel == "pa":
            note_rejection_seen(self.context.database, invoice_id)
            return
        with self.context.chorus_client() as client:
            acknowledge_rejection(self.context.database, client, invoice_id)

    def replacement_draft(self, invoice_id: int) -> int:
        """After a rejection: a draft copied from the rejected invoice, with the next number and
        the old PDF (kept here, else Chorus Pro's copy) to be replaced by the corrected one."""
        from app.domain.text import french_date
        from app.invoices.actions import new_draft_from

        def note(old: models.Invoice) -> str:
            motive = (old.status_comment or "").strip().rstrip(".")
            reason = f" (motif : {motive})" if motive else ""
            when = french_date(old.status_at, "—")
            return f"Remplace la facture {old.number} rejetée le {when}{reason}."

        draft_id = new_draft_from(self.context.database, self.context.outbox(), invoice_id, note)
        has_pdf = self._give_draft_the_old_pdf(draft_id, invoice_id)
        self._add_to_note(
            draft_id,
            " Le PDF joint est l'ancien : remplacez-le par la facture corrigée."
            if has_pdf
            else " Joignez la facture corrigée (PDF) avant de l'envoyer.",
        )
        return draft_id

    def _give_draft_the_old_pdf(self, draft_id: int, invoice_id: int) -> bool:
        """The draft's PDF: the old invoice's, from here or from Chorus Pro. False when it
        cannot be had (offline, or the platform has none)."""
        import tempfile

        outbox = self.context.outbox()
        draft = outbox.load_draft(draft_id)
        if draft.main_attachment is not None:
            return True
        try:
            with tempfile.TemporaryDirectory(prefix="bordereau-") as folder:
                target = Path(folder) / f"{draft.number or 'facture'}-ancienne.pdf".replace(
                    "/", "-"
                )
                self.download([invoice_id], target)
                draft.main_attachment = outbox.store(target)
        except (BordereauError, OSError) as exc:
            log.info("Ancien PDF indisponible pour le brouillon %s : %s", draft_id, exc)
            return False
        outbox.save_draft(draft, draft_id)
        return True

    def _add_to_note(self, draft_id: int, text: str) -> None:
        from app.db import models

        with self.context.database.session() as session:
            row = session.get(models.Invoice, draft_id)
            if row is not None:
                row.status_comment = (row.status_comment or "") + text

    def duplicate(self, invoice_id: int) -> int:
        """« Dupliquer »: a draft copied from the invoice, with the next number."""
        from app.invoices.actions import new_draft_from

        return new_draft_from(
            self.context.database,
            self.context.outbox(),
            invoice_id,
            lambda old: f"Copie de la facture {old.number}.",
        )

    def download(self, invoice_ids: list[int], target: Path) -> Path:
        """The PDF of one invoice (or Chorus Pro's ZIP of several) written to ``target``."""
        from app.invoices.actions import download

        database, outbox = self.context.database, self.context.outbox()
        if len(invoice_ids) == 1:
            try:
                return download(database, None, outbox, invoice_ids, target)
            except ValidationProblem:
                pass  # not kept here: Chorus Pro has it
        with self.context.chorus_client() as client:
            return download(database, client, outbox, invoice_ids, target)

    def export(self, invoice_ids: list[int], target: Path) -> Path:
        """« Exporter les résultats »: a CSV for LibreOffice and Excel, written atomically."""
        import io

        from app.files import write_atomically
        from app.invoices.listing import summaries_of, write_csv

        buffer = io.StringIO(newline="")
        summaries = summaries_of(
            self.context.database,
            invoice_ids,
            today=datetime.now(UTC).date(),
            rates=self._rates(),
        )
        write_csv(summaries, buffer)
        return write_atomically(target, buffer.getvalue().encode("utf-8"))

    def dashboard(self) -> Dashboard:
        from app.invoices.dashboard import build_dashboard

        now = datetime.now(UTC)
        days = self.context.settings.hide_rejected_after_days
        return build_dashboard(
            self.context.database,
            self.context.account_status().effective.value,
            today=now.date(),
            rates=self._rates(),
            hide_rejected_before=now - timedelta(days=days),
        )
