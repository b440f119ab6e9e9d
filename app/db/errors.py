"""A database error in words the user can act on: which base, what went wrong, what to do.
The technical text goes to ``details`` (the log), never a password of the URL."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError

from app.db.engine import sqlite_path
from app.errors import DatabaseUnavailableError, EnvironmentProblem


def describe_database(database_url: str) -> str:
    """« le fichier …» or « la base postgresql « nom » sur hôte:port », without the password."""
    file = sqlite_path(database_url)
    if file is not None:
        return f"le fichier {file}"
    url = make_url(database_url)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return f"la base {url.get_backend_name()} « {url.database} » sur {where}"


def _text(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).lower()


def database_error(exc: SQLAlchemyError, database_url: str) -> EnvironmentProblem:
    """The French error for ``exc``, sorted by cause: connection, lock, timeout, integrity."""
    where = describe_database(database_url)
    text = _text(exc)
    details = str(exc).replace(database_url, "<base>")
    if isinstance(exc, PoolTimeoutError) or "timeout" in text or "timed out" in text:
        return DatabaseUnavailableError(
            f"La base de données ({where}) met trop de temps à répondre. Réessayez dans un "
            "instant ; si cela dure, vérifiez le serveur et le réseau.",
            details=details,
        )
    if any(sign in text for sign in ("database is locked", "could not obtain lock", "lock_not")):
        return DatabaseUnavailableError(
            f"La base de données ({where}) est occupée par un autre poste ou une autre "
            "application. Réessayez dans un instant.",
            details=details,
        )
    if "malformed" in text or "not a database" in text:
        return DatabaseUnavailableError(
            f"La base de données ({where}) est endommagée. Restaurez la dernière sauvegarde : "
            "Fichier › Restaurer une sauvegarde…, ou « bordereau backup restore ».",
            details=details,
        )
    if "readonly database" in text or "read-only" in text:
        return DatabaseUnavailableError(
            f"La base de données ({where}) est en lecture seule (endommagée, ou sur un disque "
            "protégé en écriture) : rien n'y a été écrit.",
            details=details,
        )
    if "disk is full" in text or "no space" in text:
        return DatabaseUnavailableError(
            f"Le disque de la base de données ({where}) est plein : rien n'a été écrit. "
            "Libérez de la place, puis réessayez.",
            details=details,
        )
    if "deadlock" in text:
        return DatabaseUnavailableError(
            f"Deux postes ont modifié la même chose au même moment dans {where}. "
            "Réessayez : rien n'a été perdu.",
            details=details,
        )
    if isinstance(exc, StaleDataError):
        return EnvironmentProblem(
            "Cette facture vient d'être modifiée sur un autre poste (ou par la "
            "synchronisation) : rien n'a été écrasé. Réessayez ; Bordereau repartira de son "
            "état actuel.",
            details=details,
        )
    if isinstance(exc, IntegrityError):
        return EnvironmentProblem(
            f"La base de données ({where}) a refusé un enregistrement qui en contredit un "
            "autre (probablement fait au même moment sur un autre poste). Réessayez ; si cela "
            "se reproduit, envoyez le rapport d'erreur.",
            details=details,
        )
    if "password authentication failed" in text or "authentication" in text:
        return DatabaseUnavailableError(
            f"Le serveur a refusé l'identifiant ou le mot de passe pour {where}. Vérifiez "
            "l'adresse de la base (--database-url ou BORDEREAU_DATABASE_URL).",
            details=details,
        )
    if "does not exist" in text and "database" in text:
        return DatabaseUnavailableError(
            f"La base de données demandée n'existe pas : {where}. Créez-la (createdb) ou "
            "corrigez l'adresse de la base.",
            details=details,
        )
    if isinstance(exc, OperationalError | DBAPIError) and sqlite_path(database_url) is None:
        return DatabaseUnavailableError(
            f"Le serveur de base de données est injoignable : {where}. Vérifiez qu'il est "
            "démarré et que ce poste peut le joindre (réseau, pare-feu), puis relancez.",
            details=details,
        )
    return DatabaseUnavailableError(
        f"La base de données ({where}) ne peut pas être lue. Elle est peut-être endommagée "
        "ou utilisée par une autre application.",
        details=details,
    )
