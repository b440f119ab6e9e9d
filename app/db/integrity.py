"""Is the SQLite file sound? SQLite's own ``quick_check`` (every page and every b-tree, not the
indexes against their tables), run when the database is opened: a damaged database is opened
read-only, with the way out."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from app.errors import EnvironmentProblem

log = logging.getLogger(__name__)
MAX_REPORTED = 5


class DatabaseDamagedError(EnvironmentProblem):
    title = "Base de données endommagée"


def damage_of(file: Path) -> str | None:
    """What ``quick_check`` finds wrong with ``file`` (a few lines), None when it is sound."""
    try:
        connection = sqlite3.connect(file, timeout=10)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute(f"PRAGMA quick_check({MAX_REPORTED})").fetchall()
    except sqlite3.DatabaseError as exc:  # « file is not a database », « malformed »
        return str(exc)
    finally:
        connection.close()
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else "; ".join(found)


def damaged_message(file: Path, backups_dir: Path) -> str:
    return (
        f"La base de données de Bordereau ({file}) est endommagée (disque défaillant, copie "
        "interrompue…). Elle est ouverte en lecture seule : vous pouvez consulter et "
        "enregistrer vos factures, mais rien n'y est écrit, et aucune facture n'est émise. "
        "Restaurez la dernière sauvegarde : Fichier › Restaurer une sauvegarde…, ou "
        f"« bordereau backup restore » (les sauvegardes sont dans {backups_dir})."
    )
