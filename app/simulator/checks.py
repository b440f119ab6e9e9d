"""The business checks Chorus Pro applies before it accepts an invoice (chorus-api.md §3.5).

The exact codes and texts of the official appendix are not public: each refusal carries a
message key and an explicit French sentence, like the platform's ``libelle``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.cadres import CadreFacturation
from app.domain.protocol import PUBLIC_ONLY_SERVICE
from app.simulator.handlers_transverses import CURRENCIES
from app.simulator.seed import SimService, SimStructure
from app.simulator.state import SimulatorState

TOLERANCE = Decimal("0.01")
CURRENCY_CODES = frozenset(code for code, _label in CURRENCIES)
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9\-_/+]{1,20}$")


class Refusal(Exception):
    def __init__(self, code: int, libelle: str) -> None:
        super().__init__(libelle)
        self.code = code
        self.libelle = libelle


def to_decimal(value: Any, default: Decimal | None = Decimal(0)) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Refusal(20013, f"GDP_MSG_11.040 Montant illisible : {value!r}") from None


@dataclass(slots=True)
class Submission:
    """What ``soumettre`` or a structured flux asks to file, normalised."""

    number: str
    date: str
    recipient_siret: str
    service_code: str | None
    engagement: str | None
    cadre: str
    validator_siret: str | None
    invoice_type: str
    vat_type: str
    exemption_reason: str | None
    origin_number: str | None
    currency: str
    payment_mode: str
    total_ht: Decimal
    total_tva: Decimal
    total_ttc: Decimal
    discount: Decimal
    amount_due: Decimal
    mode_depot: str
    main_attachment_id: int | None = None
    vat_lines: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    lines: list[tuple[Decimal, Decimal, Decimal]] = field(default_factory=list)

    @classmethod
    def entered(
        cls,
        number: str,
        recipient_siret: str,
        amount: Decimal,
        *,
        service_code: str | None = None,
        date: str = "2026-11-02",
    ) -> Submission:
        """One line typed in (SAISIE_API) without VAT: how benches and tests fill a platform."""
        return cls(
            number=number,
            date=date,
            recipient_siret=recipient_siret,
            service_code=service_code,
            engagement=None,
            cadre="A1_FACTURE_FOURNISSEUR",
            validator_siret=None,
            invoice_type="FACTURE",
            vat_type="SANS_TVA",
            exemption_reason=None,
            origin_number=None,
            currency="EUR",
            payment_mode="VIREMENT",
            total_ht=amount,
            total_tva=Decimal(0),
            total_ttc=amount,
            discount=Decimal(0),
            amount_due=amount,
            mode_depot="SAISIE_API",
            lines=[(Decimal(1), amount, Decimal(0))],
        )


@dataclass(slots=True)
class Routing:
    recipient: SimStructure
    service: SimService | None


def check_number(state: SimulatorState, supplier_id: int, number: str) -> None:
    if not NUMBER_PATTERN.match(number):
        raise Refusal(
            20301,
            "GDP_MSG_11.010 Le numéro de facture est invalide : 1 à 20 caractères, lettres, "
            "chiffres et - _ / + seulement",
        )
    if (supplier_id, number) in state.numbers:
        raise Refusal(
            20303,
            f"GDP_MSG_11.012 Le numéro de facture {number} existe déjà pour ce fournisseur",
        )


def check_routing(
    state: SimulatorState, siret: str, service_code: str | None, engagement: str | None
) -> Routing:
    recipient = state.structure_by_siret(siret)
    if recipient is None or not recipient.public:
        raise Refusal(20304, f"GDP_MSG_11.020 Le destinataire {siret or '(vide)'} est inconnu")
    if not recipient.active:
        raise Refusal(20304, f"GDP_MSG_11.021 Le destinataire {siret} est inactif")
    service = None
    if service_code:
        if service_code == PUBLIC_ONLY_SERVICE:
            raise Refusal(
                20305,
                "GDP_MSG_11.026 Le service FACTURES_PUBLIQUES est réservé aux factures entre "
                "entités publiques",
            )
        service = state.service_by_code(recipient, service_code)
        if service is None:
            raise Refusal(
                20305, f"GDP_MSG_11.023 Le service {service_code} est inconnu pour ce destinataire"
            )
        if not service.active:
            raise Refusal(20305, f"GDP_MSG_11.024 Le service {service_code} est inactif")
    engagement_needed = recipient.engagement_required or (service and service.engagement_required)
    if engagement_needed and not engagement:
        raise Refusal(
            20305,
            "GDP_MSG_11.028 Le numéro d'engagement juridique est obligatoire pour ce destinataire",
        )
    if recipient.service_required and not service_code:
        raise Refusal(
            20305, "GDP_MSG_11.027 Le code service exécutant est obligatoire pour ce destinataire"
        )
    if recipient.service_or_engagement and not service_code and not engagement:
        raise Refusal(
            20305,
            "GDP_MSG_11.029 Le code service ou le numéro d'engagement doit être renseigné "
            "(obligatoire pour ce destinataire)",
        )
    if engagement and len(engagement) > 50:
        raise Refusal(20305, "GDP_MSG_11.030 Le numéro d'engagement dépasse 50 caractères")
    return Routing(recipient, service)


def check_amounts(submission: Submission) -> None:
    values = (
        submission.total_ht,
        submission.total_tva,
        submission.total_ttc,
        submission.amount_due,
    )
    if any(value < 0 for value in values):
        raise Refusal(
            20013, "GDP_MSG_11.041 Les montants doivent être positifs, même pour un avoir"
        )
    if (
        abs(submission.total_ht + submission.total_tva - submission.discount - submission.total_ttc)
        > TOLERANCE
    ):
        raise Refusal(
            20013,
            f"GDP_MSG_11.042 Montants incohérents : HT {submission.total_ht} + TVA "
            f"{submission.total_tva} ≠ TTC {submission.total_ttc}",
        )
    if submission.amount_due > submission.total_ttc + TOLERANCE:
        raise Refusal(20013, "GDP_MSG_11.043 Le montant à payer dépasse le montant TTC")
    if submission.vat_lines:
        base = sum((line[0] for line in submission.vat_lines), Decimal(0))
        vat = sum((line[1] for line in submission.vat_lines), Decimal(0))
        if (
            abs(base - submission.total_ht) > TOLERANCE
            or abs(vat - submission.total_tva) > TOLERANCE
        ):
            raise Refusal(
                20013,
                "GDP_MSG_11.044 Le récapitulatif de TVA ne correspond pas aux montants totaux",
            )
    if submission.lines:
        lines_ht = sum(
            (q * price - discount for q, price, discount in submission.lines), Decimal(0)
        )
        if abs(lines_ht - submission.total_ht) > TOLERANCE:
            raise Refusal(
                20013,
                f"GDP_MSG_11.045 La somme des lignes ({lines_ht}) ne correspond pas au montant "
                f"HT total ({submission.total_ht})",
            )


def check_submission(state: SimulatorState, submission: Submission) -> Routing:
    """Raise :class:`Refusal` for the first rule broken; return the resolved routing."""
    check_number(state, state.supplier.id, submission.number)
    if submission.mode_depot not in {
        "SAISIE_API",
        "DEPOT_PDF_API",
        "DEPOT_PDF_SIGNE_API",
        "UPLOAD_API",
    }:
        raise Refusal(20308, f"GDP_MSG_11.050 Mode de dépôt {submission.mode_depot} non autorisé")
    cadre = next((c for c in CadreFacturation if c.value == submission.cadre), None)
    if cadre is None or not cadre.submittable:
        raise Refusal(
            20306,
            f"GDP_MSG_11.051 Le cadre de facturation {submission.cadre or '(vide)'} ne peut pas "
            "être utilisé pour ce dépôt",
        )
    if cadre.needs_validator and not submission.validator_siret:
        raise Refusal(
            20306,
            "GDP_MSG_11.052 La structure valideur est obligatoire pour ce cadre de facturation",
        )
    if submission.currency not in CURRENCY_CODES:
        raise Refusal(
            20308, f"GDP_MSG_11.056 La devise {submission.currency or '(vide)'} est inconnue"
        )
    if submission.invoice_type not in {"FACTURE", "AVOIR"}:
        raise Refusal(20308, "GDP_MSG_11.053 Type de facture invalide")
    if submission.invoice_type == "AVOIR" and not submission.origin_number:
        raise Refusal(
            20308, "GDP_MSG_11.054 Le numéro de la facture d'origine est obligatoire pour un avoir"
        )
    if submission.vat_type == "EXONERATION" and not submission.exemption_reason:
        raise Refusal(
            20308, "GDP_MSG_11.055 Le motif d'exonération de TVA est obligatoire (type EXONERATION)"
        )
    routing = check_routing(
        state, submission.recipient_siret, submission.service_code, submission.engagement
    )
    if submission.mode_depot.startswith("DEPOT_PDF"):
        attachment_id = submission.main_attachment_id
        if attachment_id is None or attachment_id not in state.attachments:
            raise Refusal(
                20307,
                "GDP_MSG_11.060 La pièce jointe principale est absente ou inconnue : déposez "
                "d'abord le PDF de la facture",
            )
    if submission.mode_depot == "SAISIE_API" and not submission.lines:
        raise Refusal(20308, "GDP_MSG_11.061 Au moins une ligne de poste est obligatoire en saisie")
    check_amounts(submission)
    return routing
