"""EN 16931 business rules on the CII XML Bordereau writes, checked before a Factur-X leaves.

CEN's validation artefacts (the schematron run by Saxon) cannot be downloaded on the machines
Bordereau is built on, and no package available offline ships them; the rules a Factur-X of
Bordereau's can break are written here as code, each named by its CEN identifier. CEN's own
rules are run on the output from outside; a rule found broken there is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from app.domain.protocol import CII_AGREEMENT, CII_NAMESPACES, CII_SETTLEMENT, CII_SUMMATION

CENT = Decimal("0.01")
TRANSFER_MEANS = frozenset({"30", "58"})  # UNTDID 4461: credit transfer, SEPA credit transfer


@dataclass(frozen=True, slots=True)
class RuleBroken:
    rule: str  # CEN's identifier: BR-CO-16, BR-61…
    message: str  # in French, for the user
    field: str | None = None  # the deposit form's field that causes it (its name in the form)

    def __str__(self) -> str:
        return f"{self.message} (règle {self.rule})"


class _Invoice:
    """Typed access to the parts of a CII invoice the rules read."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def text(self, path: str) -> str | None:
        found = self.root.find(path, CII_NAMESPACES)
        if found is None or found.text is None or not found.text.strip():
            return None
        return str(found.text.strip())

    def texts(self, path: str) -> list[str]:
        return [
            str(node.text.strip())
            for node in self.root.findall(path, CII_NAMESPACES)
            if node.text and node.text.strip()
        ]

    def amount(self, path: str) -> Decimal | None:
        return _decimal(self.text(path))

    def amounts(self, path: str) -> list[Decimal]:
        return [value for value in map(_decimal, self.texts(path)) if value is not None]

    def nodes(self, path: str) -> list[etree._Element]:
        return list(self.root.findall(path, CII_NAMESPACES))


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


LINES = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
LINE_AMOUNT = "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"  # noqa: E501
LINE_TAX = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
MEANS = f"{CII_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
HEADER_TAX = f"{CII_SETTLEMENT}/ram:ApplicableTradeTax"
HEADER_ADJUSTMENTS = f"{CII_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"
# The rule families of each VAT category (BR-S-08, BR-AE-08, BR-IC-08…).
BREAKDOWN_RULE_PREFIX = {"K": "IC"}

Rule = Callable[[_Invoice], list[RuleBroken]]


def _required(path: str, rule: str, message: str, field: str | None = None) -> Rule:
    def check(invoice: _Invoice) -> list[RuleBroken]:
        return [] if invoice.text(path) else [RuleBroken(rule, message, field)]

    return check


def _lines_sum_to_line_total(invoice: _Invoice) -> list[RuleBroken]:
    """BR-CO-10: the sum of the lines' net amounts is the invoice's line total (BT-106)."""
    total = invoice.amount(f"{CII_SUMMATION}/ram:LineTotalAmount")
    lines = sum(
        (_decimal(line.findtext(LINE_AMOUNT, namespaces=CII_NAMESPACES)) or Decimal(0))
        for line in invoice.nodes(LINES)
    )
    if total is None or lines != total:
        return [
            RuleBroken(
                "BR-CO-10",
                f"La somme des lignes ({lines}) n'est pas le total hors taxes ({total}).",
                "totals.total_ht",
            )
        ]
    return []


def _totals_add_up(invoice: _Invoice) -> list[RuleBroken]:
    """BR-CO-13, BR-CO-14, BR-CO-15, BR-CO-16: the header totals agree with one another."""
    s = CII_SUMMATION
    line_total = invoice.amount(f"{s}/ram:LineTotalAmount") or Decimal(0)
    allowances = invoice.amount(f"{s}/ram:AllowanceTotalAmount") or Decimal(0)
    charges = invoice.amount(f"{s}/ram:ChargeTotalAmount") or Decimal(0)
    basis = invoice.amount(f"{s}/ram:TaxBasisTotalAmount")
    tax = invoice.amount(f"{s}/ram:TaxTotalAmount") or Decimal(0)
    grand = invoice.amount(f"{s}/ram:GrandTotalAmount")
    prepaid = invoice.amount(f"{s}/ram:TotalPrepaidAmount") or Decimal(0)
    rounding = invoice.amount(f"{s}/ram:RoundingAmount") or Decimal(0)
    due = invoice.amount(f"{s}/ram:DuePayableAmount")
    broken = []
    if basis != line_total - allowances + charges:
        broken.append(
            RuleBroken(
                "BR-CO-13",
                "Le total hors taxes soumis à la TVA n'est pas la somme des lignes moins les "
                "remises plus les frais.",
                "totals.total_ht",
            )
        )
    vat_sum = sum(invoice.amounts(f"{HEADER_TAX}/ram:CalculatedAmount"), Decimal(0))
    if tax != vat_sum:
        broken.append(
            RuleBroken(
                "BR-CO-14",
                f"Le total de TVA ({tax}) n'est pas la somme de la TVA par taux ({vat_sum}).",
                "totals.total_tva",
            )
        )
    if basis is None or grand != basis + tax:
        broken.append(
            RuleBroken(
                "BR-CO-15",
                "Le total TTC n'est pas le total hors taxes plus la TVA.",
                "totals.total_ttc_after_discount",
            )
        )
    if grand is None or due != grand - prepaid + rounding:
        broken.append(
            RuleBroken(
                "BR-CO-16",
                f"Le net à payer ({due}) n'est pas le total TTC ({grand}) moins ce qui est déjà "
                f"payé ({prepaid}) : indiquez l'acompte versé.",
                "totals.amount_due",
            )
        )
    return broken


def _vat_breakdown(invoice: _Invoice) -> list[RuleBroken]:
    """BR-S-08, BR-S-09, BR-E-08 (and BR-AE/IC/G-08), BR-E-10: per VAT category and rate,
    the basis is the sum of the lines plus the charges less the discounts at that rate, the
    VAT is basis × rate to the cent (halves up, as the official rules round); an exemption
    says why."""
    broken = []
    lines: dict[tuple[str, Decimal], Decimal] = {}
    for line in invoice.nodes(LINES):
        tax = line.find(LINE_TAX, CII_NAMESPACES)
        amount = _decimal(line.findtext(LINE_AMOUNT, namespaces=CII_NAMESPACES))
        if tax is None or amount is None:
            continue
        category = tax.findtext("ram:CategoryCode", namespaces=CII_NAMESPACES) or ""
        rate = _decimal(tax.findtext("ram:RateApplicablePercent", namespaces=CII_NAMESPACES))
        key = (category, rate or Decimal(0))
        lines[key] = lines.get(key, Decimal(0)) + amount
    for adjustment in invoice.nodes(HEADER_ADJUSTMENTS):  # BG-20 and BG-21, by category
        amount = _decimal(adjustment.findtext("ram:ActualAmount", namespaces=CII_NAMESPACES))
        category = adjustment.findtext(
            "ram:CategoryTradeTax/ram:CategoryCode", namespaces=CII_NAMESPACES
        )
        rate = _decimal(
            adjustment.findtext(
                "ram:CategoryTradeTax/ram:RateApplicablePercent", namespaces=CII_NAMESPACES
            )
        )
        is_charge = adjustment.findtext(
            "ram:ChargeIndicator/udt:Indicator", namespaces=CII_NAMESPACES
        )
        if amount is None or category is None:
            continue
        key = (category, rate or Decimal(0))
        signed = amount if is_charge == "true" else -amount
        lines[key] = lines.get(key, Decimal(0)) + signed
    for tax in invoice.nodes(HEADER_TAX):
        category = tax.findtext("ram:CategoryCode", namespaces=CII_NAMESPACES) or ""
        rate = _decimal(tax.findtext("ram:RateApplicablePercent", namespaces=CII_NAMESPACES))
        basis = _decimal(tax.findtext("ram:BasisAmount", namespaces=CII_NAMESPACES))
        vat = _decimal(tax.findtext("ram:CalculatedAmount", namespaces=CII_NAMESPACES))
        rate = rate or Decimal(0)
        if basis != lines.get((category, rate), Decimal(0)):
            rule = f"BR-{BREAKDOWN_RULE_PREFIX.get(category, category)}-08"
            broken.append(
                RuleBroken(
                    rule,
                    f"La base de TVA à {rate} % ({basis}) n'est pas la somme des lignes à ce taux.",
                    "totals.total_ht",
                )
            )
        expected = None if basis is None else (basis * rate / 100).quantize(CENT, ROUND_HALF_UP)
        if category == "S" and vat != expected:
            broken.append(
                RuleBroken(
                    "BR-S-09",
                    f"La TVA à {rate} % ({vat}) n'est pas la base ({basis}) multipliée par le "
                    "taux, arrondie au centime.",
                    "totals.total_tva",
                )
            )
        if category == "E" and not (
            tax.findtext("ram:ExemptionReason", namespaces=CII_NAMESPACES)
            or tax.findtext("ram:ExemptionReasonCode", namespaces=CII_NAMESPACES)
        ):
            broken.append(
                RuleBroken(
                    "BR-E-10",
                    "Une facture exonérée de TVA doit dire pourquoi (motif d'exonération).",
                    "references.vat_exemption_reason",
                )
            )
    return broken


def _standard_rate_needs_the_sellers_vat_number(invoice: _Invoice) -> list[RuleBroken]:
    """BR-S-02: standard-rated VAT needs the seller's VAT identifier (BT-31)."""
    categories = invoice.texts(f"{HEADER_TAX}/ram:CategoryCode")
    has_vat_id = any(
        node.get("schemeID") == "VA"
        for node in invoice.nodes(
            f"{CII_AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
        )
    )
    if "S" in categories and not has_vat_id:
        return [
            RuleBroken(
                "BR-S-02",
                "Une facture avec TVA doit porter le numéro de TVA intracommunautaire de votre "
                "structure : Chorus Pro ne le connaît pas encore, envoyez-la au format PDF.",
            )
        ]
    return []


def _transfer_needs_the_payees_account(invoice: _Invoice) -> list[RuleBroken]:
    """BR-61 (CII-SR-470 in CII): a credit transfer gives the payee's account (BT-84)."""
    broken = []
    for means in invoice.nodes(MEANS):
        code = means.findtext("ram:TypeCode", namespaces=CII_NAMESPACES)
        account = means.findtext(
            "ram:PayeePartyCreditorFinancialAccount/ram:IBANID", namespaces=CII_NAMESPACES
        ) or means.findtext(
            "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID", namespaces=CII_NAMESPACES
        )
        if code in TRANSFER_MEANS and not account:
            broken.append(
                RuleBroken(
                    "BR-61",
                    "Une facture payée par virement doit porter l'IBAN où vous êtes payé : "
                    "renseignez-le dans Compte › Compte Chorus Pro.",
                    "references.payment_mode",
                )
            )
    return broken


RULES: tuple[Rule, ...] = (
    _required(
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        "BR-01",
        "Le profil Factur-X (spécification) manque.",
    ),
    _required("rsm:ExchangedDocument/ram:ID", "BR-02", "Le numéro de facture manque.", "number"),
    _required(
        "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
        "BR-03",
        "La date de facture manque.",
        "issue_date",
    ),
    _required("rsm:ExchangedDocument/ram:TypeCode", "BR-04", "Le type de facture manque."),
    _required(f"{CII_SETTLEMENT}/ram:InvoiceCurrencyCode", "BR-05", "La devise manque."),
    _required(
        f"{CII_AGREEMENT}/ram:SellerTradeParty/ram:Name",
        "BR-06",
        "Le nom de votre structure manque.",
    ),
    _required(
        f"{CII_AGREEMENT}/ram:BuyerTradeParty/ram:Name",
        "BR-07",
        "Le nom du destinataire manque.",
        "recipient.siret",
    ),
    _required(f"{MEANS}/ram:TypeCode", "BR-49", "Le mode de paiement manque.", "payment_mode"),
    _lines_sum_to_line_total,
    _totals_add_up,
    _vat_breakdown,
    _standard_rate_needs_the_sellers_vat_number,
    _transfer_needs_the_payees_account,
)


def broken_rules(xml: bytes) -> list[RuleBroken]:
    """Every EN 16931 rule of :data:`RULES` the invoice breaks (all are fatal)."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [RuleBroken("XML", f"Le XML de la facture est illisible : {exc}")]
    invoice = _Invoice(root)
    return [broken for rule in RULES for broken in rule(invoice)]
