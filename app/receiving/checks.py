"""What Bordereau checks on a supplier's invoice before the user answers it: the arithmetic
(lines, VAT, totals), the seller's identifiers, a duplicate, bank details that changed (a
common fraud: said loudly), the due date and the late-payment terms, and — for CII and
Factur-X — the official EN 16931 and BR-FR rules. Each finding is said in French; none of
them stops the invoice from being shown."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from stdnum import iban as iban_number
from stdnum.fr import siren as siren_number
from stdnum.fr import tva as vat_number

from app.domain.money import format_amount
from app.einvoice.document import ReceivedDocument

ALERT = "alerte"  # fraud risk: said first, in red
ERROR = "erreur"  # the invoice is wrong: refusing it is reasonable
WARNING = "avertissement"  # worth a look
ROUNDING = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class History:
    """What is known of the supplier before this invoice."""

    duplicate_of: str | None = None  # the received invoice (its date) with the same number
    previous_ibans: tuple[str, ...] = ()
    user_siren: str | None = None


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_amount(value)} €"


def _value(amount: Decimal | None) -> Decimal:
    return amount if amount is not None else Decimal(0)


def arithmetic(document: ReceivedDocument) -> list[Finding]:
    found: list[Finding] = []
    totals = document.totals
    if totals.with_vat is None or totals.due is None:
        found.append(
            Finding("TOTAUX", ERROR, "La facture ne donne pas son total TTC ou son net à payer.")
        )
        return found
    lines = sum((_value(line.net_amount) for line in document.lines), Decimal(0))
    if document.lines and totals.lines is not None and lines != totals.lines:
        found.append(
            Finding(
                "BR-CO-10",
                ERROR,
                f"La somme des lignes fait {_money(lines)}, la facture annonce "
                f"{_money(totals.lines)} (total HT des lignes).",
            )
        )
    for index, line in enumerate(document.lines, start=1):
        if line.quantity is None or line.net_price is None or line.net_amount is None:
            continue
        base = line.price_base_quantity or Decimal(1)
        adjustments = sum(
            (_value(item.amount) * (1 if item.charge else -1) for item in line.allowances),
            Decimal(0),
        )
        expected = line.quantity * line.net_price / base + adjustments
        if abs(expected - line.net_amount) > ROUNDING:
            found.append(
                Finding(
                    "LIGNE",
                    ERROR,
                    f"Ligne {line.identifier or index} : {line.quantity} × "
                    f"{_money(line.net_price)} font {_money(expected.quantize(ROUNDING))}, "
                    f"la ligne dit {_money(line.net_amount)}.",
                )
            )
    expected_net = _value(totals.lines) - _value(totals.allowances) + _value(totals.charges)
    if totals.without_vat is not None and expected_net != totals.without_vat:
        found.append(
            Finding(
                "BR-CO-13",
                ERROR,
                f"Total HT annoncé {_money(totals.without_vat)}, lignes moins remises plus "
                f"frais : {_money(expected_net)}.",
            )
        )
    vat_sum = sum((_value(part.tax) for part in document.vat), Decimal(0))
    if document.vat and vat_sum != _value(totals.vat):
        found.append(
            Finding(
                "BR-CO-14",
                ERROR,
                f"La TVA par taux fait {_money(vat_sum)}, le total de TVA annoncé est "
                f"{_money(totals.vat)}.",
            )
        )
    for part in document.vat:
        if part.rate is None or part.basis is None or part.tax is None:
            continue
        expected_tax = (part.basis * part.rate / 100).quantize(ROUNDING)
        if abs(expected_tax - part.tax) > ROUNDING:
            found.append(
                Finding(
                    "TVA",
                    ERROR,
                    f"TVA à {part.rate} % sur {_money(part.basis)} : {_money(expected_tax)} "
                    f"attendus, {_money(part.tax)} facturés.",
                )
            )
    if _value(totals.without_vat) + _value(totals.vat) != totals.with_vat:
        found.append(
            Finding(
                "BR-CO-15",
                ERROR,
                f"HT {_money(totals.without_vat)} + TVA {_money(totals.vat)} ne font pas le "
                f"TTC annoncé {_money(totals.with_vat)}.",
            )
        )
    expected_due = totals.with_vat - _value(totals.prepaid) + _value(totals.rounding)
    if expected_due != totals.due:
        found.append(
            Finding(
                "BR-CO-16",
                ERROR,
                f"Net à payer annoncé {_money(totals.due)}, TTC moins acomptes : "
                f"{_money(expected_due)}.",
            )
        )
    return found


def identifiers(document: ReceivedDocument, user_siren: str | None) -> list[Finding]:
    found: list[Finding] = []
    seller = document.seller
    if not seller.display_name:
        found.append(Finding("VENDEUR", ERROR, "La facture ne nomme pas le fournisseur."))
    siren = seller.siren
    french = (seller.address.country or "FR") == "FR" or bool(siren)
    if french and siren is None and not seller.vat_number:
        found.append(
            Finding(
                "SIREN",
                WARNING,
                "Le fournisseur ne donne ni SIREN ni numéro de TVA : vérifiez qui il est.",
            )
        )
    if siren is not None and not siren_number.is_valid(siren):
        found.append(
            Finding(
                "SIREN",
                ERROR,
                f"Le SIREN du fournisseur ({siren}) n'est pas valide (clé de contrôle).",
            )
        )
    vat = (seller.vat_number or "").replace(" ", "").upper()
    if vat.startswith("FR"):
        if not vat_number.is_valid(vat):
            found.append(
                Finding("TVA-NUM", ERROR, f"Le numéro de TVA du fournisseur ({vat}) est faux.")
            )
        elif siren and vat[4:] != siren:
            found.append(
                Finding(
                    "TVA-NUM",
                    ERROR,
                    f"Le numéro de TVA {vat} n'est pas celui du SIREN {siren} du fournisseur.",
                )
            )
    buyer = document.buyer.siren
    if user_siren and buyer and buyer != user_siren:
        found.append(
            Finding(
                "DESTINATAIRE",
                ERROR,
                f"Cette facture est adressée au SIREN {buyer}, pas au vôtre ({user_siren}).",
            )
        )
    return found


def bank_details(document: ReceivedDocument, previous: tuple[str, ...]) -> list[Finding]:
    found: list[Finding] = []
    account = _compact(document.payment.iban)
    if (
        account
        and len(account) > 14
        and account[:2].isalpha()
        and not iban_number.is_valid(account)
    ):
        found.append(
            Finding("IBAN", ERROR, f"L'IBAN {document.payment.iban} est invalide (clé fausse).")
        )
    known = {_compact(item) for item in previous if item}
    if account and known and account not in known:
        found.append(
            Finding(
                "IBAN-CHANGE",
                ALERT,
                "ATTENTION : les coordonnées bancaires de ce fournisseur ont changé "
                f"({_masked(account)} au lieu de "
                f"{', '.join(sorted(_masked(item) for item in known))}). C'est la fraude la "
                "plus courante : avant de payer, appelez le fournisseur à un numéro que vous "
                "connaissez déjà (pas celui de la facture) pour le confirmer.",
            )
        )
    return found


def _compact(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def _masked(account: str) -> str:
    return f"{account[:4]}…{account[-4:]}" if len(account) > 8 else account


def payment_terms(document: ReceivedDocument) -> list[Finding]:
    found: list[Finding] = []
    due = document.totals.due
    if due is not None and due > 0 and document.due_date is None and not document.payment.terms:
        found.append(
            Finding(
                "ECHEANCE",
                WARNING,
                "Ni date d'échéance ni conditions de paiement : le délai légal (30 jours "
                "après réception, 60 au plus s'il est convenu) s'applique.",
            )
        )
    if document.due_date and document.issue_date and document.due_date < document.issue_date:
        found.append(
            Finding(
                "ECHEANCE",
                ERROR,
                f"L'échéance ({document.due_date:%d/%m/%Y}) précède la date de la facture.",
            )
        )
    if document.due_date and document.issue_date:
        days = (document.due_date - document.issue_date).days
        if days > 60:
            found.append(
                Finding(
                    "ECHEANCE",
                    WARNING,
                    f"Échéance à {days} jours : au-delà de 60 jours, le délai dépasse le "
                    "plafond légal entre entreprises.",
                )
            )
    text = " ".join([*document.notes, document.payment.terms or ""]).lower()
    if (document.seller.address.country or "FR") == "FR" and "pénalit" not in text:
        found.append(
            Finding(
                "PENALITES",
                WARNING,
                "La facture ne mentionne pas les pénalités de retard ni l'indemnité "
                "forfaitaire de 40 € (mentions obligatoires entre entreprises).",
            )
        )
    return found


def duplicate(history: History) -> list[Finding]:
    if history.duplicate_of is None:
        return []
    return [
        Finding(
            "DOUBLON",
            ALERT,
            f"Doublon : ce fournisseur vous a déjà envoyé une facture portant ce numéro "
            f"({history.duplicate_of}). Ne la payez pas deux fois ; refusez-la (motif "
            "« Doublon »).",
        )
    ]


def check(document: ReceivedDocument, history: History) -> list[Finding]:
    """Every finding, the most serious first."""
    found = [
        *duplicate(history),
        *bank_details(document, history.previous_ibans),
        *arithmetic(document),
        *identifiers(document, history.user_siren),
        *payment_terms(document),
    ]
    order = {ALERT: 0, ERROR: 1, WARNING: 2}
    return sorted(found, key=lambda finding: order.get(finding.severity, 3))
