"""Text as people compare it: without case or accents."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime


def fold(text: str) -> str:
    """Lower case without accents: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def french_date(value: date | datetime | None, empty: str = "") -> str:
    """dd/mm/yyyy; an aware datetime is shown on the local calendar."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.astimezone().date()
    return value.strftime("%d/%m/%Y")


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_long_date(value: date) -> str:
    """« 1er mars 2026 », « 22 novembre 2026 »: the date at the head of a letter."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 facture », « 3 factures », « 0 facture » (French: 0 and 1 take the singular).
    ``singular`` may hold several words: each takes an s (« facture envoyée »)."""
    if count <= 1:
        return f"{count} {singular}"
    words = plural or " ".join(
        word if word.endswith(("s", "x")) else word + "s" for word in singular.split()
    )
    return f"{count} {words}"
