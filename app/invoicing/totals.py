"""The arithmetic of a written invoice, as EN 16931 does it: each line's net amount to the
cent, the VAT of each rate on the sum of its lines (not line by line), and totals that agree
(BR-CO-10 to BR-CO-17). Decimal only; halves round away from zero, as French practice does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.invoicing.model import ZERO, Line, WrittenInvoice

CENT = Decimal("0.01")


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_net(line: Line) -> Decimal:
    """BT-131: quantity × net price, to the cent, less the line's discount."""
    return to_cent(line.quantity * line.unit_price) - to_cent(line.discount)


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """One VAT rate's part of the invoice (BG-23)."""

    category: str
    rate: Decimal
    basis: Decimal  # BT-116
    tax: Decimal  # BT-117


@dataclass(frozen=True, slots=True)
class Totals:
    lines: Decimal  # BT-106: sum of the lines' net amounts
    allowances: Decimal  # BT-107
    charges: Decimal  # BT-108
    basis: Decimal  # BT-109: total HT
    tax: Decimal  # BT-110
    grand_total: Decimal  # BT-112: total TTC
    prepaid: Decimal  # BT-113
    due: Decimal  # BT-115
    breakdown: tuple[VatBreakdown, ...]


def totals_of(invoice: WrittenInvoice) -> Totals:
    category = invoice.regime.rule.category
    taxed = category == "S"
    bases: dict[Decimal, Decimal] = {}

    def rate_of(rate: Decimal) -> Decimal:
        return rate if taxed else ZERO

    for line in invoice.lines:
        rate = rate_of(line.vat_rate)
        bases[rate] = bases.get(rate, ZERO) + line_net(line)
    allowances = charges = ZERO
    for adjustment in invoice.adjustments:
        amount = to_cent(adjustment.amount)
        rate = rate_of(adjustment.vat_rate)
        if adjustment.is_charge:
            charges += amount
            bases[rate] = bases.get(rate, ZERO) + amount
        else:
            allowances += amount
            bases[rate] = bases.get(rate, ZERO) - amount
    breakdown = tuple(
        VatBreakdown(category, rate, basis, to_cent(basis * rate / 100))
        for rate, basis in sorted(bases.items(), reverse=True)
    )
    lines_total = sum((line_net(line) for line in invoice.lines), ZERO)
    basis_total = lines_total - allowances + charges
    tax_total = sum((part.tax for part in breakdown), ZERO)
    grand_total = basis_total + tax_total
    # « déjà payée »: what was received is the whole invoice (BR-FR-CO-09)
    prepaid = grand_total if invoice.already_paid else to_cent(invoice.prepaid)
    return Totals(
        lines=lines_total,
        allowances=allowances,
        charges=charges,
        basis=basis_total,
        tax=tax_total,
        grand_total=grand_total,
        prepaid=prepaid,
        due=grand_total - prepaid,
        breakdown=breakdown,
    )
