"""Sollicitations written from an invoice's facts, in the portal's fields (issue 8).

Each template returns a complete draft: the category the portal expects, the invoice as the
object, both structures, and a polite, precise French text with the dates and amounts to the
cent (late-payment figures from ``app.payments``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.money import format_eur
from app.domain.statuses import InvoiceStatus
from app.domain.text import counted, french_date
from app.errors import ValidationProblem
from app.invoices.listing import InvoiceSummary
from app.tickets.catalogue import FACTURES_EMISES, TO_PUBLIC_ENTITY, TO_RECIPIENT

GREETING = "Madame, Monsieur,"
CLOSING = "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."


class Template(StrEnum):
    LATE_PAYMENT = "retard_paiement"
    REJECTION_QUESTION = "question_rejet"
    SUSPENDED_DOCUMENTS = "suspendue_pieces"
    ROUTING_REQUEST = "demande_code_service"

    @property
    def label(self) -> str:
        return {
            "retard_paiement": "Retard de paiement",
            "question_rejet": "Question sur un rejet",
            "suspendue_pieces": "Facture suspendue : pièces transmises",
            "demande_code_service": "Demande de code service / numéro d'engagement",
        }[self.value]


@dataclass(frozen=True, slots=True)
class StatusEvent:
    on: date
    comment: str | None


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What a sollicitation about one invoice can state."""

    invoice: InvoiceSummary
    today: date
    supplier_siret: str
    supplier_name: str
    chorus_number: str | None = None
    rejection: StatusEvent | None = None  # the last REJETEE
    suspension: StatusEvent | None = None  # the last SUSPENDUE
    completion: StatusEvent | None = None  # the COMPLETEE after it
    complements: tuple[str, ...] = ()  # files sent with « Compléter »
    service_required: bool | None = None  # from the directory, when known
    engagement_required: bool | None = None


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """The fields of the portal's form, in its order."""

    category: str = FACTURES_EMISES
    subcategory: str = TO_RECIPIENT
    object_type: str = "Facture"
    object_number: str = ""
    supplier_siret: str = ""
    supplier_name: str = ""
    supplier_service: str = ""
    recipient_siret: str = ""
    recipient_name: str = ""
    title: str = ""
    description: str = ""
    template: str | None = None
    invoice_id: int | None = None
    attachments: tuple[str, ...] = ()  # sha256 of files kept in the data folder


def templates_for(facts: TicketFacts) -> list[Template]:
    """The templates that fit the invoice as it stands."""
    status = facts.invoice.status
    found: list[Template] = []
    if facts.invoice.schedule.is_late:
        found.append(Template.LATE_PAYMENT)
    if status == InvoiceStatus.REJETEE or facts.rejection is not None:
        found.append(Template.REJECTION_QUESTION)
    if facts.suspension is not None:
        found.append(Template.SUSPENDED_DOCUMENTS)
    found.append(Template.ROUTING_REQUEST)
    return found


def draft_from(template: Template, facts: TicketFacts) -> TicketDraft:
    write = {
        Template.LATE_PAYMENT: _late_payment,
        Template.REJECTION_QUESTION: _rejection_question,
        Template.SUSPENDED_DOCUMENTS: _suspended_documents,
        Template.ROUTING_REQUEST: _routing_request,
    }[template]
    return replace(write(facts), template=template.value, invoice_id=facts.invoice.id)


def _base(facts: TicketFacts, subcategory: str) -> TicketDraft:
    invoice = facts.invoice
    return TicketDraft(
        category=FACTURES_EMISES,
        subcategory=subcategory,
        object_type="Facture",
        object_number=invoice.number,
        supplier_siret=facts.supplier_siret,
        supplier_name=facts.supplier_name,
        recipient_siret=invoice.recipient_siret,
        recipient_name=invoice.recipient_name,
    )


def _invoice_reference(facts: TicketFacts) -> str:
    """« facture n° F-12 du 03/03/2026, d'un montant de 1 200,00 € TTC »."""
    invoice = facts.invoice
    issued = f" du {french_date(invoice.issue_date)}" if invoice.issue_date else ""
    return (
        f"facture n° {invoice.number}{issued}, d'un montant de {format_eur(invoice.total_ttc)} TTC"
    )


def _deposit_sentence(facts: TicketFacts) -> str:
    invoice = facts.invoice
    chorus = f" (n° Chorus Pro {facts.chorus_number})" if facts.chorus_number else ""
    deposited = (
        f", déposée sur Chorus Pro le {french_date(invoice.deposit_date)}{chorus}"
        if invoice.deposit_date
        else ""
    )
    return f"Notre {_invoice_reference(facts)}{deposited}"


def _routing(facts: TicketFacts) -> str:
    invoice = facts.invoice
    parts = [f"{invoice.recipient_name or 'destinataire'} (SIRET {invoice.recipient_siret}"]
    if invoice.code_service:
        parts.append(f", code service {invoice.code_service}")
    if invoice.engagement_number:
        parts.append(f", engagement n° {invoice.engagement_number}")
    return "".join(parts) + ")"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _half_year(key: str) -> str:
    """« 2024-S2 » → « second semestre 2024 »."""
    year, _, half = key.partition("-S")
    return f"{'premier' if half == '1' else 'second'} semestre {year}" if half else key


def _signature(facts: TicketFacts) -> str:
    return f"{facts.supplier_name}\nSIRET {facts.supplier_siret}"


def _letter(*paragraphs: str, facts: TicketFacts) -> str:
    return "\n\n".join([GREETING, *paragraphs, CLOSING, _signature(facts)])


def _late_payment(facts: TicketFacts) -> TicketDraft:
    invoice = facts.invoice
    schedule = invoice.schedule
    if not schedule.is_late or schedule.due_on is None:
        raise ValidationProblem(
            f"La facture {invoice.number} n'est pas en retard de paiement : il n'y a pas "
            "d'intérêts moratoires à réclamer."
        )
    facts_paragraph = (
        f"{_deposit_sentence(facts)}, a été mise à votre disposition le "
        f"{french_date(schedule.started_on)}. Le délai global de paiement de "
        f"{schedule.deadline_days} jours expirait le {french_date(schedule.due_on)}."
    )
    if schedule.paid_on:
        delay = (
            f"Elle a été mise en paiement le {french_date(schedule.paid_on)}, soit "
            f"{counted(schedule.days_late, 'jour')} après cette échéance."
        )
        running = ""
        request = (
            "Nous vous remercions de bien vouloir procéder au mandatement de ces sommes, qui "
            "doivent être payées dans les 45 jours suivant le paiement du principal "
            "(article R.2192-36)."
        )
    else:
        delay = (
            f"À ce jour, {french_date(facts.today)}, elle n'a pas été payée : le retard atteint "
            f"{counted(schedule.days_late, 'jour')}."
        )
        running = f", arrêté au {french_date(facts.today)} (les intérêts courent jusqu'au paiement)"
        request = (
            "Nous vous remercions de bien vouloir procéder sans délai au paiement de la facture, "
            "ainsi qu'au mandatement de ces sommes."
        )
    rate = schedule.rate
    interest_line = f"- des intérêts moratoires de {format_eur(schedule.interest)}"
    if rate is not None:
        interest_line += (
            f" : {format_eur(invoice.total_ttc)} × {_percent(rate.percent)} % × "
            f"{schedule.days_late} / 365 (taux de la BCE majoré de 8 points, "
            f"{_half_year(rate.half_year)}, article R.2192-31) ;"
        )
    else:
        interest_line += " ;"
    dues = "\n".join(
        [
            "Ce retard fait courir de plein droit, et sans autre formalité, au bénéfice du "
            "titulaire (articles L.2192-12 et L.2192-13 du code de la commande publique) :",
            interest_line,
            f"- l'indemnité forfaitaire pour frais de recouvrement de "
            f"{format_eur(schedule.indemnity)} (article D.2192-35).",
            f"Soit un total de {format_eur(schedule.owed)}{running}.",
        ]
    )
    closing = f"{request} Nous restons à votre disposition pour tout renseignement."
    description = _letter(facts_paragraph, delay, dues, closing, facts=facts)
    return replace(
        _base(facts, TO_RECIPIENT),
        title=f"Retard de paiement de la facture {invoice.number} : intérêts moratoires",
        description=description,
    )


def _rejection_question(facts: TicketFacts) -> TicketDraft:
    invoice = facts.invoice
    rejection = facts.rejection or StatusEvent(
        invoice.status_at.date() if invoice.status_at else facts.today, None
    )
    reason = (
        f"Le motif indiqué est le suivant : « {rejection.comment.strip()} »."
        if rejection.comment and rejection.comment.strip()
        else "Aucun motif n'a été indiqué."
    )
    opening = (
        f"{_deposit_sentence(facts)} et adressée à {_routing(facts)}, a été rejetée le "
        f"{french_date(rejection.on)}. {reason}"
    )
    question = (
        "Afin d'émettre une facture conforme à vos attentes, pourriez-vous nous préciser ce "
        "qui doit être corrigé (destinataire, code service, numéro d'engagement, mentions ou "
        "montants) ? Nous établirons alors une nouvelle facture, sous un nouveau numéro, et la "
        "déposerons sur Chorus Pro dès réception de votre réponse."
    )
    description = _letter(
        opening, question, "Nous vous remercions par avance de votre retour.", facts=facts
    )
    return replace(
        _base(facts, TO_RECIPIENT),
        title=f"Question sur le rejet de la facture {invoice.number}",
        description=description,
    )


def _suspended_documents(facts: TicketFacts) -> TicketDraft:
    invoice = facts.invoice
    suspension = facts.suspension
    if suspension is None:
        raise ValidationProblem(f"La facture {invoice.number} n'a pas été suspendue.")
    reason = (
        f" avec le motif suivant : « {suspension.comment.strip()} »"
        if suspension.comment and suspension.comment.strip()
        else ""
    )
    opening = (
        f"{_deposit_sentence(facts)}, a été suspendue le {french_date(suspension.on)}{reason}."
    )
    if facts.completion is not None:
        files = (
            "\n".join(f"- {name}" for name in facts.complements)
            if facts.complements
            else "- (complément sans pièce jointe, voir le commentaire)"
        )
        comment = (
            f"\nCommentaire joint : « {facts.completion.comment.strip()} »"
            if facts.completion.comment and facts.completion.comment.strip()
            else ""
        )
        sent = (
            f"Nous avons complété la facture sur Chorus Pro le "
            f"{french_date(facts.completion.on)} en transmettant :\n{files}{comment}"
        )
    else:
        sent = "Vous trouverez en pièces jointes de cette sollicitation les documents demandés."
    request = (
        "Pourriez-vous nous confirmer que ces éléments permettent de reprendre le traitement de "
        "la facture ? Le délai de paiement reprend à la réception des pièces (article R.2192-29 "
        "du code de la commande publique)."
    )
    description = _letter(
        opening, sent, request, "Nous vous remercions par avance de votre retour.", facts=facts
    )
    return replace(
        _base(facts, TO_RECIPIENT),
        title=f"Facture {invoice.number} suspendue : pièces transmises",
        description=description,
    )


def _routing_request(facts: TicketFacts) -> TicketDraft:
    invoice = facts.invoice
    wanted = []
    if facts.service_required is not False:
        wanted.append("le code service à indiquer")
    if facts.engagement_required is not False:
        wanted.append("le numéro d'engagement juridique (bon de commande)")
    if not wanted:
        wanted = ["le code service et le numéro d'engagement à indiquer, le cas échéant"]
    required = [
        name
        for name, flag in (
            ("un code service", facts.service_required),
            ("un numéro d'engagement", facts.engagement_required),
        )
        if flag
    ]
    directory = (
        f" D'après l'annuaire Chorus Pro, votre structure exige {' et '.join(required)}."
        if required
        else ""
    )
    opening = (
        f"Nous devons vous adresser sur Chorus Pro la {_invoice_reference(facts)}, pour une "
        f"prestation réalisée pour {invoice.recipient_name or 'votre structure'} "
        f"(SIRET {invoice.recipient_siret}).{directory}"
    )
    question = (
        f"Afin que la facture soit acheminée vers le bon service et traitée sans rejet, "
        f"pourriez-vous nous communiquer {' ainsi que '.join(wanted)} ?"
    )
    description = _letter(
        opening, question, "Nous vous remercions par avance de votre retour.", facts=facts
    )
    return replace(
        _base(facts, TO_PUBLIC_ENTITY),
        title=f"Demande de code service et de numéro d'engagement (facture {invoice.number})",
        description=description,
    )
