"""The Chorus Pro API client (PISTE gateway): token, headers, retries, typed errors.

Reads retry with exponential back-off and jitter on 429, 5xx and connection errors. Writes
(``soumettre`` and the like) are sent once: a lost answer may mean the platform did the work,
so the outbox reconciles instead of retrying blindly.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.chorus import schemas as s
from app.chorus.auth import TokenCache, cpro_account_header
from app.chorus.errors import (
    BusinessError,
    ChorusError,
    InvalidClientError,
    NotFoundError,
    PlatformUnavailableError,
    ProtocolError,
    RateLimitedError,
    SubscriptionMissingError,
    TechnicalAccountError,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

ResponseT = TypeVar("ResponseT", bound=BaseModel)

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
NO_RESULT_CODES = {20000}


@dataclass(frozen=True, slots=True)
class ChorusConfig:
    api_url: str
    token_url: str
    client_id: str
    client_secret: str
    login: str
    password: str
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def __repr__(self) -> str:
        return f"ChorusConfig(api_url={self.api_url!r}, login={self.login!r})"


@dataclass(slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


class _Retryable(Exception):
    def __init__(self, error: ChorusError) -> None:
        super().__init__(error.message)
        self.error = error


class ChorusClient:
    def __init__(
        self,
        config: ChorusConfig,
        *,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.config = config
        self.retry = retry or RetryPolicy()
        self._http = httpx.Client(
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            verify=True,
            transport=transport,
            headers={"User-Agent": "Bordereau"},
        )
        self._tokens = TokenCache(self._fetch_token)
        self._account_header = cpro_account_header(config.login, config.password)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChorusClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport -------------------------------------------------------------------------

    def _fetch_token(self) -> tuple[str, int]:
        import httpx

        try:
            response = self._http.post(
                self.config.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.config.client_id,
                    "client_secret": self.config.client_secret,
                    "scope": "openid",
                },
            )
        except httpx.HTTPError as exc:
            raise PlatformUnavailableError(
                "Le service d'authentification PISTE ne répond pas. Vérifiez votre connexion "
                "à Internet, puis réessayez.",
                details=type(exc).__name__,
            ) from exc
        if response.status_code in (400, 401):
            raise InvalidClientError(details=f"HTTP {response.status_code}")
        if response.status_code == 429 or response.status_code >= 500:
            raise PlatformUnavailableError(details=f"jeton : HTTP {response.status_code}")
        try:
            token = s.PisteToken.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ProtocolError(details="réponse du jeton illisible") from exc
        return token.access_token, token.expires_in

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "cpro-account": self._account_header,
            "Content-Type": JSON_CONTENT_TYPE,
            "Accept": JSON_CONTENT_TYPE,
        }

    def _send_once(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        import httpx

        url = self.config.api_url.rstrip("/") + path
        for token_attempt in range(2):
            token = self._tokens.get()
            try:
                response = self._http.request(
                    method,
                    url,
                    headers=self._headers(token),
                    content=None if body is None else json.dumps(body).encode("utf-8"),
                )
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                raise _Retryable(PlatformUnavailableError(details=type(exc).__name__)) from exc
            status = response.status_code
            if status == 401:
                challenge = response.headers.get("WWW-Authenticate", "")
                if "login or password" in challenge.lower():
                    raise TechnicalAccountError(details=challenge)
                self._tokens.invalidate(token)
                if token_attempt == 0:
                    continue
                raise InvalidClientError(details="HTTP 401 après renouvellement du jeton")
            if status == 403:
                raise SubscriptionMissingError(details=f"HTTP 403 {path}")
            if status == 413:
                raise BusinessError(
                    413,
                    "HTTP 413",
                    "Le fichier est trop volumineux pour Chorus Pro (10 Mo au plus par fichier).",
                )
            if status == 429:
                raise _Retryable(RateLimitedError(details=path))
            if status >= 500:
                raise _Retryable(PlatformUnavailableError(details=f"HTTP {status} {path}"))
            if status == 404:
                raise ProtocolError(
                    "Cette fonction de Chorus Pro est introuvable à l'adresse configurée.",
                    details=f"HTTP 404 {url}",
                )
            try:
                return response.json()
            except ValueError as exc:
                raise ProtocolError(details=f"HTTP {status}, corps non JSON") from exc
        raise AssertionError("unreachable")

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        response_model: type[ResponseT],
        *,
        retry: bool,
    ) -> ResponseT:
        attempts = self.retry.attempts if retry else 1
        for attempt in range(attempts):
            try:
                payload = self._send_once(method, path, body)
                break
            except _Retryable as exc:
                if attempt + 1 >= attempts:
                    raise exc.error from exc
                delay = self.retry.delay(attempt)
                log.info("%s : %s ; nouvel essai dans %.1f s", path, exc.error.details, delay)
                self.retry.sleep(delay)
        else:  # pragma: no cover - the loop always breaks or raises
            raise AssertionError("unreachable")
        try:
            parsed = response_model.model_validate(payload)
        except ValidationError as exc:
            raise ProtocolError(details=f"{path}: {exc.error_count()} champ(s) invalides") from exc
        code = getattr(parsed, "codeRetour", 0)
        if code:
            raise business_error(code, getattr(parsed, "libelle", ""))
        return parsed

    def read(
        self, path: str, request: s.Request | None, response_model: type[ResponseT]
    ) -> ResponseT:
        body = {} if request is None else request.to_json()
        return self._call("POST", path, body, response_model, retry=True)

    def write(self, path: str, request: s.Request, response_model: type[ResponseT]) -> ResponseT:
        return self._call("POST", path, request.to_json(), response_model, retry=False)

    # --- endpoints ---------------------------------------------------------------------------

    def fetch_token(self) -> str:
        """The current access token (fetched when missing or about to expire)."""
        try:
            return self._tokens.get()
        except _Retryable as exc:
            raise exc.error from exc

    def healthcheck(self) -> s.HealthCheck:
        return self._call(
            "GET", "/cpro/transverses/v1/health-check", None, s.HealthCheck, retry=True
        )

    def rechercher_structure(
        self, request: s.RechercherStructureRequest
    ) -> s.RechercherStructureResponse:
        return self.read("/cpro/structures/v1/rechercher", request, s.RechercherStructureResponse)

    def find_structure_by_siret(self, siret: str) -> s.StructureTrouvee | None:
        request = s.RechercherStructureRequest(
            structure=s.RechercherStructureCriteres(
                identifiantStructure=siret, typeIdentifiantStructure="SIRET"
            ),
            parametres=s.ParametresRechercheStructure(
                nbResultatsParPage=10, pageResultatDemandee=1
            ),
            restreindreStructuresPrivees=False,
        )
        try:
            found = self.rechercher_structure(request).listeStructures
        except NotFoundError:
            return None
        return next((item for item in found if item.identifiantStructure == siret), None)

    def consulter_structure(self, id_structure_cpp: int) -> s.ConsulterStructureResponse:
        request = s.ConsulterStructureRequest(idStructureCPP=id_structure_cpp, codeLangue="FR")
        return self.read("/cpro/structures/v1/consulter", request, s.ConsulterStructureResponse)

    def structures_actives_fournisseur(self) -> s.StructuresActivesFournisseurResponse:
        return self.read(
            "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
            None,
            s.StructuresActivesFournisseurResponse,
        )


def business_error(code: int, libelle: str) -> BusinessError:
    """Map ``codeRetour``/``libelle`` to a typed error with a French message."""
    text = libelle.lower()
    if code in NO_RESULT_CODES and ("aucun" in text or "n'existe pas" in text):
        return NotFoundError(code, libelle, f"Chorus Pro ne trouve rien : {libelle}")
    return BusinessError(code, libelle)
