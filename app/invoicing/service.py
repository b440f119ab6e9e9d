"""« Saisir une facture »: write an invoice, check its mentions and its EN 16931 conformity,
issue it (number, PDF/A-3 with Factur-X) and correct it by a credit note.

The seller's identity (name, address, registration, VAT number, bank account) is the
office's invoicing profile, kept in the shared database."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import ValidationProblem
from app.invoicing.model import ZERO, Customer, DocumentType, Line, Seller, WrittenInvoice

if TYPE_CHECKING:  # the storage (SQLAlchemy) loads with the first use, never at start-up
    from app.context import AppContext
    from app.deposit.checks import Issue
    from app.deposit.en16931 import RuleBroken
    from app.deposit.official_rules import OfficialReport
    from app.deposit.outbox import DepositOutcome
    from app.deposit.service import DepositService
    from app.invoicing.credits import CreditPart
    from app.invoicing.mentions import MissingMention
    from app.invoicing.storage import IssuedInvoice, IssuedListing, WrittenRow
    from app.pa.service import PlatformService

log = logging.getLogger(__name__)

PROFILE_SETTING = "invoicing_seller"
DEFAULT_TERMS_DAYS = 30  # the legal default between businesses (L441-10)
PROVISIONAL_NUMBER = "BROUILLON"
# The deposit form's fields, as the editor names them.
DEPOSIT_FIELDS = {
    "recipient.siret": "customer.siret",
    "recipient.code_service": "customer.code_service",
    "references.engagement_number": "customer.engagement",
}


class InvoiceRefused(ValidationProblem):
    """What stops an invoice from being issued: its missing mentions and broken rules."""

    def __init__(self, problems: Sequence[MissingMention | RuleBroken]) -> None:
        self.problems = list(problems)
        super().__init__(
            "La facture ne peut pas être émise : "
            + " ; ".join(str(problem) for problem in self.problems)
        )


def conformity_report(invoice: WrittenInvoice) -> OfficialReport:
    """The Factur-X checks (Bordereau's EN 16931 rules, the XSD, the official rules that
    apply: EN 16931 and Factur-X, the reform's BR-FR) on the invoice's XML (a provisional
    number stands in for a draft's), with their warnings."""
    from app.deposit.en16931 import RuleBroken
    from app.deposit.facturx_writer import facturx_report
    from app.deposit.official_rules import OfficialReport, OfficialRulesUnavailable
    from app.invoicing.cii_writer import written_cii

    xml = written_cii(invoice if invoice.number else replace(invoice, number=PROVISIONAL_NUMBER))
    try:
        return facturx_report(xml)
    except OfficialRulesUnavailable as exc:
        unchecked = RuleBroken(
            "EN16931", f"La vérification officielle n'a pas pu être faite ({exc})."
        )
        return OfficialReport([unchecked], [])


def conformity(invoice: WrittenInvoice) -> list[RuleBroken]:
    """The fatal part of :func:`conformity_report`."""
    return conformity_report(invoice).broken


def _iso_date(value: object, name: str) -> str:
    """A date of the JSON form (AAAA-MM-JJ), or a French message naming its field."""
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationProblem(
            f"Facture illisible — {name} : « {str(value)[:40]} » n'est pas une date réelle au "
            "format AAAA-MM-JJ."
        ) from None


@dataclass(frozen=True, slots=True)
class SendResult:
    """Where an issued invoice went and what became of it (« invoice send »)."""

    channel: str  # chorus | pa
    number: str
    state: str  # done | waiting | refused | blocked
    invoice_id: int
    message: str
    chorus_invoice_id: int | None = None
    flow_id: str | None = None

    @classmethod
    def of(
        cls, channel: str, number: str, outcome: DepositOutcome, flow_id: str | None = None
    ) -> SendResult:
        return cls(
            channel,
            number,
            outcome.state,
            outcome.invoice_id,
            outcome.message,
            outcome.chorus_invoice_id,
            flow_id,
        )


class InvoicingService:
    def __init__(
        self, context: AppContext, deposit: DepositService, platform: PlatformService
    ) -> None:
        self.context = context
        self.deposit = deposit
        self.platform = platform

    # --- the seller's profile --------------------------------------------------------------

    def seller_profile(self) -> Seller | None:
        from app.db.shared import shared_setting
        from app.invoicing.json_form import from_json

        stored = shared_setting(self.context.database, PROFILE_SETTING)
        return None if stored is None else from_json(Seller, stored, "Profil de facturation")

    def save_seller_profile(self, seller: Seller) -> None:
        """Keep the profile — not before what is malformed in it is said (a logo too large
        to print, a SIRET of zeros…): every later invoice would carry it."""
        from app.db.shared import set_shared_setting
        from app.invoicing.json_form import to_json
        from app.invoicing.values import seller_problems

        problems = seller_problems(seller)
        if problems:
            raise ValidationProblem(
                "Profil non enregistré : " + " ; ".join(str(p) for p in problems)
            )
        set_shared_setting(self.context.database, PROFILE_SETTING, to_json(seller))

    # --- writing ---------------------------------------------------------------------------

    def from_json(self, data: dict[str, Any], *, today: date | None = None) -> WrittenInvoice:
        """An invoice from its JSON form, with what may be left out filled in: the seller
        (the profile), the dates (today; the sale on the same day), the due date (30 days)."""
        today = today or date.today()
        data = dict(data)
        for name in ("payment", "seller", "customer"):
            if name in data and not isinstance(data[name], dict):
                raise ValidationProblem(f"Facture illisible — {name} : un objet JSON est attendu.")
        for name in ("issue_date", "delivery_date"):
            if name in data:
                data[name] = _iso_date(data[name], name)
        if "seller" not in data:
            seller = self.seller_profile()
            if seller is None:
                raise ValidationProblem(
                    "Votre profil de facturation n'est pas encore renseigné : « bordereau invoice "
                    "profile --json FICHIER » (nom, SIRET, adresse, immatriculation, IBAN)."
                )
            from app.invoicing.json_form import to_json

            data["seller"] = to_json(seller)
        data.setdefault("issue_date", today.isoformat())
        data.setdefault("delivery_date", data["issue_date"])
        payment = dict(data.get("payment") or {})
        issued = date.fromisoformat(str(data["issue_date"]))
        if "due_date" in payment:
            payment["due_date"] = _iso_date(payment["due_date"], "payment.due_date")
        payment.setdefault("due_date", (issued + timedelta(days=DEFAULT_TERMS_DAYS)).isoformat())
        data["payment"] = payment
        from app.invoicing.storage import invoice_from_json

        return invoice_from_json(data)

    def form_problems(self, invoice: WrittenInvoice) -> list[MissingMention]:
        """What the editor says as the user types (nothing leaves the computer): the missing
        mentions, and a public customer's service and engagement against the directory's
        rules, as the deposit applies them."""
        from app.invoicing.mentions import missing_mentions
        from app.invoicing.values import value_problems

        found = value_problems(invoice)
        said = {problem.field for problem in found}
        found += [problem for problem in missing_mentions(invoice) if problem.field not in said]
        return found + self.directory_problems(invoice)

    def directory_problems(self, invoice: WrittenInvoice) -> list[MissingMention]:
        from app.deposit.checks import recipient_issues
        from app.invoicing.mentions import MissingMention
        from app.invoicing.model import CustomerKind
        from app.invoicing.to_chorus import deposit_invoice

        customer = invoice.customer
        if customer.kind is not CustomerKind.PUBLIC or not customer.siret:
            return []
        probe = deposit_invoice(replace(invoice, number=invoice.number or PROVISIONAL_NUMBER))
        issues = recipient_issues(probe, self.deposit.deposit_context(probe))
        problems = [
            MissingMention(DEPOSIT_FIELDS.get(issue.field, "customer.siret"), issue.message)
            for issue in issues
            if issue.blocking
        ]
        if probe.framework.code.needs_validator and not invoice.validator_siret:
            problems.append(
                MissingMention(
                    "validator_siret",
                    f"Le cadre {probe.framework.code.short_code} exige le SIRET de la structure "
                    "qui valide la facture (le titulaire du marché ou son mandataire).",
                )
            )
        return problems

    def problems(self, invoice: WrittenInvoice) -> list[MissingMention | RuleBroken]:
        """Everything that stops ``invoice`` from being issued: the mentions and the
        directory's rules first (at their fields), then — when they hold — the EN 16931
        rules."""
        missing = self.form_problems(invoice)
        if missing:
            return list(missing)
        return list(conformity(invoice))

    def save_draft(self, invoice: WrittenInvoice, draft_id: int | None = None) -> int:
        from app.invoicing.storage import save_draft

        self.context.require_writable()
        return save_draft(self.context.database, invoice, draft_id)

    # --- issuing ---------------------------------------------------------------------------

    def issue(
        self,
        draft_id: int,
        *,
        today: date | None = None,
        credited_id: int | None = None,
        credited_lines: list[Any] | None = None,
    ) -> IssuedInvoice:
        """Number, render and store the draft; refused, in French, when a mention is missing
        or a fatal EN 16931 rule is broken (nothing is numbered then). Once stored, the
        invoice is issued: its record, archive copy and backup follow (``keeping.py``), and
        what of them failed is in ``IssuedInvoice.problems``."""
        from app.invoicing import storage
        from app.invoicing.cii_writer import written_cii
        from app.invoicing.pdf import invoice_pdf

        self.context.require_writable()
        today = today or date.today()
        draft = replace(storage.load(self.context.database, draft_id), issue_date=today)
        missing = self.form_problems(draft)
        if missing:
            raise InvoiceRefused(missing)
        report = conformity_report(draft)
        if report.broken:
            raise InvoiceRefused(report.broken)

        def render(numbered: WrittenInvoice) -> bytes:
            return invoice_pdf(numbered, written_cii(numbered))

        issued = storage.issue(
            self.context.database,
            draft_id,
            render,
            on=today,
            credited_id=credited_id,
            credited_lines=credited_lines,
        )
        log.info("Facture %s émise", issued.invoice.number)
        after = self._keep(issued)
        if not issued.invoice.is_credit_note:
            from sqlalchemy.exc import SQLAlchemyError

            from app.invoicing.address_book import remember

            try:
                remember(self.context.database, issued.invoice)  # for the next invoice
            except SQLAlchemyError:  # a convenience: never a reason to fail an issue
                log.warning("Client et catalogue non retenus", exc_info=True)
        warnings = tuple(f"Avertissement : {warning}" for warning in report.warnings)
        return replace(issued, problems=tuple(after), warnings=warnings)

    def _keep(self, issued: IssuedInvoice) -> list[str]:
        from app.invoicing.keeping import keep_after_issue

        paths = self.context.paths
        return keep_after_issue(
            self.context.database,
            config_dir=paths.config_dir,
            archive_root=paths.archive_dir,
            backups_dir=self.context.backups_dir,
            database_id=self.context.database_identity,
            issued=issued,
        )

    def _issue_once(
        self,
        draft: WrittenInvoice,
        *,
        today: date | None,
        credited_id: int | None = None,
        credited_lines: list[Any] | None = None,
    ) -> IssuedInvoice:
        """Issue ``draft`` through a draft of its own, reused when the same issue is tried
        again and forgotten when it is refused: no draft piles up behind a refusal or a
        killed try."""
        from app.invoicing.storage import delete_draft, save_draft
        from app.invoicing.values import value_problems

        self.context.require_writable()
        out_of_bounds = value_problems(draft)
        if out_of_bounds:  # before anything is stored
            raise InvoiceRefused(out_of_bounds)
        draft_id = save_draft(self.context.database, draft, reuse_same=True)
        try:
            return self.issue(
                draft_id, today=today, credited_id=credited_id, credited_lines=credited_lines
            )
        except ValidationProblem:
            delete_draft(self.context.database, draft_id)
            raise

    def write_new(self, invoice: WrittenInvoice, *, today: date | None = None) -> IssuedInvoice:
        """Save as a draft and issue at once (the command line's « invoice new »)."""
        return self._issue_once(invoice, today=today)

    def credit_note(
        self,
        number: str,
        *,
        line_numbers: Sequence[int] | None = None,
        parts: Sequence[CreditPart] | None = None,
        today: date | None = None,
    ) -> IssuedInvoice:
        """An « avoir » for the issued invoice ``number``: all of it, the lines numbered (from
        1), or ``parts`` of lines (a quantity, an amount HT), with its parties, regime and
        terms; issued at once, never crediting more than was invoiced."""
        from app.invoicing.credits import CreditPart, credited_line, record_of

        credited = self.issued(number)
        original = credited.invoice
        if original.is_credit_note:
            raise ValidationProblem(f"{number} est déjà un avoir.")
        today = today or date.today()
        if line_numbers and not parts:
            parts = [CreditPart(line) for line in sorted(set(line_numbers))]
        credited_lines: list[Any] | None = None
        if parts:
            wrong = [part.line for part in parts if not 1 <= part.line <= len(original.lines)]
            if wrong:
                raise ValidationProblem(
                    f"La facture {number} a {len(original.lines)} ligne(s) : "
                    f"pas de ligne {', '.join(map(str, wrong))}."
                )
            if len({part.line for part in parts}) != len(parts):
                raise ValidationProblem("Une même ligne est nommée deux fois.")
            parts = sorted(parts, key=lambda part: part.line)
            lines = tuple(credited_line(original.lines[part.line - 1], part) for part in parts)
            credited_lines = record_of(original.lines, parts)
            if credited_lines == list(range(1, len(original.lines) + 1)) and not (
                original.adjustments
            ):
                credited_lines = None  # every line, all of it: the whole invoice
            adjustments: tuple[Any, ...] = ()
        else:
            lines, adjustments = original.lines, original.adjustments
        credit = replace(
            original,
            lines=lines,
            adjustments=adjustments,
            prepaid=ZERO,
            paid=False,  # a credit note of an invoice paid in full is not itself « paid »
            cadre="A1_FACTURE_FOURNISSEUR" if original.cadre.startswith("A2") else original.cadre,
            document_type=DocumentType.CREDIT_NOTE,
            number=None,
            credited_number=original.number,
            credited_date=original.issue_date,
            issue_date=today,
            delivery_date=original.delivery_date,
            payment=replace(original.payment, due_date=today),
            note=f"Avoir sur la facture {original.number}",
        )
        return self._issue_once(
            credit, today=today, credited_id=credited.id, credited_lines=credited_lines
        )

    def rows(self) -> list[WrittenRow]:
        """The written invoices: drafts, then issued ones, newest first."""
        from app.invoicing.storage import written_rows

        return written_rows(self.context.database)

    def draft_count(self) -> int:
        """How many written invoices wait as drafts (counted, not read)."""
        from app.invoicing.storage import draft_count

        return draft_count(self.context.database)

    def draft(self, draft_id: int) -> WrittenInvoice:
        from app.invoicing.storage import load

        return load(self.context.database, draft_id)

    # --- customers and catalogue ------------------------------------------------------------

    def customers(self) -> list[tuple[int, Customer]]:
        from app.invoicing.address_book import customers

        return customers(self.context.database)

    def catalogue(self) -> list[tuple[int, Line]]:
        from app.invoicing.address_book import catalogue

        return catalogue(self.context.database)

    def save_customer(self, customer_id: int | None, customer: Customer) -> None:
        from app.invoicing.address_book import save_customer

        save_customer(self.context.database, customer_id, customer)

    def save_catalogue_item(self, item_id: int | None, line: Line) -> None:
        from app.invoicing.address_book import save_item

        save_item(self.context.database, item_id, line)

    def forget_customer(self, customer_id: int) -> None:
        from app.invoicing.address_book import forget_customer

        forget_customer(self.context.database, customer_id)

    def forget_catalogue_item(self, item_id: int) -> None:
        from app.invoicing.address_book import forget_item

        forget_item(self.context.database, item_id)

    # --- to Chorus Pro ----------------------------------------------------------------------

    def issued(self, number: str) -> IssuedInvoice:
        """The issued invoice ``number`` with the PDF that was issued: the database's copy,
        or the archive's when the database's no longer matches its sha256."""
        from app.invoicing.storage import issued_invoice

        found = issued_invoice(self.context.database, number)
        if found.intact:
            return found
        from app.invoicing.archive import archived_invoice

        log.error("Le PDF de %s dans la base ne correspond plus à son empreinte", number)
        record = archived_invoice(
            self.context.paths.archive_dir, number, found.invoice.is_credit_note
        )
        pdf = record.pdf() if record is not None else None
        if pdf is None or record is None or record.pdf_sha256 != found.pdf_sha256:
            from app.db.integrity import DatabaseDamagedError

            raise DatabaseDamagedError(
                f"Le PDF de {number} est endommagé dans la base et n'est pas dans les "
                "archives. Restaurez la dernière sauvegarde : Fichier › Restaurer une "
                "sauvegarde…, ou « bordereau backup restore »."
            )
        return replace(found, pdf=pdf)

    def issued_list(self, year: int | None = None) -> list[IssuedListing]:
        from app.invoicing.storage import issued_listing

        return issued_listing(self.context.database, year)

    def deposit_issues(self, number: str) -> list[Issue]:
        """The deposit's checks (the recipient in the directory, its code service and
        engagement rules, the number not already on Chorus Pro), asking the platform."""
        return self._deposit_issues(self.issued(number))

    def _deposit_issues(self, issued: IssuedInvoice) -> list[Issue]:
        from app.invoicing.to_chorus import deposit_invoice

        if issued.invoice.customer.siret is None:
            return []
        issues = self.deposit.check_online(deposit_invoice(issued.invoice))
        return [issue for issue in issues if issue.field != "main_attachment"]  # its own PDF

    def send_to_chorus(
        self, number: str, progress: Callable[[str], None] | None = None
    ) -> DepositOutcome:
        """Send the issued invoice ``number`` (a public customer's) to Chorus Pro as its
        Factur-X, through the exactly-once outbox (``app/invoicing/to_chorus.py`` says why
        this path)."""
        import tempfile

        from app.invoicing.model import CustomerKind
        from app.invoicing.storage import link_deposit
        from app.invoicing.to_chorus import deposit_invoice

        issued = self.issued(number)
        if issued.invoice.customer.kind is not CustomerKind.PUBLIC:
            raise ValidationProblem(
                f"{number} est adressée à une entreprise : elle ne passe pas par Chorus Pro "
                "(enregistrez le PDF Factur-X pour sa plateforme)."
            )
        blocking = [issue for issue in self._deposit_issues(issued) if issue.blocking]
        if blocking:
            raise ValidationProblem(
                "La facture ne peut pas partir : " + " ; ".join(i.message for i in blocking)
            )
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / self.pdf_name(issued)
            pdf.write_bytes(issued.pdf)
            outcome = self.deposit.submit(
                deposit_invoice(issued.invoice), pdf, progress, facturx_ready=True
            )
        link_deposit(self.context.database, issued.id, outcome.invoice_id)
        return outcome

    def send(self, number: str, progress: Callable[[str], None] | None = None) -> SendResult:
        """Send the issued invoice where its customer receives: Chorus Pro for a public
        structure, the Plateforme Agréée for a company."""
        from app.invoicing.model import CustomerKind

        issued = self.issued(number)
        if issued.invoice.customer.kind is CustomerKind.PUBLIC:
            outcome = self.send_to_chorus(number, progress)
            return SendResult.of("chorus", number, outcome)
        outcome = self.platform.send_issued(issued, self.pdf_name(issued), progress)
        return SendResult.of("pa", number, outcome, self.platform.flow_id(outcome.invoice_id))

    @staticmethod
    def pdf_name(issued: IssuedInvoice) -> str:
        from app.files import file_name_for

        kind = "Avoir" if issued.invoice.is_credit_note else "Facture"
        return file_name_for(f"{kind} {issued.invoice.number}", "pdf")

    def write_pdf(self, issued: IssuedInvoice, folder: Path) -> Path:
        """A copy of the issued PDF in ``folder`` for the user (``export.py``: never over a
        different file); ``PdfNotWritten`` says why not and how to get it."""
        from app.invoicing.export import export_copy

        number = issued.invoice.number or ""
        pdf = issued.pdf if issued.intact else self.issued(number).pdf
        path = export_copy(pdf, folder, self.pdf_name(issued), number)
        self.note_exported(issued)
        return path

    def note_exported(self, issued: IssuedInvoice) -> None:
        """A copy of the PDF was given to the user (« invoice list » says so)."""
        from app.invoicing.storage import mark

        if issued.id and self.context.database_damage is None:
            mark(self.context.database, issued.id, exported=True)

    # --- when the database cannot be read: the archive ---------------------------------------

    def archived_list(self, year: int | None = None) -> list[IssuedListing]:
        """The issued invoices as the archive keeps them (a database too damaged to read)."""
        from app.invoicing.keeping import listing_from_archive

        return listing_from_archive(self.context.paths.archive_dir, year)

    def archived(self, number: str) -> IssuedInvoice:
        from app.invoicing.keeping import issued_from_archive

        return issued_from_archive(self.context.paths.archive_dir, number)
