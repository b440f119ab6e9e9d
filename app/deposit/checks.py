"""The checks run before an invoice is sent, each tied to its field, in French.

Blocking problems would get the invoice refused, sent back ("À recycler") or rejected;
advice (mandatory mentions of a micro-entrepreneur's invoice) does not block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.directory.rules import ServiceFlags, recipient_rules
from app.directory.store import Service, Structure
from app.domain.enums import ModeDepot, TypeFacture, TypeTva
from app.domain.identifiers import siret_problem
from app.domain.invoice import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_NAME_LENGTH,
    MAX_ENGAGEMENT_LENGTH,
    MAX_INVOICE_NUMBER_LENGTH,
    MAX_INVOICE_TOTAL_BYTES,
    AttachmentRef,
    Invoice,
)
from app.domain.money import format_eur

TOLERANCE = Decimal("0.01")
NUMBER_CHARACTERS = re.compile(r"^[A-Za-z0-9\-_/+]+$")
FRANCHISE_MENTION = re.compile(r"293\s*B", re.I)
PENALTIES_MENTION = re.compile(
    r"p[ée]nalit[ée]s?\s+de\s+retard|int[ée]r[êe]ts?\s+de\s+retard", re.I
)
INDEMNITY_MENTION = re.compile(r"40\s*(?:€|euros?)|indemnit[ée]\s+forfaitaire", re.I)


@dataclass(frozen=True, slots=True)
class Issue:
    field: str  # where the form shows it: "number", "recipient.siret", "totals.total_ttc"…
    message: str
    blocking: bool = True


@dataclass(slots=True)
class CheckContext:
    today: date
    recipient: Structure | None = None  # from the directory (local or online)
    recipient_services: list[Service] = field(default_factory=list)
    deposited_numbers: set[str] = field(default_factory=set)  # already sent from here
    number_on_platform: bool = False  # found by rechercher/fournisseur when connected
    document_text: str | None = None  # the PDF's text, for the mandatory mentions


def _identity(invoice: Invoice, context: CheckContext) -> list[Issue]:
    issues = []
    number = invoice.number.strip()
    if not number:
        issues.append(Issue("number", "Le numéro de facture est obligatoire."))
    elif len(number) > MAX_INVOICE_NUMBER_LENGTH:
        issues.append(
            Issue(
                "number",
                f"Le numéro de facture dépasse {MAX_INVOICE_NUMBER_LENGTH} caractères "
                f"({len(number)}) : Chorus Pro le refuserait.",
            )
        )
    elif not NUMBER_CHARACTERS.match(number):
        issues.append(
            Issue(
                "number",
                "Le numéro de facture ne peut contenir que des lettres, des chiffres "
                "et les signes - _ / +.",
            )
        )
    elif number in context.deposited_numbers or context.number_on_platform:
        issues.append(
            Issue(
                "number",
                f"Une facture n° {number} a déjà été déposée pour votre structure : "
                "chaque facture doit avoir un numéro unique.",
            )
        )
    if invoice.issue_date is None:
        issues.append(Issue("issue_date", "La date de facture est obligatoire."))
    elif invoice.issue_date > context.today:
        issues.append(Issue("issue_date", "La date de facture est dans le futur."))
    elif invoice.issue_date < context.today - timedelta(days=365):
        issues.append(
            Issue("issue_date", "La facture a plus d'un an : vérifiez la date.", blocking=False)
        )
    if invoice.framework.code.needs_validator and not invoice.framework.validator_siret:
        issues.append(
            Issue(
                "framework.validator_siret",
                "Ce cadre de facturation exige le SIRET du "
                "valideur (titulaire du marché ou mandataire).",
            )
        )
    if invoice.references.invoice_type is TypeFacture.AVOIR and not (
        invoice.references.original_invoice_number
    ):
        issues.append(
            Issue(
                "references.original_invoice_number",
                "Un avoir doit indiquer le numéro de la facture qu'il corrige.",
            )
        )
    if invoice.references.vat_type is TypeTva.EXONERATION and not (
        invoice.references.vat_exemption_reason
    ):
        issues.append(
            Issue("references.vat_exemption_reason", "Indiquez le motif d'exonération de TVA.")
        )
    return issues


def recipient_issues(invoice: Invoice, context: CheckContext) -> list[Issue]:
    """The recipient's SIRET, service and engagement against the directory's rules."""
    siret = invoice.recipient.siret.replace(" ", "")
    problem = siret_problem(siret)
    if problem:
        return [Issue("recipient.siret", problem)]
    engagement = invoice.references.engagement_number or ""
    issues = []
    if len(engagement.strip()) > MAX_ENGAGEMENT_LENGTH:
        issues.append(
            Issue(
                "references.engagement_number",
                f"Le numéro d'engagement dépasse {MAX_ENGAGEMENT_LENGTH} caractères.",
            )
        )
    if context.recipient is None:
        issues.append(
            Issue(
                "recipient.siret",
                "Ce SIRET n'est pas dans l'annuaire : vérifiez qu'il s'agit "
                "bien d'une structure publique inscrite sur Chorus Pro.",
                blocking=False,
            )
        )
        return issues
    code = invoice.recipient.code_service or ""
    service = next((s for s in context.recipient_services if s.code == code), None)
    if code and service is None and context.recipient_services:
        issues.append(
            Issue(
                "recipient.code_service",
                f"Le service {code} n'existe pas (ou n'est plus "
                "actif) chez ce destinataire : choisissez-le dans la liste.",
            )
        )
    rules = recipient_rules(
        context.recipient.flags,
        service.flags if service else (ServiceFlags(code) if code else None),
        service_code=code,
        engagement=engagement,
    )
    for problem in rules.problems:
        field_name = (
            "references.engagement_number"
            if "engagement" in problem and "service" not in problem
            else "recipient.code_service"
            if "service" in problem
            else "recipient.siret"
        )
        issues.append(Issue(field_name, problem))
    return issues


def _amounts(invoice: Invoice) -> list[Issue]:
    totals = invoice.totals
    issues = []
    values = (
        totals.total_ht,
        totals.total_tva,
        totals.total_ttc,
        totals.amount_due,
        totals.global_discount_ttc,
    )
    if any(value < 0 for value in values):
        issues.append(
            Issue(
                "totals",
                "Les montants sont toujours positifs, même pour un avoir "
                "(c'est le type « Avoir » qui porte le signe).",
            )
        )
        return issues
    if totals.total_ttc == 0 and totals.total_ht == 0:
        issues.append(Issue("totals.total_ht", "Le montant de la facture est nul."))
    before_discount = totals.total_ht + totals.total_tva
    if abs(before_discount - totals.total_ttc_before_discount) > TOLERANCE:
        issues.append(
            Issue(
                "totals.total_ttc_before_discount",
                f"HT + TVA = {format_eur(before_discount)}, mais le TTC "
                f"avant remise est {format_eur(totals.total_ttc_before_discount)}.",
            )
        )
    after_discount = totals.total_ttc_before_discount - totals.global_discount_ttc
    if abs(after_discount - totals.total_ttc) > TOLERANCE:
        issues.append(
            Issue(
                "totals.total_ttc_after_discount",
                f"TTC avant remise − remise = {format_eur(after_discount)}, mais le TTC "
                f"après remise est {format_eur(totals.total_ttc)}.",
            )
        )
    if totals.global_discount_ttc and not totals.global_discount_reason:
        issues.append(Issue("totals.global_discount_reason", "Indiquez le motif de la remise."))
    if totals.amount_due > totals.total_ttc + TOLERANCE:
        issues.append(
            Issue(
                "totals.amount_due",
                f"Le net à payer ({format_eur(totals.amount_due)}) dépasse "
                f"le TTC ({format_eur(totals.total_ttc)}).",
            )
        )
    if invoice.vat_lines:
        base = sum((line.base_ht for line in invoice.vat_lines), Decimal(0))
        vat = sum((line.vat_amount for line in invoice.vat_lines), Decimal(0))
        if abs(base - totals.total_ht) > TOLERANCE or abs(vat - totals.total_tva) > TOLERANCE:
            issues.append(
                Issue(
                    "vat_lines",
                    "Le détail de la TVA par taux ne correspond pas aux totaux HT et TVA.",
                )
            )
    return issues


def _attachments(invoice: Invoice) -> list[Issue]:
    issues = []
    files: list[AttachmentRef] = [
        *([invoice.main_attachment] if invoice.main_attachment else []),
        *invoice.other_attachments,
    ]
    if invoice.deposit_mode is not ModeDepot.SAISIE_API and invoice.main_attachment is None:
        issues.append(Issue("main_attachment", "Joignez le PDF de la facture."))
    for attachment in files:
        if len(attachment.file_name) > MAX_ATTACHMENT_NAME_LENGTH:
            issues.append(
                Issue(
                    "attachments",
                    f"« {attachment.file_name} » : Chorus Pro refuse les noms de "
                    f"plus de {MAX_ATTACHMENT_NAME_LENGTH} caractères (extension comprise).",
                )
            )
        if attachment.size > MAX_ATTACHMENT_BYTES:
            issues.append(Issue("attachments", f"« {attachment.file_name} » dépasse 10 Mo."))
    if sum(attachment.size for attachment in files) > MAX_INVOICE_TOTAL_BYTES:
        issues.append(Issue("attachments", "Les pièces jointes dépassent 120 Mo au total."))
    return issues


def _mentions(invoice: Invoice, context: CheckContext) -> list[Issue]:
    """Advice on the mentions a micro-entrepreneur's invoice must carry (domain.md §3.2)."""
    text = context.document_text
    if not text:
        return []
    advice = []
    if invoice.totals.total_tva == 0 and not FRANCHISE_MENTION.search(text):
        advice.append(
            Issue(
                "mentions",
                "La TVA est nulle mais la facture ne porte pas la mention « TVA non "
                "applicable, art. 293 B du CGI ».",
                blocking=False,
            )
        )
    if not PENALTIES_MENTION.search(text):
        advice.append(
            Issue(
                "mentions",
                "La facture n'indique pas le taux des pénalités de retard (mention obligatoire).",
                blocking=False,
            )
        )
    if not INDEMNITY_MENTION.search(text):
        advice.append(
            Issue(
                "mentions",
                "La facture ne mentionne pas l'indemnité forfaitaire de 40 € pour "
                "frais de recouvrement (mention obligatoire).",
                blocking=False,
            )
        )
    return advice


MAX_FREE_TEXT_LENGTH = 255  # what Chorus Pro stores of a comment or a reason (chorus-api.md §4)


def _free_texts(invoice: Invoice) -> list[Issue]:
    texts = (
        ("comment", "Le commentaire", invoice.comment),
        (
            "totals.global_discount_reason",
            "Le motif de la remise",
            invoice.totals.global_discount_reason,
        ),
    )
    return [
        Issue(field, f"{label} dépasse {MAX_FREE_TEXT_LENGTH} caractères ({len(text)}).")
        for field, label, text in texts
        if text and len(text) > MAX_FREE_TEXT_LENGTH
    ]


def check_invoice(invoice: Invoice, context: CheckContext) -> list[Issue]:
    return [
        *_identity(invoice, context),
        *recipient_issues(invoice, context),
        *_amounts(invoice),
        *_attachments(invoice),
        *_free_texts(invoice),
        *_mentions(invoice, context),
    ]


def blocking(issues: list[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.blocking]
