"""The simulator's HTTP server: PISTE token endpoint and the ``/cpro/...`` API on loopback."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from app.simulator.seed import DEMO_SUPPLIER_NAME, DEMO_SUPPLIER_SIRET, SimStructure, seed_directory

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/oauth/token"
TOKEN_LIFETIME = 3600
OK_FACTURES = "GCU_MSG_01_000"
OK_TRANSVERSES = "TRA_MSG_00.000"
NO_RESULT = "TRA_MSG_00.015 La recherche n'a retourné aucun résultat"

DEFAULT_CLIENT_ID = "bordereau-demo"
DEFAULT_CLIENT_SECRET = "demo-secret"
DEFAULT_LOGIN = "TECH_1_DEMO@cpro.fr"
DEFAULT_PASSWORD = "demo-password"


class SimClock:
    """Real time plus an offset that the admin interface can advance."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


@dataclass(slots=True)
class SimulatorConfig:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    login: str = DEFAULT_LOGIN
    password: str = DEFAULT_PASSWORD
    supplier_siret: str = DEMO_SUPPLIER_SIRET
    supplier_name: str = DEMO_SUPPLIER_NAME
    seed: int = 0


@dataclass(slots=True)
class SimulatorState:
    config: SimulatorConfig
    clock: SimClock = field(default_factory=SimClock)
    tokens: dict[str, datetime] = field(default_factory=dict)
    directory: list[SimStructure] = field(default_factory=seed_directory)
    supplier: SimStructure | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.supplier = SimStructure(
            9001,
            self.config.supplier_siret,
            self.config.supplier_name.upper(),
            "69007",
            "LYON",
            public=False,
        )

    def structure_by_id(self, id_structure: int) -> SimStructure | None:
        if self.supplier is not None and self.supplier.id == id_structure:
            return self.supplier
        return next((item for item in self.directory if item.id == id_structure), None)

    def all_structures(self) -> list[SimStructure]:
        return [*self.directory, *([self.supplier] if self.supplier else [])]


class ApiError(Exception):
    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or {}


Handler = Callable[[SimulatorState, dict[str, Any]], dict[str, Any]]
ROUTES: dict[str, Handler] = {}


def route(path: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        ROUTES[path] = func
        return func

    return register


def ok(libelle: str = OK_TRANSVERSES, **fields: Any) -> dict[str, Any]:
    return {"codeRetour": 0, "libelle": libelle, **fields}


def refuse(code: int, libelle: str) -> dict[str, Any]:
    return {"codeRetour": code, "libelle": libelle}


# --- structures --------------------------------------------------------------------------


@route("/cpro/structures/v1/rechercher")
def rechercher_structure(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    criteria = body.get("structure") or {}
    params = body.get("parametres") or {}
    wanted_id = (criteria.get("identifiantStructure") or "").strip()
    name = (criteria.get("raisonSocialeStructure") or "").strip().lower()
    postal = (criteria.get("adresseCodePostal") or "").strip()
    found = [
        item
        for item in state.all_structures()
        if (not wanted_id or item.siret == wanted_id)
        and (not name or name in item.name.lower())
        and (not postal or item.postal_code.startswith(postal))
        and (
            body.get("restreindreStructuresPrivees") is False
            or item.public
            or item is state.supplier
        )
    ]
    if not found:
        return refuse(20000, NO_RESULT)
    per_page = int(params.get("nbResultatsParPage") or 10)
    page = int(params.get("pageResultatDemandee") or 1)
    pages = max(1, -(-len(found) // per_page))
    chunk = found[(page - 1) * per_page : page * per_page]
    return ok(
        parametresRetour={
            "pageCourante": page,
            "pages": pages,
            "nbResultatsParPage": per_page,
            "total": len(found),
        },
        listeStructures=[
            {
                "idStructureCPP": item.id,
                "identifiantStructure": item.siret,
                "designationStructure": item.name,
                "typeIdentifiantStructure": "SIRET",
                "statut": "ACTIVE" if item.active else "INACTIVE",
            }
            for item in chunk
        ],
    )


@route("/cpro/structures/v1/consulter")
def consulter_structure(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    structure = state.structure_by_id(int(body.get("idStructureCPP") or 0))
    if structure is None:
        return refuse(20000, "TRA_MSG_00.015 La structure n'existe pas")
    info: dict[str, Any] = {
        "idStructureCPP": structure.id,
        "identifiantStructure": structure.siret,
        "typeIdentifiantStructure": "SIRET",
        "raisonSocialeStructure": structure.name,
        "libelleStructure": structure.name,
        "structurePriveePublique": "PUBLIQUE" if structure.public else "PRIVEE",
        "numeroTVA": structure.vat_number,
    }
    if structure is state.supplier:
        expiry = state.clock.now() + timedelta(days=180)
        info["dateExpirationMotPasseCompteTech"] = expiry.isoformat(timespec="milliseconds")
    return ok(
        informationGenerales=info,
        adressePostaleDuSiege={
            "adresse": structure.address,
            "codePostal": structure.postal_code,
            "ville": structure.city,
            "pays": "FR",
        },
        parametres={
            "codeServiceDoitEtreRenseigne": structure.service_required,
            "numeroEJDoitEtreRenseigne": structure.engagement_required,
            "gestionNumeroEJOuCodeService": structure.service_or_engagement,
            "statutMiseEnPaiementNestPasRemonte": structure.payment_status_not_reported,
            "connexionEDI": False,
            "estMoaUniquement": False,
            "recevoirDonneesViaEDI": False,
        },
    )


@route("/cpro/transverses/v1/recuperer/structures/actives/fournisseur")
def structures_actives_fournisseur(state: SimulatorState, body: dict[str, Any]) -> dict[str, Any]:
    supplier = state.supplier
    assert supplier is not None
    return ok(
        listeStructures=[
            {
                "idStructureCPP": supplier.id,
                "identifiant": supplier.siret,
                "designationStructure": supplier.name,
            }
        ],
        parametresRetour={"pageCourante": 1, "pages": 1, "nbResultatsParPage": 10, "total": 1},
    )


# --- HTTP plumbing -------------------------------------------------------------------------


class _RequestHandler(BaseHTTPRequestHandler):
    server: SimulatorHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("simulateur: " + format, *args)

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
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
        config = self.server.state.config
        expected = base64.b64encode(f"{config.login}:{config.password}".encode()).decode("ascii")
        if self.headers.get("cpro-account") != expected:
            raise ApiError(
                401,
                {"error": "Unauthorized", "error_description": "login or password incorrects"},
                {
                    "WWW-Authenticate": 'Bearer realm="PISTE",error="Unauthorized",'
                    'error_description="login or password incorrects"'
                },
            )

    def do_GET(self) -> None:
        try:
            if self.path != "/cpro/transverses/v1/health-check":
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
                return
            handler = ROUTES.get(self.path)
            if handler is None:
                raise ApiError(404, {"error": "not_found", "path": self.path})
            self._check_bearer()
            self._check_account()
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                raise ApiError(
                    400, {"codeRetour": 400, "libelle": "Requête JSON malformée"}
                ) from exc
            if not isinstance(body, dict):
                raise ApiError(400, {"codeRetour": 400, "libelle": "Requête JSON malformée"})
            with self.server.state.lock:
                result = handler(self.server.state, body)
            self._send(200, result)
        except ApiError as exc:
            self._send(exc.status, exc.body, exc.headers)
        except Exception:
            log.exception("simulateur : erreur interne sur %s", self.path)
            self._send(500, {"error": "internal"})

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

    def __init__(self, address: tuple[str, int], state: SimulatorState) -> None:
        super().__init__(address, _RequestHandler)
        self.state = state


class Simulator:
    """Start, address and stop a simulator on 127.0.0.1."""

    def __init__(self, config: SimulatorConfig | None = None, *, port: int = 0) -> None:
        self.state = SimulatorState(config or SimulatorConfig())
        self._server = SimulatorHTTPServer(("127.0.0.1", port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

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

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
