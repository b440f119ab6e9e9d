"""Money: Decimal with two places, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NARROW_NBSP = "\u202f"


class MoneyError(ValueError):
    """A value that cannot be an amount."""


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` rounded half-up to the cent. Floats are refused on purpose."""
    if isinstance(value, float):
        raise MoneyError("un montant ne doit jamais être un float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"montant invalide : {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"montant invalide : {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    return int(to_money(amount) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_amount(amount: Decimal, thousands: str = NARROW_NBSP) -> str:
    """French digits without currency: ``1 188,00``."""
    quantized = to_money(amount)
    sign = "-" if quantized < 0 else ""
    integer, _, decimals = f"{abs(quantized):.2f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return f"{sign}{thousands.join(groups)},{decimals}"


def format_eur(amount: Decimal, currency: str = "EUR") -> str:
    """French display: ``1 188,00 €`` (narrow no-break space as thousands separator)."""
    symbol = "€" if currency == "EUR" else currency
    return f"{format_amount(amount)}\u00a0{symbol}"
