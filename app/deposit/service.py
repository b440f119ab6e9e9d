"""The deposit use case: read a PDF into a checked invoice, keep drafts, send it exactly once
through the outbox (as a PDF or as Factur-X), resume what waits, and prove what was sent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.context import AppContext
from app.directory.service import DirectoryService
from app.domain.environments import Environment
from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.chorus.client import ChorusClient
    from app.deposit.certificate import DepositFacts
    from app.deposit.checks import CheckContext, Issue
    from app.deposit.facturx_writer import Seller
    from app.deposit.outbox import DepositOutcome, DraftSummary
    from app.deposit.supplier import SupplierProfile
    from app.directory.store import Structure
    from app.domain.invoice import AttachmentRef, Invoice
    from app.prefill.model import PrefillResult

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PreparedInvoice:
    """A PDF turned into an invoice to check before sending: what was read, the invoice the
    form (or the command line) starts from, with its PDF kept in the data folder, and what
    the checks say of it."""

    reading: PrefillResult
    invoice: Invoice
    issues: list[Issue]
    recipient: Structure | None


class DepositService:
    def __init__(self, context: AppContext, directory: DirectoryService) -> None:
        self.context = context
        self.directory = directory

    # --- reading and checking --------------------------------------------------------------

    def prefill(
        self,
        path: Path,
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PrefillResult:
        """Read an invoice PDF. Raises ``UnreadableInvoiceError`` (French message) when the
        file cannot be read; gaps in what was read come back as warnings."""
        from app.prefill.engine import prefill

        own_siret = self.context.settings.supplier_siret
        if own_siret is None and self.context.account_status().effective is Environment.DEMO:
            from app.simulator.seed import DEMO_SUPPLIER_SIRET

            own_siret = DEMO_SUPPLIER_SIRET
        return prefill(
            path,
            own_siret=own_siret,
            progress=progress,
            cancelled=cancelled,
            ocr=self.context.ocr_pool(),
        )

    def prepare_from_pdf(
        self,
        path: Path,
        *,
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        recipient_siret: str | None = None,
        code_service: str | None = None,
        engagement: str | None = None,
        online: bool = False,
    ) -> PreparedInvoice:
        """Read the PDF, keep a copy of it, map what was read to an invoice (with the
        recipient, service and engagement given, if any) and check it: locally, or with
        the platform asked too when ``online`` (offline, the local checks alone). The
        Déposer tab and ``bordereau deposit`` both start here."""
        from app.deposit.checks import check_invoice
        from app.deposit.mapping import invoice_from_prefill

        reading = self.prefill(path, progress=progress, cancelled=cancelled)
        try:
            main = self.store_attachment(path)
        except OSError as exc:
            raise BordereauError(f"Impossible de copier « {path.name} » : {exc}") from exc
        invoice = invoice_from_prefill(reading, main)
        if recipient_siret:
            invoice.recipient.siret = recipient_siret.replace(" ", "")
        if code_service:
            invoice.recipient.code_service = code_service
        if engagement:
            invoice.references.engagement_number = engagement
        text = reading.text or None
        context = self._checking_context(invoice, text, online=online)
        return PreparedInvoice(reading, invoice, check_invoice(invoice, context), context.recipient)

    def _checking_context(
        self, invoice: Invoice, document_text: str | None, *, online: bool
    ) -> CheckContext:
        if online:
            from app.chorus.errors import ChorusError

            try:
                with self.context.chorus_client() as client:
                    return self.deposit_context(invoice, document_text=document_text, client=client)
            except ChorusError as exc:
                log.info("Vérifications en ligne impossibles : %s", exc.message)
        return self.deposit_context(invoice, document_text=document_text)

    def deposit_context(
        self,
        invoice: Invoice,
        *,
        document: Path | None = None,
        document_text: str | None = None,
        client: ChorusClient | None = None,
    ) -> CheckContext:
        """What the checks need: the recipient from the directory (online when connected and
        unknown locally), the numbers already sent, the document's text. Without ``client``
        nothing leaves the computer (fast enough to check as the user types)."""
        from app.chorus.errors import ChorusError
        from app.chorus.submission import find_submitted
        from app.deposit.checks import CheckContext

        siret = invoice.recipient.siret.replace(" ", "")
        recipient, services = self.directory.recipient_info(siret)
        on_platform = False
        if client is not None:
            try:
                if recipient is None and len(siret) == 14:
                    found = self.directory.lookup_online(siret)
                    if found is not None:
                        recipient, all_services = found
                        services = [item for item in all_services if item.active]
                if invoice.number:
                    supplier = self.context.supplier_id(client)
                    on_platform = find_submitted(client, invoice.number, supplier) is not None
            except ChorusError as exc:
                log.info("Vérifications en ligne impossibles : %s", exc.message)
        if document_text is None and document is not None:
            from app.prefill.preview import pdf_text

            document_text = pdf_text(document)
        return CheckContext(
            today=datetime.now(UTC).date(),
            recipient=recipient,
            recipient_services=services,
            deposited_numbers=self.context.outbox().deposited_numbers(),
            number_on_platform=on_platform,
            document_text=document_text,
        )

    def check(
        self, invoice: Invoice, document_text: str | None = None, *, facturx: bool = False
    ) -> list[Issue]:
        """The checks that need no network: run as the user edits the form; with
        ``facturx``, the EN 16931 rules the Factur-X would have to keep too."""
        from app.deposit.checks import check_invoice

        issues = check_invoice(invoice, self.deposit_context(invoice, document_text=document_text))
        return issues + self.facturx_issues(invoice) if facturx else issues

    def facturx_issues(self, invoice: Invoice, *, official: bool = False) -> list[Issue]:
        """What would stop this invoice's Factur-X, each at its field in the form, said in
        French before anything is sent (no network: the seller as last known). ``official``
        (in a worker: the engine takes about 0.6 s to load): the official EN 16931 rules too,
        when Bordereau's own pass."""
        from app.deposit.checks import Issue
        from app.deposit.en16931 import broken_rules
        from app.deposit.facturx_writer import FacturxError, cii_invoice, official_check

        try:
            seller = self._seller(online=False)
        except FacturxError as exc:  # asked to Chorus Pro at the send, which may still work
            return [Issue("", exc.message, blocking=False)]
        try:
            xml = cii_invoice(invoice, seller, self.original_date(invoice))
        except FacturxError as exc:  # a transfer without the IBAN, a global discount…
            return [Issue(exc.field, exc.message)]
        broken = broken_rules(xml)
        if broken or not official:
            return [Issue(rule.field or "", str(rule)) for rule in broken]
        try:
            refused = official_check(xml)
        except FacturxError as exc:
            return [Issue(exc.field, exc.message)]
        return [
            Issue(rule.field or "", f"Factur-X refusé par la norme EN 16931 : {rule}")
            for rule in refused
        ]

    def check_online(
        self, invoice: Invoice, document_text: str | None = None, *, facturx: bool = False
    ) -> list[Issue]:
        """Every check, with the platform asked about the number and an unknown recipient;
        offline, the local checks alone; with ``facturx``, the Factur-X's rules too."""
        from app.deposit.checks import check_invoice

        context = self._checking_context(invoice, document_text, online=True)
        issues = check_invoice(invoice, context)
        return issues + self.facturx_issues(invoice, official=True) if facturx else issues

    def account_siret(self) -> str | None:
        """The SIRET the account deposits for (no network); None when not set yet."""
        try:
            return self.context.supplier_siret(self.context.account_status().effective)
        except ValidationProblem:
            return None

    def supplier_profile(self) -> SupplierProfile:
        """The user's structure on Chorus Pro, for the form's choices (its bank accounts and
        services); raises ``ChorusError`` offline."""
        return self.context.supplier_profile()

    # --- files and drafts --------------------------------------------------------------------

    def store_attachment(
        self, source: Path, *, designation: str | None = None, type_code: str | None = None
    ) -> AttachmentRef:
        return self.context.outbox().store(source, designation=designation, type_code=type_code)

    def attachment_path(self, attachment: AttachmentRef) -> Path:
        return self.context.outbox().file_path(attachment)

    def save_draft(self, invoice: Invoice, draft_id: int | None = None) -> int:
        return self.context.outbox().save_draft(invoice, draft_id)

    def load_draft(self, invoice_id: int) -> Invoice:
        return self.context.outbox().load_draft(invoice_id)

    def draft_note(self, invoice_id: int) -> str | None:
        """What the draft says of itself (« Remplace la facture … rejetée »), if anything."""
        from app.db import models

        with self.context.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            return row.status_comment if row is not None else None

    def drafts(self) -> list[DraftSummary]:
        return self.context.outbox().drafts()

    def delete_draft(self, invoice_id: int) -> None:
        self.context.outbox().delete_draft(invoice_id)

    # --- sending -----------------------------------------------------------------------------

    def submit(
        self,
        invoice: Invoice,
        pdf: Path | None = None,
        progress: Callable[[str], None] | None = None,
        *,
        draft_id: int | None = None,
        facturx: bool = False,
        facturx_ready: bool = False,
    ) -> DepositOutcome:
        """Queue the checked invoice, then send it. It stays queued, « En attente d'envoi »,
        when the platform is away; a refusal brings it back as a draft. With ``facturx``
        the PDF gets the invoice's EN 16931 XML and goes through ``deposer/flux``; with
        ``facturx_ready`` the PDF already is a checked Factur-X (an invoice written in
        Bordereau) and goes through ``deposer/flux`` as it is."""
        from app.chorus.errors import ChorusError
        from app.deposit.claims import Claim
        from app.deposit.states import DEPOSIT, DEPOSIT_FLUX
        from app.domain.enums import ModeDepot

        outbox = self.context.outbox()
        if pdf is not None:
            invoice.main_attachment = outbox.store(pdf)
        if facturx:
            invoice.main_attachment = self.facturx_attachment(invoice)
        as_flux = facturx or facturx_ready
        if as_flux:
            invoice.deposit_mode = ModeDepot.UPLOAD_API
        claim = Claim.new()
        entry_id = outbox.enqueue(
            invoice, None, draft_id, DEPOSIT_FLUX if as_flux else DEPOSIT, claim=claim
        )
        try:
            with self.context.chorus_client() as client:
                outcome = outbox.send(
                    entry_id, client, self.context.supplier_id(client), progress, claim=claim
                )
        except ChorusError as exc:
            log.info("Dépôt en attente : %s", exc.message)
            return outbox.waiting(entry_id, exc.message, claim)
        if outcome is None:  # taken over by another sender after a lost lease
            return outbox.waiting(entry_id, "Son envoi a été repris par un autre poste.")
        return outcome

    def facturx_attachment(self, invoice: Invoice) -> AttachmentRef:
        """The invoice's PDF with its Factur-X XML embedded, kept in the data folder."""
        import tempfile

        from app.deposit.facturx_writer import cii_invoice, embed_facturx

        main = invoice.main_attachment
        if main is None:
            raise ValidationProblem("Joignez le PDF de la facture.")
        xml = cii_invoice(invoice, self._seller(), self.original_date(invoice))
        content = embed_facturx(self.attachment_path(main).read_bytes(), xml)
        stem = Path(main.file_name).stem[:36]
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"{stem}-facturx.pdf"
            target.write_bytes(content)
            return self.store_attachment(target, designation=main.designation)

    def original_date(self, invoice: Invoice) -> date | None:
        """A credit note's invoice's date, when that invoice went through Bordereau (the
        reform wants it beside its number, BR-FR-CO-05)."""
        number = invoice.references.original_invoice_number
        if not number:
            return None
        from sqlalchemy import select

        from app.db import models

        with self.context.database.session() as session:
            found = session.scalars(
                select(models.Invoice.issue_date)
                .where(models.Invoice.number == number, models.Invoice.issue_date.is_not(None))
                .limit(1)
            ).first()
            if found is None:
                found = session.scalars(
                    select(models.WrittenInvoice.content).where(
                        models.WrittenInvoice.number == number
                    )
                ).first()
                return date.fromisoformat(found["issue_date"]) if found else None
        return found

    def _seller(self, *, online: bool = True) -> Seller:
        """The seller a Factur-X names: as Chorus Pro gives it, or as it gave it last time
        (offline); never a placeholder (EN 16931 BR-06, BR-S-02)."""
        from app.deposit.facturx_writer import FacturxError, Seller

        settings = self.context.settings
        environment = self.context.account_status().effective
        siret = self.context.supplier_siret(environment)
        iban, bic = settings.supplier_iban, settings.supplier_bic
        if environment is Environment.DEMO:
            from app.simulator.seed import DEMO_SUPPLIER_BIC, DEMO_SUPPLIER_IBAN

            iban, bic = DEMO_SUPPLIER_IBAN, DEMO_SUPPLIER_BIC
        try:
            profile = (
                self.context.supplier_profile()
                if online
                else self.context.known_supplier_profile(environment)
            )
        except BordereauError as exc:
            if not settings.supplier_name:
                raise FacturxError(
                    "Bordereau ne connaît pas encore le nom et le numéro de TVA de votre "
                    "structure sur Chorus Pro, qu'un Factur-X doit porter : envoyez la facture "
                    f"au format PDF, ou réessayez une fois Chorus Pro joignable ({exc.message})"
                ) from exc
            return Seller(siret, settings.supplier_name, settings.supplier_vat, iban, bic)
        if profile is None:  # not asked yet this session
            if not settings.supplier_name:
                raise FacturxError(
                    "Bordereau n'a pas encore lu le nom et le numéro de TVA de votre structure "
                    "sur Chorus Pro, qu'un Factur-X doit porter : ils le seront à l'envoi."
                )
            return Seller(siret, settings.supplier_name, settings.supplier_vat, iban, bic)
        return Seller(siret, profile.name, profile.vat_number, iban, bic)

    def has_waiting_invoices(self) -> bool:
        """Cheap enough for start-up: no ORM, no Chorus client imported."""
        from sqlalchemy import bindparam, text

        from app.deposit.states import UNFINISHED

        query = text("SELECT 1 FROM outbox_entries WHERE state IN :states LIMIT 1").bindparams(
            bindparam("states", expanding=True)
        )
        with self.context.database.engine.connect() as connection:
            found = connection.execute(query, {"states": list(UNFINISHED)}).first()
        return found is not None

    def resume_outbox(self, progress: Callable[[str], None] | None = None) -> list[DepositOutcome]:
        """Send what is waiting: after a restart (entries in doubt are reconciled first) or
        when the platform answers again."""
        from app.deposit.states import CHORUS_OPERATIONS

        outbox = self.context.outbox()
        pending = outbox.unfinished(CHORUS_OPERATIONS)
        if not pending:
            return []
        outcomes = []
        with self.context.chorus_client() as client:
            supplier = self.context.supplier_id(client)
            for entry_id in pending:
                outcome = outbox.send(entry_id, client, supplier, progress)
                if outcome is not None:  # None: another sender has it
                    outcomes.append(outcome)
        return outcomes

    # --- proof -------------------------------------------------------------------------------

    def deposit_facts(self, invoice_id: int) -> DepositFacts:
        from app.deposit.outbox import deposit_facts

        supplier = self.context.supplier_siret(self.context.account_status().effective)
        try:
            name = self.context.supplier_profile().name
        except BordereauError:  # offline: the certificate still states the SIRET
            name = supplier
        return deposit_facts(self.context.database, invoice_id, supplier, name)

    def export_certificate(self, invoice_id: int, target: Path) -> Path:
        from app.deposit.certificate import write_certificate

        return write_certificate(self.deposit_facts(invoice_id), target)
