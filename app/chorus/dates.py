"""The three date formats Chorus Pro mixes in its responses."""

from __future__ import annotations

from datetime import UTC, date, datetime

PARIS_OFFSET_HINT = "Europe/Paris"


def _paris() -> object:
    from zoneinfo import ZoneInfo

    return ZoneInfo(PARIS_OFFSET_HINT)


def parse_chorus_datetime(value: str | None) -> datetime | None:
    """``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` (Paris time) or ISO 8601 with offset → aware UTC."""
    if not value:
        return None
    text = value.strip()
    try:
        if "T" in text:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        elif len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            parsed = datetime.strptime(text[:16], "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_paris())  # type: ignore[arg-type]
    return parsed.astimezone(UTC)


def parse_chorus_date(value: str | None) -> date | None:
    if not value:
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
