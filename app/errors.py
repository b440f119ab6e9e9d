"""Errors that carry a French message for the user, sorted by cause."""

from __future__ import annotations


class BordereauError(Exception):
    """Base of every error the user may see. ``message`` is French and complete."""

    title = "Erreur"

    def __init__(self, message: str, *, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class EnvironmentProblem(BordereauError):
    """Something around the app is wrong (disk, permissions, missing system component)."""

    title = "Problème d'environnement"


class DatabaseTooNewError(EnvironmentProblem):
    title = "Base de données trop récente"


class DatabaseMigrationError(EnvironmentProblem):
    title = "Mise à jour de la base impossible"


class DatabaseUnavailableError(EnvironmentProblem):
    title = "Base de données inaccessible"


class KeyringUnavailableError(EnvironmentProblem):
    title = "Trousseau de mots de passe indisponible"


class KeyringError(EnvironmentProblem):
    title = "Trousseau de mots de passe"


class ValidationProblem(BordereauError):
    """What the user typed cannot be used as it is."""

    title = "Saisie à corriger"
