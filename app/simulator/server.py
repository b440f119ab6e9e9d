"""The simulator's HTTP server: PISTE token endpoint, the ``/cpro/...`` API and the admin
interface, on loopback."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import secrets
import socket
import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from app.simulator import handlers_factures, handlers_structures, handlers_transverses
from app.simulator.admin import ADMIN_PREFIX, handle_admin
from app.simulator.checks import Refusal
from app.simulator.contract import ContractViolation, check_request
from app.simulator.routes import MUTATING, ROUTES, ApiError, refuse
from app.simulator.state import SimulatorConfig, SimulatorState, load_state

__all__ = ["Simulator", "SimulatorConfig", "SimulatorState"]

log = logging.getLogger(__name__)

HANDLER_MODULES = (handlers_factures, handlers_structures, handlers_transverses)
TOKEN_PATH = "/api/oauth/token"
HEALTH_PATH = "/cpro/transverses/v1/health-check"
TOKEN_LIFETIME = 3600
# Above the largest legitimate request: a 30 MB flux in base64 (chorus-api.md §4).
MAX_BODY_BYTES = 48 * 1024 * 1024
MAX_JSON_DEPTH = 64
SOCKET_TIMEOUT_S = 30
LOOPBACK = frozenset({"127.0.0.1", "::1"})
MALFORMED = 400


def malformed(message: str) -> ApiError:
    """The platform's answer to a request it cannot read: HTTP 400 with a business answer."""
    return ApiError(400, {"codeRetour": MALFORMED, "libelle": f"Requête invalide : {message}"})


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} n'est pas un nombre JSON")


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: a hostile body must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def encode_json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, default=_json_default).encode("utf-8")


# Answers that are not the platform's business envelope (the gateway's or a proxy's).
NON_ENVELOPE_FAULTS: dict[str, tuple[int, dict[str, Any] | str]] = {
    "400_sans_enveloppe": (400, {"error": "invalid_request", "error_description": "Bad Request"}),
    "400_html": (400, "<html><body><h1>400 Bad Request</h1></body></html>"),
    "400_vide": (400, ""),
    "415": (415, {"error": "unsupported_media_type"}),
    "422": (422, {"message": "Unprocessable Entity"}),
}


class _Dropped(Exception):
    """Close the connection without answering."""


class _RequestHandler(BaseHTTPRequestHandler):
    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in two writes

    def setup(self) -> None:
        # A stalled client (or a lying Content-Length) does not hold a thread forever.
        self.connection = self.request
        self.connection.settimeout(self.server.socket_timeout)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("simulateur: " + format, *args)

    # --- plumbing ------------------------------------------------------------------------

    def _send(
        self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(body, str):
            data, content_type = body.encode("utf-8"), "text/html;charset=utf-8"
        else:
            data, content_type = encode_json(body), "application/json;charset=utf-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read_body(self) -> bytes:
        """The request body, by its Content-Length or its chunks; refused when unreadable
        (a negative length would read until the client gives up) or too large."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunks()
        text = (self.headers.get("Content-Length") or "0").strip()
        if not text.isdigit():
            self.close_connection = True
            raise malformed("longueur de corps (Content-Length) invalide")
        length = int(text)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(413, {"codeRetour": 413, "libelle": "Requête trop volumineuse"})
        return self.rfile.read(length) if length else b""

    def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.close_connection = True
                raise malformed("corps découpé (chunked) illisible") from None
            if size < 0 or len(body) + size > MAX_BODY_BYTES:
                self.close_connection = True
                raise ApiError(413, {"codeRetour": 413, "libelle": "Requête trop volumineuse"})
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline(1024)

    def _check_bearer(self) -> None:
        state = self.server.state
        header = self.headers.get("Authorization") or ""
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with state.lock:
            expires = state.tokens.get(token)
        if not token or expires is None or expires <= state.clock.now():
            raise ApiError(
                401,
                {"error": "invalid_token", "error_description": "Jeton invalide ou expiré"},
                {"WWW-Authenticate": 'Bearer realm="PISTE",error="invalid_token"'},
            )

    def _check_account(self) -> None:
        state = self.server.state
        config = state.config
        expected = base64.b64encode(f"{config.login}:{config.password}".encode()).decode("ascii")
        expired = state.password_expires_at <= state.clock.now()
        if self.headers.get("cpro-account") != expected or expired:
            raise ApiError(
                401,
                {"error": "Unauthorized", "error_description": "login or password incorrects"},
                {
                    "WWW-Authenticate": 'Bearer realm="PISTE",error="Unauthorized",'
                    'error_description="login or password incorrects"'
                },
            )

    # --- verbs ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        try:
            if self.path.startswith(ADMIN_PREFIX):
                self._admin("GET", {})
                return
            if self.path != HEALTH_PATH:
                raise ApiError(404, {"error": "not_found"})
            self._check_bearer()
            self._send(
                200,
                {
                    "body": "L'API CPRO est actuellement disponible et fonctionnel.",
                    "statusCode": "OK",
                    "statusCodeValue": 200,
                },
            )
        except ApiError as exc:
            self._send(exc.status, exc.body, exc.headers)

    def do_POST(self) -> None:
        try:
            raw = self._read_body()
            if self.path == TOKEN_PATH:
                self._send(200, self._issue_token(raw))
            elif self.path.startswith(ADMIN_PREFIX):
                self._admin("POST", self._parse(raw))
            else:
                self._api(raw)
        except _Dropped:
            self._drop()
        except TimeoutError:
            log.debug("simulateur : client trop lent sur %s", self.path)
            self._drop()
        except ApiError as exc:
            self._send(exc.status, exc.body, exc.headers)
        except Exception:
            log.exception("simulateur : erreur interne sur %s", self.path)
            self._send(500, {"error": "internal"})

    def do_PUT(self) -> None:
        self._refuse_method()

    def do_DELETE(self) -> None:
        self._refuse_method()

    def do_PATCH(self) -> None:
        self._refuse_method()

    def _refuse_method(self) -> None:
        self.close_connection = True
        self._send(405, {"error": "method_not_allowed"}, {"Allow": "GET, POST"})

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw or b"{}", parse_float=Decimal, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise malformed("JSON illisible") from exc
        if not isinstance(body, dict):
            raise malformed("un objet JSON est attendu")
        if json_depth(body) > MAX_JSON_DEPTH:
            raise malformed("JSON trop imbriqué")
        return body

    def _admin(self, method: str, body: dict[str, Any]) -> None:
        if self.client_address[0] not in LOOPBACK:
            raise ApiError(403, {"erreur": "administration réservée à cette machine"})
        state = self.server.state
        with state.lock:
            result = handle_admin(state, method, self.path, body)
            state.save_if_dirty()
        self._send(200, result)

    def _api(self, raw: bytes) -> None:
        state = self.server.state
        handler = ROUTES.get(self.path)
        if handler is None:
            raise ApiError(404, {"error": "not_found", "path": self.path})
        faults = state.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        fault = faults.draw(self.path)
        if fault == "drop":
            raise _Dropped
        if fault == "429":
            raise ApiError(429, {"error": "too_many_requests"}, {"Retry-After": "1"})
        if fault == "500":
            raise ApiError(500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        if fault == "403":  # the PISTE application is not subscribed to this API
            raise ApiError(403, {"error": "access_denied", "error_description": "Forbidden"})
        if fault == "401":
            with state.lock:
                state.tokens.clear()
        if fault == "401_passager":  # the platform's hiccup: a valid token refused once
            raise ApiError(
                401,
                {"error": "invalid_token", "error_description": "Jeton invalide ou expiré"},
                {"WWW-Authenticate": 'Bearer realm="PISTE",error="invalid_token"'},
            )
        if fault in NON_ENVELOPE_FAULTS:
            raise ApiError(*NON_ENVELOPE_FAULTS[fault])
        self._check_bearer()
        self._check_account()
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ApiError(415, {"error": "unsupported_media_type"})
        body = self._parse(raw)
        try:
            check_request(self.path, body)
        except ContractViolation as violation:
            raise malformed(violation.message) from None
        with state.lock:
            state.catch_up()
            try:
                result = handler(state, body)
            except Refusal as refusal:
                result = refuse(refusal.code, refusal.libelle)
            except (AttributeError, TypeError, ValueError, KeyError, IndexError, ArithmeticError):
                # A shape the swagger does not type (Transverses): refused, never a 500.
                log.info("simulateur : requête mal formée sur %s", self.path, exc_info=True)
                raise malformed("champ de type inattendu") from None
            if self.path in MUTATING or state.dirty:
                state.save_if_dirty()
        if fault == "drop_after":
            raise _Dropped
        if fault == "timeout":
            time.sleep(faults.timeout_s)
        self._send(200, result)

    def _issue_token(self, raw: bytes) -> dict[str, Any]:
        form = {key: values[0] for key, values in parse_qs(raw.decode("utf-8")).items()}
        config = self.server.state.config
        if form.get("grant_type") != "client_credentials":
            raise ApiError(400, {"error": "unsupported_grant_type"})
        if (
            form.get("client_id") != config.client_id
            or form.get("client_secret") != config.client_secret
        ):
            raise ApiError(
                400,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        token = secrets.token_urlsafe(32)
        state = self.server.state
        with state.lock:
            state.tokens[token] = state.clock.now() + timedelta(seconds=TOKEN_LIFETIME)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": "openid",
        }


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    socket_timeout: float = SOCKET_TIMEOUT_S

    def __init__(self, address: tuple[str, int], state: SimulatorState) -> None:
        super().__init__(address, _RequestHandler)
        self.state = state

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away (killed, timed out) is not the simulator's error."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("simulateur : client %s parti", client_address)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Simulator:
    """Start, address and stop a simulator on 127.0.0.1."""

    def __init__(self, config: SimulatorConfig | None = None, *, port: int = 0) -> None:
        self.state = SimulatorState(config or SimulatorConfig())
        if self.state.config.state_file is not None:
            load_state(self.state, self.state.config.state_file)
        self._server = SimulatorHTTPServer(("127.0.0.1", port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX.rstrip("/")

    def start(self) -> Simulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="simulateur", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self.state.lock:
            self.state.save_if_dirty()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
