"""The demo Plateforme Agréée from a test: its loopback administration, and a PA of its own
connected as a user would (`pa set`)."""

from __future__ import annotations

from typing import Any

import httpx

from app.services import Services
from app.simulator.pa import ADMIN_HEADER, PaSimulator


def admin(pa: PaSimulator, path: str, payload: dict[str, Any] | None = None) -> Any:
    answer = httpx.request(
        "POST" if payload is not None else "GET",
        f"{pa.base_url}/_pa{path}",
        json=payload,
        headers={ADMIN_HEADER: pa.state.config.admin_token},
    )
    answer.raise_for_status()
    return answer.json()


def connect(services: Services, pa: PaSimulator) -> None:
    """The platform connected through the service (the secret to the keyring)."""
    from app.pa.service import PlatformConnection

    config = pa.state.config
    services.platform.configure(
        PlatformConnection(
            "PA de test", pa.flow_url, pa.directory_url, pa.token_url, config.client_id
        ),
        config.client_secret,
    )
