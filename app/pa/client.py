"""The client of a Plateforme Agréée's common API (XP Z12-013): OAuth2 client credentials,
health check, directory lookup, flows submitted, searched and downloaded. Every request is
checked against the official OpenAPI before it leaves (``ContractViolation``): Bordereau
never sends what the contract refuses. Errors come back as :class:`PaError` in French."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.contracts.openapi import ContractViolation, OpenApi, directory_service, flow_service
from app.errors import BordereauError

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TOKEN_MARGIN_S = 60


class PaError(BordereauError):
    """The platform refused, or could not be reached; ``status`` the HTTP status (0: none)."""

    title = "Plateforme agréée"

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def answer_lost(self) -> bool:
        """Nothing came back: the request may or may not have been recorded."""
        return self.status == 0


@dataclass(frozen=True, slots=True)
class PaEndpoints:
    flow_url: str  # « https://api.flow.exemple.fr/flow-service »
    directory_url: str
    token_url: str


@dataclass(frozen=True, slots=True)
class DirectoryLine:
    address: str
    status: str  # Enabled, Disabled, Upcoming
    siren: str
    siret: str | None
    routing: str | None
    name: str | None

    @property
    def reachable(self) -> bool:
        return self.status == "Enabled"


class PaClient:
    def __init__(
        self,
        endpoints: PaEndpoints,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoints = endpoints
        self._client_id = client_id
        self._secret = client_secret
        self._http = httpx.Client(timeout=TIMEOUT, transport=transport)
        self._token: tuple[str, float] | None = None
        self.sent: list[tuple[str, str]] = []  # (operationId, path): what went out, for tests

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PaClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------------

    def token(self) -> str:
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        try:
            answer = self._http.post(
                self.endpoints.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._client_id,
                    "client_secret": self._secret,
                },
            )
        except httpx.HTTPError as exc:
            raise PaError(
                f"Le serveur d'authentification de la plateforme ne répond pas ({exc})."
            ) from exc
        if answer.status_code in (400, 401):
            raise PaError(
                "La plateforme refuse l'identifiant client ou le secret : recopiez-les depuis "
                "votre espace sur la plateforme.",
                status=answer.status_code,
            )
        if answer.status_code != 200:
            raise PaError(f"Jeton refusé (HTTP {answer.status_code}).", status=answer.status_code)
        data = answer.json()
        lifetime = float(data.get("expires_in", 3600))
        self._token = (str(data["access_token"]), time.monotonic() + lifetime - TOKEN_MARGIN_S)
        return self._token[0]

    def _call(
        self,
        api: OpenApi,
        base: str,
        operation_id: str,
        *,
        path_params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        json_body: object = None,
        multipart: tuple[dict[str, Any], bytes, str] | None = None,
        authorised: bool = True,
    ) -> httpx.Response:
        operation = api.by_id(operation_id)
        path = operation.template
        for name, value in (path_params or {}).items():
            path = path.replace("{" + name + "}", value)
        if multipart is not None:
            info, _content, _name = multipart
            checked: object = {"flowInfo": info, "file": "<binaire>"}
            kind: str | None = "multipart/form-data"
        else:
            checked, kind = json_body, ("application/json" if json_body is not None else None)
        group_params = {
            name.replace("-", "_"): value for name, value in (path_params or {}).items()
        }
        problems = api.check_request(
            operation, path_params=group_params, query=query or {}, body=checked, content_type=kind
        )
        if problems:
            raise ContractViolation(problems)
        headers = {"Authorization": f"Bearer {self.token()}"} if authorised else {}
        self.sent.append((operation_id, path))
        body: dict[str, Any] = {"json": json_body}
        if multipart is not None:
            info, content, name = multipart
            kind = "application/pdf" if content[:4] == b"%PDF" else "application/xml"
            body = {
                "files": {
                    "flowInfo": (None, json.dumps(info), "application/json"),
                    "file": (name, content, kind),
                }
            }

        def send() -> httpx.Response:
            try:
                return self._http.request(
                    operation.method, base + path, params=query, headers=headers, **body
                )
            except httpx.HTTPError as exc:
                raise PaError(f"La plateforme n'a pas répondu ({type(exc).__name__}).") from exc

        answer = send()
        if answer.status_code == 401 and authorised and multipart is None:
            self._token = None  # expired or revoked: one new token, once
            headers["Authorization"] = f"Bearer {self.token()}"
            answer = send()
        if answer.status_code >= 400:
            raise _error(answer)
        return answer

    # --- operations -------------------------------------------------------------------------

    def health(self) -> bool:
        answer = self._call(flow_service(), self.endpoints.flow_url, "getHealth", authorised=False)
        return answer.status_code == 200

    def directory_lines(
        self, *, siren: str | None = None, siret: str | None = None, routing: str | None = None
    ) -> list[DirectoryLine]:
        """The directory lines for a SIREN, a SIRET or a routing code (strict matches)."""
        filters: dict[str, Any] = {}
        if siren:
            filters["siren"] = {"op": "strict", "value": siren}
        if siret:
            filters["siret"] = {"op": "strict", "value": siret}
        if routing:
            filters["routingIdentifier"] = {"op": "strict", "value": routing}
        answer = self._call(
            directory_service(),
            self.endpoints.directory_url,
            "searchDirectoryLine",
            json_body={"filters": filters, "limit": 50},
        ).json()
        return [
            DirectoryLine(
                address=str(item.get("addressingIdentifier", "")),
                status=str(item.get("directoryLineStatus", "")),
                siren=str(item.get("siren", "")),
                siret=item.get("siret"),
                routing=item.get("routingIdentifier"),
                name=(item.get("legalUnit") or {}).get("businessName"),
            )
            for item in answer.get("results", [])
        ]

    def submit(
        self,
        content: bytes,
        name: str,
        *,
        tracking_id: str,
        syntax: str = "Factur-X",
        processing_rule: str = "B2B",
    ) -> dict[str, Any]:
        """Send a flow (its ``trackingId``: the sender's idempotency key); FullFlowInfo."""
        info = {
            "trackingId": tracking_id,
            "name": name,
            "processingRule": processing_rule,
            "flowSyntax": syntax,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        answer = self._call(
            flow_service(), self.endpoints.flow_url, "createFlow", multipart=(info, content, name)
        )
        result: dict[str, Any] = answer.json()
        return result

    def search(self, where: dict[str, Any], *, limit: int = 100) -> list[dict[str, Any]]:
        """Every flow matching ``where``, all pages."""
        found: list[dict[str, Any]] = []
        body: dict[str, Any] = {"where": where, "limit": limit}
        while True:
            page = self._call(
                flow_service(), self.endpoints.flow_url, "searchFlows", json_body=body
            ).json()
            found += page.get("results", [])
            cursor = page.get("nextCursor")
            if not cursor:
                return found
            body = {**body, "cursor": cursor}

    def by_tracking_id(self, tracking_id: str) -> list[dict[str, Any]]:
        return self.search({"trackingId": tracking_id})

    def flow(self, flow_id: str) -> dict[str, Any]:
        answer = self._call(
            flow_service(),
            self.endpoints.flow_url,
            "getFlow",
            path_params={"flowId": flow_id},
            query={"docType": "Metadata"},
        )
        result: dict[str, Any] = answer.json()
        return result

    def flow_file(self, flow_id: str) -> bytes:
        answer = self._call(
            flow_service(),
            self.endpoints.flow_url,
            "getFlow",
            path_params={"flowId": flow_id},
            query={"docType": "Original"},
        )
        return answer.content


def _error(answer: httpx.Response) -> PaError:
    try:
        data = answer.json()
        code, detail = str(data.get("errorCode", "")), str(data.get("errorMessage", ""))
    except ValueError:
        code, detail = "", answer.text[:200]
    status = answer.status_code
    if status == 401:
        message = "La plateforme refuse le jeton : vérifiez l'identifiant et le secret."
    elif status == 403:
        message = "La plateforme refuse cet accès à votre compte."
    elif status == 413:
        message = "Le fichier dépasse la taille que la plateforme accepte (100 Mo)."
    elif status == 429:
        message = "La plateforme demande de ralentir : nouvel essai dans un moment."
    elif status >= 500:
        message = f"La plateforme est indisponible (HTTP {status}) : nouvel essai plus tard."
    else:
        message = f"La plateforme a refusé la demande (HTTP {status}) : {detail or code}"
    return PaError(message, status=status, code=code)
