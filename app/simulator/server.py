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
from app.simulator.routes import MUTATING, ROUTES, ApiError, refuse
from app.simulator.state import SimulatorConfig, SimulatorState, load_state

__all__ = ["Simulator", "SimulatorConfig", "SimulatorState"]

log = logging.getLogger(__name__)

HANDLER_MODULES = (handlers_factures, handlers_structures, handlers_transverses)
TOKEN_PATH = "/api/oauth/token"
HEALTH_PATH = "/cpro/transverses/v1/health-check"
TOKEN_LIFETIME = 3600
MAX_BODY_BYTES = 200 * 1024 * 1024


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def encode_json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, default=_json_default).encode("utf-8")


class _Dropped(Exception):
    """Close the connection without answering."""


class _RequestHandler(BaseHTTPRequestHandler):
    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in two writes

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
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, {"codeRetour": 413, "libelle": "Requête trop volumineuse"})
        return self.rfile.read(length) if length else b""

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
        except ApiError as exc:
            self._send(exc.status, exc.body, exc.headers)
        except Exception:
            log.exception("simulateur : erreur interne sur %s", self.path)
            self._send(500, {"error": "internal"})

    @staticmethod
    def _parse(raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw or b"{}", parse_float=Decimal)
        except ValueError as exc:
            raise ApiError(400, {"codeRetour": 400, "libelle": "Requête JSON malformée"}) from exc
        if not isinstance(body, dict):
            raise ApiError(400, {"codeRetour": 400, "libelle": "Requête JSON malformée"})
        return body

    def _admin(self, method: str, body: dict[str, Any]) -> None:
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
        fault = faults.draw()
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
        self._check_bearer()
        self._check_account()
        body = self._parse(raw)
        with state.lock:
            state.catch_up()
            try:
                result = handler(state, body)
            except Refusal as refusal:
                result = refuse(refusal.code, refusal.libelle)
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
