"""User settings, declared once with typed defaults, stored as JSON in the config dir.

An unreadable file, or an invalid value, falls back to the default with a log line: a broken
settings file must never stop the app from starting.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.domain.environments import Environment
from app.files import write_atomically

log = logging.getLogger(__name__)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    environment: Environment = Field(Environment.DEMO, description="Plateforme utilisée")
    api_url: str | None = Field(None, description="URL de l'API (environnement personnalisé)")
    token_url: str | None = Field(None, description="URL du jeton OAuth (personnalisé)")
    supplier_siret: str | None = Field(None, description="SIRET de votre structure")
    supplier_iban: str | None = Field(None, description="IBAN de votre structure (Factur-X)")
    supplier_bic: str | None = Field(None, description="BIC de votre banque (Factur-X)")
    # The structure's name and VAT number as Chorus Pro last gave them: a Factur-X written
    # offline names the real seller, never a placeholder (EN 16931 BR-06, BR-S-02).
    supplier_name: str | None = None
    supplier_vat: str | None = None
    sync_interval_minutes: int = Field(15, ge=1, le=24 * 60, description="Synchronisation (min)")
    hide_rejected_after_days: int = Field(10, ge=0, le=365)
    demo_chosen: bool = Field(
        False, description="Mode démonstration choisi sur ce poste (sinon le compte du bureau)"
    )
    demo_sample: bool = Field(
        True, description="Mode démonstration : un compte fictif avec un an de factures"
    )
    last_sync: dict[str, str] = Field(
        default_factory=dict,
        description="Ancien emplacement du jour de la dernière synchronisation (lu une fois)",
    )
    late_interest_rates: dict[str, str] = Field(
        default_factory=dict,
        description='Taux des intérêts moratoires par semestre, en %, ex. {"2026-S2": "10.15"}',
    )
    # the Plateforme Agréée (reform, XP Z12-013): its name and URLs; the secret is in the
    # keyring under the client id
    pa_name: str | None = None
    pa_flow_url: str | None = None
    pa_directory_url: str | None = None
    pa_token_url: str | None = None
    pa_client_id: str | None = None
    backup_dir: str | None = Field(
        None, description="Dossier des sauvegardes automatiques (sinon le dossier des données)"
    )
    window_geometry: str | None = None
    last_open_dir: str | None = None

    @field_validator("supplier_iban", "supplier_bic")
    @classmethod
    def _compact_bank(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return "".join(value.split()).upper() or None

    @field_validator("supplier_siret")
    @classmethod
    def _strip_siret(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = "".join(ch for ch in value if ch.isdigit())
        return digits or None


def load_settings(path: Path) -> Settings:
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("Réglages illisibles (%s) : valeurs par défaut utilisées (%s)", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        log.warning("Réglages illisibles (%s) : valeurs par défaut utilisées", path)
        return Settings()
    return _settings_keeping_valid_fields(raw)


def _settings_keeping_valid_fields(raw: dict[str, Any]) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        for name in sorted(bad):
            log.warning("Réglage « %s » invalide : valeur par défaut utilisée", name)
        kept = {key: value for key, value in raw.items() if key not in bad}
        try:
            return Settings.model_validate(kept)
        except ValidationError:
            return Settings()


def save_settings(settings: Settings, path: Path) -> None:
    """Atomic write: a crash mid-save leaves the previous file intact."""
    data = settings.model_dump(mode="json")
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))


# The account's settings that belong to the office (kept in the shared database); the
# secrets stay in each person's keyring, the window and folders in their settings file.
SHARED_ACCOUNT_FIELDS = (
    "environment",
    "api_url",
    "token_url",
    "supplier_siret",
    "supplier_iban",
    "supplier_bic",
)


def shared_account(settings: Settings) -> dict[str, Any]:
    return settings.model_dump(mode="json", include=set(SHARED_ACCOUNT_FIELDS))


def with_shared_account(settings: Settings, account: Any) -> Settings:
    """``settings`` with the office's account, when it is valid (else unchanged)."""
    if not isinstance(account, dict):
        return settings
    values = {key: account[key] for key in SHARED_ACCOUNT_FIELDS if key in account}
    try:
        return Settings.model_validate({**settings.model_dump(mode="json"), **values})
    except ValidationError:
        log.warning("Compte partagé illisible dans la base : réglages du poste gardés")
        return settings
