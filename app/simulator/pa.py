"""A Plateforme Agréée on loopback, built from the official XP Z12-013 OpenAPI files: the
Flow Service under ``/flow-service``, the Directory Service under ``/directory-service``,
an OAuth2 client-credentials token endpoint, and an admin interface (faults, directory
lines) that only loopback callers holding the admin token may use.

Every request is checked against the OpenAPI before anything else (``app/contracts/openapi.py``):
what the contract refuses gets a 400 with the contract's ``Error`` body. A flow is recorded
with the ``trackingId`` its sender gave; the same ``trackingId`` sent again is recorded as
a flow in error « AlreadyExistingFlow », as a platform does. Faults: an answer lost after
the flow is recorded (the sender must then search its ``trackingId``), 5xx, 401, slowness.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from app.contracts.openapi import OpenApi, directory_service, flow_service
from app.files import write_atomically
from app.simulator.flux import FluxRejected
from app.simulator.pa_lifecycle import (
    InvoiceFacts,
    customer_status,
    invoice_facts,
    status_sent,
    ubl_facts,
)

log = logging.getLogger(__name__)

FLOW_PREFIX = "/flow-service"
DIRECTORY_PREFIX = "/directory-service"
TOKEN_PATH = "/auth/token"
ADMIN_PREFIX = "/_pa"
ADMIN_HEADER = "X-Admin-Token"
LOOPBACK = frozenset({"127.0.0.1", "::1"})
MAX_BODY_BYTES = 110 * 1024 * 1024  # the contract's 100 MB file, with its envelope
TOKEN_LIFETIME = 3600
DEFAULT_LIMIT = 25
INVOICE_SYNTAXES = frozenset({"CII", "UBL", "Factur-X"})
FINAL_CODES = frozenset({"210", "212", "213", "220"})  # nothing follows for the seller


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class PaConfig:
    client_id: str = "bordereau-demo-pa"
    client_secret: str = "demo-pa-secret"
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    ack_delay_seconds: float = 0.0  # a flow stays « Pending » this long
    # what the customers do with a received invoice: (seconds after it, status code)
    lifecycle_schedule: tuple[tuple[float, str], ...] = ()
    state_file: Path | None = None  # flows kept across restarts (the demo's)


@dataclass
class StoredFlow:
    meta: dict[str, Any]  # the contract's Flow
    content: bytes
    recorded_at: float  # time.time(): survives a restart of the simulator
    facts: InvoiceFacts | None = None  # an invoice's, as the platform read it
    statuses: list[str] = field(default_factory=list)  # lifecycle codes produced about it
    incoming_number: str | None = None  # a supplier's invoice delivered to the user: its number
    incoming_facts: InvoiceFacts | None = None  # …and what the platform read of it


@dataclass
class DirectoryLine:
    siren: str
    siret: str | None = None
    routing: str | None = None
    status: str = "Enabled"
    name: str = ""

    @property
    def address(self) -> str:
        return "_".join(part for part in (self.siren, self.siret, self.routing) if part)

    def payload(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "addressingIdentifier": self.address,
            "platformType": "WK",
            "directoryLineStatus": self.status,
            "siren": self.siren,
            "legalUnit": {"siren": self.siren, "businessName": self.name},
        }
        if self.siret:
            line["siret"] = self.siret
        if self.routing:
            line["routingIdentifier"] = self.routing
        return line


@dataclass
class PaState:
    config: PaConfig
    flows: dict[str, StoredFlow] = field(default_factory=dict)
    lines: list[DirectoryLine] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)
    faults: dict[str, float] = field(default_factory=dict)  # name → probability or count
    lock: threading.RLock = field(default_factory=threading.RLock)

    def invoice_flow(self, number: str) -> StoredFlow | None:
        """The invoice flow (acknowledged) whose invoice bears ``number``."""
        for flow in self.flows.values():
            if (
                flow.facts is not None
                and flow.facts.number == number
                and flow.meta["acknowledgement"]["status"] != "Error"
            ):
                return flow
        return None

    def incoming_flow(self, number: str) -> StoredFlow | None:
        """The supplier's invoice delivered to the user that bears ``number`` (the latest)."""
        found = [flow for flow in self.flows.values() if flow.incoming_number == number]
        return found[-1] if found else None

    def add_incoming(self, name: str, syntax: str, content: bytes, number: str) -> dict[str, Any]:
        """A supplier's invoice arriving for the user (In, SupplierInvoice)."""
        meta = incoming_meta(name, syntax, "SupplierInvoice", content)
        flow_id = meta["flowId"]
        facts = None
        with contextlib.suppress(FluxRejected):
            facts = ubl_facts(content) if syntax == "UBL" else invoice_facts(content)
        self.flows[flow_id] = StoredFlow(
            meta, content, time.time(), incoming_number=number, incoming_facts=facts
        )
        self.save()
        return meta

    def add_supplier_status(
        self, incoming: StoredFlow, code: str, comment: str | None = None
    ) -> dict[str, Any]:
        """The seller's status about an invoice it sent the user (In, SupplierInvoiceLC)."""
        assert incoming.incoming_facts is not None
        facts = incoming.incoming_facts
        content = customer_status(facts, code, comment=comment, from_seller=True)
        meta = incoming_meta(f"CDV_{facts.number}_{code}.xml", "CDAR", "SupplierInvoiceLC", content)
        flow_id = meta["flowId"]
        self.flows[flow_id] = StoredFlow(meta, content, time.time())
        self.save()
        return meta

    def add_status(
        self,
        invoice: StoredFlow,
        code: str,
        *,
        reason: str | None = None,
        comment: str | None = None,
    ) -> dict[str, Any]:
        """A lifecycle flow (In, CDAR) from the customer's side about ``invoice``."""
        assert invoice.facts is not None
        content = customer_status(invoice.facts, code, reason=reason, comment=comment)
        meta = incoming_meta(
            f"CDV_{invoice.facts.number}_{code}.xml", "CDAR", "CustomerInvoiceLC", content
        )
        flow_id = meta["flowId"]
        self.flows[flow_id] = StoredFlow(meta, content, time.time())
        invoice.statuses.append(code)
        self.save()
        return meta

    def advance(self) -> None:
        """The customers' statuses that are due by the schedule."""
        schedule = self.config.lifecycle_schedule
        if not schedule:
            return
        now = time.time()
        for flow in list(self.flows.values()):
            if flow.facts is None or flow.meta["acknowledgement"]["status"] == "Error":
                continue
            if FINAL_CODES & set(flow.statuses):
                continue
            for delay, code in schedule:
                if now - flow.recorded_at >= delay and code not in flow.statuses:
                    self.add_status(flow, code)

    def save(self) -> None:
        path = self.config.state_file
        if path is None:
            return
        data = {
            "flows": [
                {
                    "meta": flow.meta,
                    "content": base64.b64encode(flow.content).decode("ascii"),
                    "recorded_at": flow.recorded_at,
                    "facts": None if flow.facts is None else asdict(flow.facts),
                    "statuses": flow.statuses,
                    "incoming_number": flow.incoming_number,
                    "incoming_facts": (
                        None if flow.incoming_facts is None else asdict(flow.incoming_facts)
                    ),
                }
                for flow in self.flows.values()
            ]
        }
        write_atomically(path, json.dumps(data).encode("utf-8"))

    def load(self) -> None:
        path = self.config.state_file
        if path is None or not path.exists():
            return
        try:
            data = json.loads(path.read_bytes())
        except ValueError:
            log.warning("État de la plateforme simulée illisible : repart de zéro (%s)", path)
            return
        for item in data.get("flows", []):
            facts = InvoiceFacts(**item["facts"]) if item.get("facts") else None
            self.flows[item["meta"]["flowId"]] = StoredFlow(
                item["meta"],
                base64.b64decode(item["content"]),
                float(item["recorded_at"]),
                facts,
                list(item.get("statuses", [])),
                item.get("incoming_number"),
                InvoiceFacts(**item["incoming_facts"]) if item.get("incoming_facts") else None,
            )

    def recorded_tracking(self, tracking_id: str) -> list[StoredFlow]:
        return [
            flow
            for flow in self.flows.values()
            if flow.meta.get("trackingId") == tracking_id
            and flow.meta["acknowledgement"]["status"] != "Error"
        ]


def incoming_meta(name: str, syntax: str, flow_type: str, content: bytes) -> dict[str, Any]:
    """The contract's Flow of a flow the platform delivers to its user (In, acknowledged)."""
    now = now_text()
    return {
        "flowId": str(uuid.uuid4()),
        "submittedAt": now,
        "updatedAt": now,
        "name": name,
        "flowSyntax": syntax,
        "flowProfile": "CIUS",
        "processingRule": "B2B",
        "processingRuleSource": "Computed",
        "flowDirection": "In",
        "flowType": flow_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "acknowledgement": {"status": "Ok"},
    }


class PaError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"errorCode": code, "errorMessage": message}


def _acknowledged(flow: StoredFlow, delay: float) -> dict[str, Any]:
    """The flow's metadata, its acknowledgement settled once the delay has passed."""
    ack = flow.meta["acknowledgement"]
    if ack["status"] == "Pending" and time.time() - flow.recorded_at >= delay:
        flow.meta["acknowledgement"] = {"status": "Ok"}
        flow.meta["updatedAt"] = now_text()
    return flow.meta


def _looks_like_invoice(content: bytes, syntax: str) -> bool:
    if syntax == "Factur-X":
        return content.startswith(b"%PDF") and b"EmbeddedFile" in content
    return content.lstrip().startswith(b"<")


def submit_flow(state: PaState, flow_info: dict[str, Any], content: bytes) -> dict[str, Any]:
    """Record a flow (createFlow); its FullFlowInfo."""
    digest = hashlib.sha256(content).hexdigest()
    now = now_text()
    details: list[dict[str, str]] = []
    status = "Pending"
    syntax = flow_info["flowSyntax"]
    tracking = flow_info.get("trackingId")
    if not content:
        details.append(_detail("file", "EmptyFlow", "Le fichier est vide."))
    elif flow_info.get("sha256") and flow_info["sha256"] != digest:
        details.append(_detail("sha256", "ChecksumMismatch", "Empreinte différente du fichier."))
    elif not _looks_like_invoice(content, syntax):
        details.append(_detail("file", "InvalidSchema", f"Ce n'est pas un fichier {syntax}."))
    elif tracking and state.recorded_tracking(tracking):
        details.append(
            _detail("trackingId", "AlreadyExistingFlow", "Ce trackingId a déjà été reçu.")
        )
    facts: InvoiceFacts | None = None
    invoice: StoredFlow | None = None
    answering = False
    if not details and syntax in INVOICE_SYNTAXES:
        try:
            facts = invoice_facts(content)
        except FluxRejected as exc:
            details.append(_detail("file", "InvalidSchema", exc.message))
    elif not details and syntax == "CDAR":
        sent = status_sent(content)
        invoice = state.invoice_flow(sent[0]) if sent else None
        if sent is not None and invoice is None:  # the user's answer to a supplier's invoice
            invoice = state.incoming_flow(sent[0])
            answering = invoice is not None
        if sent is None:
            details.append(_detail("file", "InvalidSchema", "Ce n'est pas un message CDAR."))
        elif invoice is None:
            details.append(_detail("file", "InvoiceLCRuleError", f"Facture {sent[0]} inconnue."))
        elif sent[1] in invoice.statuses:
            details.append(
                _detail("file", "InvoiceLCInvalidStatus", f"Statut {sent[1]} déjà reçu.")
            )
        else:
            invoice.statuses.append(sent[1])
    if details:
        status = "Error"
    flow_id = str(uuid.uuid4())
    rule = flow_info.get("processingRule")
    meta: dict[str, Any] = {
        "flowId": flow_id,
        "submittedAt": now,
        "updatedAt": now,
        "name": flow_info["name"],
        "flowSyntax": syntax,
        "flowProfile": flow_info.get("flowProfile") or "CIUS",
        "processingRule": rule or "B2B",
        "processingRuleSource": "Input" if rule else "Computed",
        "flowDirection": "Out",
        "flowType": (
            ("SupplierInvoiceLC" if answering else "CustomerInvoiceLC")
            if syntax == "CDAR"
            else "CustomerInvoice"
        ),
        "sha256": digest,
        "acknowledgement": {"status": status, **({"details": details} if details else {})},
    }
    if tracking:
        meta["trackingId"] = tracking
    state.flows[flow_id] = StoredFlow(meta, content, time.time(), facts)
    state.save()
    answer = {key: meta[key] for key in ("flowId", "submittedAt", "name", "flowSyntax")}
    answer.update(
        {key: meta[key] for key in ("trackingId", "processingRule", "flowProfile", "sha256")
         if key in meta}
    )  # fmt: skip
    return answer


def _detail(item: str, code: str, message: str) -> dict[str, str]:
    return {"level": "Error", "item": item, "reasonCode": code, "reasonMessage": message}


def search_flows(state: PaState, params: dict[str, Any]) -> dict[str, Any]:
    where = params.get("where", {})
    limit = int(params.get("limit", DEFAULT_LIMIT))
    start = int(base64.urlsafe_b64decode(params["cursor"]).decode()) if "cursor" in params else 0
    found = []
    for flow in sorted(state.flows.values(), key=lambda f: f.meta["submittedAt"]):
        meta = _acknowledged(flow, state.config.ack_delay_seconds)
        if _matches(meta, where):
            found.append(meta)
    page = found[start : start + limit]
    answer: dict[str, Any] = {"limit": limit, "filters": where, "results": page}
    if start + limit < len(found):
        answer["nextCursor"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return answer


def _matches(meta: dict[str, Any], where: dict[str, Any]) -> bool:
    for key in ("trackingId",):
        if key in where and meta.get(key) != where[key]:
            return False
    if "ackStatus" in where and meta["acknowledgement"]["status"] != where["ackStatus"]:
        return False
    for key in ("processingRule", "flowType", "flowDirection"):
        if key in where and meta.get(key) not in where[key]:
            return False
    if "updatedAfter" in where and not meta["updatedAt"] > where["updatedAfter"]:
        return False
    return not ("updatedBefore" in where and not meta["updatedAt"] < where["updatedBefore"])


def directory_search(state: PaState, body: dict[str, Any]) -> dict[str, Any]:
    filters = body.get("filters", {})
    results = []
    for line in state.lines:
        if _line_matches(line, filters):
            results.append(line.payload())
    return {"search": body, "totalNumberOfResults": len(results), "results": results}


def _line_matches(line: DirectoryLine, filters: dict[str, Any]) -> bool:
    for key, value in (
        ("siren", line.siren),
        ("siret", line.siret),
        ("routingIdentifier", line.routing),
        ("addressingIdentifier", line.address),
    ):
        wanted = filters.get(key)
        if not wanted:
            continue
        expected = str(wanted.get("value", ""))
        op = wanted.get("op", "strict")
        text = value or ""
        if op == "strict" and text != expected:
            return False
        if op == "startWith" and not text.startswith(expected):
            return False
        if op == "contains" and expected not in text:
            return False
    return True


class PaSimulator:
    """The server, on a free port of 127.0.0.1; ``flow_url``, ``directory_url`` and
    ``token_url`` are what a user types in the connection assistant."""

    def __init__(self, config: PaConfig | None = None, *, port: int = 0) -> None:
        self.state = PaState(config or PaConfig())
        self.state.load()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self.state))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def flow_url(self) -> str:
        return self.base_url + FLOW_PREFIX

    @property
    def directory_url(self) -> str:
        return self.base_url + DIRECTORY_PREFIX

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def start(self) -> PaSimulator:
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="pa-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler_for(state: PaState) -> type[BaseHTTPRequestHandler]:
    class Handler(_PaHandler):
        pa = state

    return Handler


class _PaHandler(BaseHTTPRequestHandler):
    pa: PaState
    protocol_version = "HTTP/1.1"
    server_version = "BordereauPA/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("PA simulée : " + format, *args)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise PaError(413, "FILE_SIZE_EXCEEDED", "Requête trop grande")
            body = self.rfile.read(length) if length else b""
            status, payload, headers = self._route(method, body)
        except PaError as exc:
            status, payload, headers = exc.status, exc.body, {}
        except Exception:  # an answer, never a dropped connection
            log.exception("PA simulée : erreur interne")
            status = 500
            payload = {"errorCode": "INTERNAL_ERROR", "errorMessage": "Internal error"}
            headers = {}
        if status == -1:  # the fault « answer lost after recording »
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        self._send(status, payload, headers)

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        if isinstance(payload, bytes):
            data, kind = payload, headers.pop("Content-Type", "application/octet-stream")
        elif payload is None:
            data, kind = b"", "application/json"
        else:
            data, kind = json.dumps(payload, ensure_ascii=False).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    # --- routing ----------------------------------------------------------------------------

    def _route(self, method: str, body: bytes) -> tuple[int, object, dict[str, str]]:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = unquote(url.path)
        if path == TOKEN_PATH and method == "POST":
            return 200, self._token(body), {}
        if path.startswith(ADMIN_PREFIX):
            return self._admin(method, path[len(ADMIN_PREFIX) :], body)
        for prefix, api in ((FLOW_PREFIX, flow_service()), (DIRECTORY_PREFIX, directory_service())):
            if path.startswith(prefix + "/"):
                return self._api(api, method, path[len(prefix) :], query, body)
        raise PaError(404, "NOT_FOUND", "Ressource inconnue")

    def _token(self, body: bytes) -> dict[str, Any]:
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            with contextlib.suppress(ValueError):
                client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        config = self.pa.config
        if form.get("grant_type") != "client_credentials":
            raise PaError(400, "unsupported_grant_type", "grant_type=client_credentials")
        if (client_id, secret) != (config.client_id, config.client_secret):
            raise PaError(401, "invalid_client", "Identifiant ou secret refusé")
        token = secrets.token_urlsafe(24)
        with self.pa.lock:
            self.pa.tokens[token] = time.monotonic() + TOKEN_LIFETIME
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME}

    def _authorised(self) -> None:
        header = self.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self.pa.lock:
            if self._fault("401") or self.pa.tokens.get(token, 0) < time.monotonic():
                raise PaError(401, "UNAUTHORIZED", "Jeton absent ou expiré")

    def _fault(self, name: str) -> bool:
        """A fault set by the admin: a count (the next N requests) or a probability."""
        level = self.pa.faults.get(name, 0)
        if level >= 1:
            self.pa.faults[name] = level - 1
            return True
        return bool(level) and secrets.randbelow(10_000) < level * 10_000

    def _api(
        self, api: OpenApi, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, object, dict[str, str]]:
        found = api.operation(method, path)
        if found is None:
            raise PaError(404, "NOT_FOUND", "Opération inconnue du contrat")
        operation, params = found
        if operation.operation_id != "getHealth":
            self._authorised()
        if self._fault("503"):
            raise PaError(503, "SERVICE_UNAVAILABLE", "Service indisponible")
        delay = self.pa.faults.get("slow_seconds", 0)
        if delay:
            time.sleep(delay)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip() or None
        parsed = self._body(kind, body)
        checked = parsed
        if isinstance(parsed, dict) and kind == "multipart/form-data":  # the file as binary
            checked = {
                name: "<binaire>" if isinstance(value, bytes) else value
                for name, value in parsed.items()
                if not name.startswith("_")
            }
        problems = api.check_request(
            operation, path_params=params, query=query, body=checked, content_type=kind
        )
        if problems:
            raise PaError(400, "INVALID_REQUEST", "; ".join(problems))
        with self.pa.lock:
            return self._operate(operation.operation_id, params, query, parsed)

    def _body(self, kind: str | None, body: bytes) -> object:
        if kind is None:
            return None
        if kind == "application/json":
            try:
                return json.loads(body or b"null")
            except ValueError as exc:
                raise PaError(400, "INVALID_JSON", f"JSON illisible : {exc}") from exc
        if kind == "multipart/form-data":
            return self._multipart(body)
        return body

    def _multipart(self, body: bytes) -> dict[str, Any]:
        header = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(header + body)
        if not message.is_multipart():
            raise PaError(400, "INVALID_MULTIPART", "Corps multipart illisible")
        parts: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            if name == "flowInfo":
                try:
                    parts["flowInfo"] = json.loads(content)
                except ValueError as exc:
                    raise PaError(400, "INVALID_JSON", f"flowInfo illisible : {exc}") from exc
            elif name == "file":
                parts["file"] = content
                parts["_file_name"] = part.get_filename() or ""
        return parts

    def _operate(
        self, operation: str, params: dict[str, str], query: dict[str, str], body: Any
    ) -> tuple[int, object, dict[str, str]]:
        state = self.pa
        if operation == "getHealth":
            return 200, None, {}
        if operation == "createFlow":
            answer = submit_flow(state, body["flowInfo"], body["file"])
            if self._fault("lose_after_record"):
                return -1, None, {}
            return 202, answer, {}
        if operation == "searchFlows":
            state.advance()
            return 200, search_flows(state, body), {}
        if operation == "getFlow":
            state.advance()
            flow = state.flows.get(params["flowId"])
            if flow is None:
                raise PaError(404, "NOT_FOUND", "Flux inconnu")
            meta = _acknowledged(flow, state.config.ack_delay_seconds)
            if query.get("docType", "Metadata") == "Metadata":
                return 200, meta, {}
            kind = "application/pdf" if flow.content.startswith(b"%PDF") else "application/xml"
            disposition = f"attachment;filename={meta['name']}"
            return 200, flow.content, {"Content-Type": kind, "Content-Disposition": disposition}
        if operation == "searchDirectoryLine":
            return 200, directory_search(state, body or {}), {}
        if operation == "getDirectoryLineById":
            address = params["addressing_identifier"]
            line = next((item for item in state.lines if item.address == address), None)
            if line is None:
                raise PaError(404, "NOT_FOUND", "Ligne d'annuaire inconnue")
            return 200, line.payload(), {}
        if operation == "getCompanyBySiren":
            line = next((item for item in state.lines if item.siren == params["siren"]), None)
            if line is None:
                raise PaError(404, "NOT_FOUND", "SIREN inconnu")
            return 200, {"siren": line.siren, "businessName": line.name}, {}
        raise PaError(501, "NOT_IMPLEMENTED", f"{operation} n'est pas simulé")

    # --- admin ------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: bytes) -> tuple[int, object, dict[str, str]]:
        host = self.client_address[0]
        if host not in LOOPBACK or self.headers.get(ADMIN_HEADER) != self.pa.config.admin_token:
            raise PaError(403, "FORBIDDEN", "Administration réservée à ce poste")
        if "Origin" in self.headers:  # a web page's request
            raise PaError(403, "FORBIDDEN", "Administration réservée à ce poste")
        data = json.loads(body or b"{}")
        with self.pa.lock:
            if path == "/faults" and method == "POST":
                self.pa.faults.update({str(k): float(v) for k, v in data.items()})
                return 200, dict(self.pa.faults), {}
            if path == "/directory" and method == "POST":
                self.pa.lines.append(
                    DirectoryLine(
                        str(data["siren"]),
                        data.get("siret"),
                        data.get("routing"),
                        str(data.get("status", "Enabled")),
                        str(data.get("name", "")),
                    )
                )
                return 200, {"lines": len(self.pa.lines)}, {}
            if path == "/lifecycle" and method == "POST":
                invoice = self.pa.invoice_flow(str(data.get("number", "")))
                if invoice is None:
                    raise PaError(404, "NOT_FOUND", "Aucune facture reçue sous ce numéro")
                meta = self.pa.add_status(
                    invoice,
                    str(data["code"]),
                    reason=data.get("reason"),
                    comment=data.get("comment"),
                )
                return 200, meta, {}
            if path == "/incoming" and method == "POST":  # a supplier's invoice arrives
                content = base64.b64decode(str(data["content"]))
                return (
                    200,
                    self.pa.add_incoming(
                        str(data["name"]), str(data["syntax"]), content, str(data.get("number", ""))
                    ),
                    {},
                )
            if path == "/supplier-status" and method == "POST":  # the seller's own status
                incoming = self.pa.incoming_flow(str(data.get("number", "")))
                if incoming is None or incoming.incoming_facts is None:
                    raise PaError(404, "NOT_FOUND", "Aucune facture reçue sous ce numéro")
                meta = self.pa.add_supplier_status(
                    incoming, str(data["code"]), comment=data.get("comment")
                )
                return 200, meta, {}
            if path == "/flows" and method == "GET":
                return 200, [flow.meta for flow in self.pa.flows.values()], {}
        raise PaError(404, "NOT_FOUND", "Administration : inconnu")


# The demo directory: the demo supplier, companies the demo invoices go to, and one company
# whose line is disabled (it cannot receive electronic invoices yet).
UNREACHABLE_DEMO_SIREN = "552100554"


def seed_demo_incoming(state: PaState) -> None:
    """The demo's suppliers' invoices, delivered once (kept in the state file after)."""
    from datetime import date

    from app.simulator.pa_incoming import demo_invoices
    from app.simulator.seed import DEMO_SUPPLIER_SIRET

    with state.lock:
        if any(flow.incoming_number for flow in state.flows.values()):
            return
        for name, syntax, content in demo_invoices(
            "ATELIER MARTIN", DEMO_SUPPLIER_SIRET[:9], date.today()
        ):
            state.add_incoming(name, syntax, content, name.rsplit(".", 1)[0].removesuffix("-bis"))


def seed_demo_directory(state: PaState) -> None:
    from app.simulator.seed import DEMO_SUPPLIER_SIRET

    state.lines += [
        DirectoryLine(DEMO_SUPPLIER_SIRET[:9], name="ATELIER MARTIN"),
        DirectoryLine("443061841", name="SARL Les Tilleuls"),
        DirectoryLine("443061841", "44306184100015", "COMPTA", name="SARL Les Tilleuls"),
        DirectoryLine("356000000", name="La Poste"),
        DirectoryLine(UNREACHABLE_DEMO_SIREN, status="Disabled", name="Boulangerie Dupain"),
    ]
