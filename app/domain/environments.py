"""Where Bordereau sends invoices: demo (embedded simulator), qualification, production, custom."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Environment(StrEnum):
    DEMO = "demo"
    QUALIFICATION = "qualification"
    PRODUCTION = "production"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "demo": "Démonstration",
            "qualification": "Qualification",
            "production": "Production",
            "custom": "Simulateur / personnalisé",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Endpoints:
    api_url: str
    token_url: str


PISTE_ENDPOINTS: dict[Environment, Endpoints] = {
    Environment.QUALIFICATION: Endpoints(
        api_url="https://sandbox-api.piste.gouv.fr",
        token_url="https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
    ),
    Environment.PRODUCTION: Endpoints(
        api_url="https://api.piste.gouv.fr",
        token_url="https://oauth.piste.gouv.fr/api/oauth/token",
    ),
}
