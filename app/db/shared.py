"""Settings that belong to the office, not to one workstation: kept in the shared database
(``shared_settings``), so every workstation on it sees the same value."""

from __future__ import annotations

from typing import Any

from app.db import models
from app.db.engine import Database, retry_on_conflict


def shared_setting(database: Database, name: str) -> Any:
    with database.session() as session:
        row = session.get(models.SharedSetting, name)
        return None if row is None else row.value


def set_shared_setting(database: Database, name: str, value: Any) -> None:
    """Insert or replace (two workstations writing at once: the later write wins)."""

    def write() -> None:
        with database.session() as session:
            row = session.get(models.SharedSetting, name)
            if row is None:
                session.add(models.SharedSetting(name=name, value=value))
            else:
                row.value = value

    retry_on_conflict(write)
