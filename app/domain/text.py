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
