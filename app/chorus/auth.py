"""PISTE OAuth2 client-credentials token and the ``cpro-account`` header."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Renew this long before expiry (OCA renews with about 4 minutes left), but never more than
# a tenth of the token's life: a 60-second token is then used for 54 s, not fetched per call.
REFRESH_MARGIN_SECONDS = 240
REFRESH_MARGIN_SHARE = 0.1


def refresh_margin(lifetime: float) -> float:
    return min(REFRESH_MARGIN_SECONDS, lifetime * REFRESH_MARGIN_SHARE)


def cpro_account_header(login: str, password: str) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


@dataclass(slots=True)
class CachedToken:
    value: str
    expires_at: float
    margin: float

    def usable(self, now: float) -> bool:
        return now < self.expires_at - self.margin


class TokenCache:
    """Holds one access token; ``fetch`` is called when it is missing, stale or invalidated."""

    def __init__(
        self, fetch: Callable[[], tuple[str, int]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: CachedToken | None = None
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is None or not self._token.usable(now):
                value, lifetime = self._fetch()
                self._token = CachedToken(value, now + lifetime, refresh_margin(lifetime))
            return self._token.value

    def invalidate(self, value: str | None = None) -> None:
        with self._lock:
            if value is None or (self._token is not None and self._token.value == value):
                self._token = None
