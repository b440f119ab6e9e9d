"""The late-interest rate of public contracts: the ECB main refinancing rate in force on the
first day of the half-year in which interest started running, plus 8 points (R.2192-31).

The table is configurable (settings ``late_interest_rates``: ``{"2026-S2": "10.15"}``): the
defaults below are the published rates; a half-year not in the table takes the latest known
one, and says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Half-year → rate in percent (ECB MRO on 1 January / 1 July + 8 points).
DEFAULT_RATES: dict[str, Decimal] = {
    "2023-S1": Decimal("10.50"),  # MRO 2.50 % on 1 January 2023
    "2023-S2": Decimal("12.00"),  # MRO 4.00 % on 1 July 2023
    "2024-S1": Decimal("12.50"),  # MRO 4.50 %
    "2024-S2": Decimal("12.25"),  # MRO 4.25 %
    "2025-S1": Decimal("11.15"),  # MRO 3.15 %
    "2025-S2": Decimal("10.15"),  # MRO 2.15 %
    "2026-S1": Decimal("10.15"),  # MRO 2.15 %
}


def half_year(day: date) -> str:
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


@dataclass(frozen=True, slots=True)
class Rate:
    percent: Decimal
    half_year: str
    known: bool  # False when the half-year is not in the table (the latest rate is used)


class RateTable:
    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.rates = dict(DEFAULT_RATES)
        for key, value in (overrides or {}).items():
            self.rates[key] = Decimal(value)

    def rate_on(self, day: date) -> Rate:
        """The rate for interest that started running on ``day``."""
        key = half_year(day)
        if key in self.rates:
            return Rate(self.rates[key], key, True)
        earlier = sorted(k for k in self.rates if k <= key)
        latest = earlier[-1] if earlier else min(self.rates)
        return Rate(self.rates[latest], key, False)
