"""Everything the simulated platform holds, and how it is saved with ``--state FILE``."""

from __future__ import annotations

import base64
import heapq
import json
import logging
import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.identifiers import vat_number_of
from app.files import write_atomically
from app.simulator.faults import FaultPlan
from app.simulator.seed import (
    DEMO_SUPPLIER_NAME,
    DEMO_SUPPLIER_SIRET,
    SimService,
    SimStructure,
    seed_directory,
)

log = logging.getLogger(__name__)

STATE_FORMAT = 1
SUPPLIER_ID = 9001
PASSWORD_LIFETIME = timedelta(days=180)


def fresh_id_base() -> int:
    """Where a new platform starts numbering: from the clock (a million ids a second, still
    below 2⁵³), so a platform started again from nothing (its state file deleted) never gives
    out an id it gave before — the real Chorus Pro never reuses one."""
    return int(time.time()) * 1_000_000


DEFAULT_CLIENT_ID = "bordereau-demo"
DEFAULT_CLIENT_SECRET = "demo-secret"
DEFAULT_LOGIN = "TECH_1_DEMO@cpro.fr"
DEFAULT_PASSWORD = "demo-password"


class SimClock:
    """Real time plus an offset that the admin interface can advance."""

    def __init__(self, offset: timedelta | None = None) -> None:
        self._offset = offset or timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset


@dataclass(slots=True)
class SimulatorConfig:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    login: str = DEFAULT_LOGIN
    password: str = DEFAULT_PASSWORD
    supplier_siret: str = DEMO_SUPPLIER_SIRET
    supplier_name: str = DEMO_SUPPLIER_NAME
    seed: int = 0
    state_file: Path | None = None
    # how long Chorus Pro takes to integrate a deposited flux (the demo answers sooner)
    flux_settle_seconds: float = 30.0

    def __repr__(self) -> str:
        return f"SimulatorConfig(login={self.login!r}, supplier_siret={self.supplier_siret!r})"


@dataclass(slots=True)
class SimAttachment:
    id: int
    name: str
    mime: str
    extension: str
    content_b64: str
    size: int
    created: datetime


@dataclass(slots=True)
class HistoryEntry:
    id: int
    code: str
    at: datetime  # the date the buyer's system gives for the change (may be in the past)
    comment: str | None = None


@dataclass(slots=True)
class PlannedStep:
    delay_seconds: float
    status: str
    comment: str | None = None
    backdate_seconds: float = 0.0  # reported late: dated before it arrives


@dataclass(slots=True)
class SimInvoice:
    id: int
    number: str
    chorus_number: str
    supplier_id: int
    recipient_id: int
    service_id: int | None
    mode_depot: str
    cadre: str
    type_facture: str
    type_tva: str
    date_facture: str
    currency: str
    total_ht: Decimal
    total_tva: Decimal
    total_ttc: Decimal
    amount_due: Decimal
    payment_mode: str
    deposited_at: datetime
    status: str
    status_at: datetime
    engagement: str | None = None
    contract: str | None = None
    origin_number: str | None = None
    exemption_reason: str | None = None
    validator_siret: str | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    vat_lines: list[dict[str, Any]] = field(default_factory=list)
    main_attachment_id: int | None = None
    other_attachment_ids: list[int] = field(default_factory=list)
    comment: str | None = None
    status_comment: str | None = None
    rejet_traite: bool = False
    history: list[HistoryEntry] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    flux_number: str | None = None
    behaviour: str = ""
    plan: list[PlannedStep] = field(default_factory=list)
    next_due: datetime | None = None
    generation: int = 0


@dataclass(slots=True)
class SimFlux:
    number: str
    file_name: str
    syntax: str
    deposited_at: datetime
    final_state: str
    invoice_ids: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    technical_errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class SimulatorState:
    config: SimulatorConfig
    clock: SimClock = field(default_factory=SimClock)
    tokens: dict[str, datetime] = field(default_factory=dict)
    directory: list[SimStructure] = field(default_factory=seed_directory)
    supplier: SimStructure = field(init=False)
    password_expires_at: datetime = field(init=False)
    invoices: dict[int, SimInvoice] = field(default_factory=dict)
    numbers: dict[tuple[int, str], int] = field(default_factory=dict)
    attachments: dict[int, SimAttachment] = field(default_factory=dict)
    drafts: dict[int, int] = field(default_factory=dict)  # deposer/pdf attachment → invoice
    deposit_order: list[int] = field(default_factory=list)  # ids, oldest deposit first
    fluxes: dict[str, SimFlux] = field(default_factory=dict)
    soumettre_calls: dict[str, int] = field(default_factory=dict)
    resubmitted_numbers: list[str] = field(default_factory=list)  # sent again once recorded
    faults: FaultPlan = field(default_factory=FaultPlan)
    next_behaviours: list[str] = field(default_factory=list)
    next_flux_endings: list[str] = field(default_factory=list)  # admin: how the next fluxes end
    # admin: how an empty search answers (codeRetour, libelle); codeRetour 0 is an empty list
    no_result_answer: tuple[int, str] | None = None
    # admin: the form of soumettre's pieceJointePrincipale taken ("les_deux", "objet", "liste")
    main_attachment_form: str = "les_deux"
    next_invoice_id: int = field(default_factory=fresh_id_base)
    next_attachment_id: int = field(default_factory=fresh_id_base)
    next_history_id: int = 1
    lock: threading.RLock = field(default_factory=threading.RLock)
    rng: random.Random = field(init=False)
    _by_id: dict[int, SimStructure] = field(default_factory=dict)
    _due: list[tuple[datetime, int, int, int]] = field(default_factory=list)
    _due_seq: int = 0
    dirty: bool = False

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)
        self.supplier = SimStructure(
            SUPPLIER_ID,
            self.config.supplier_siret,
            self.config.supplier_name.upper(),
            "69007",
            "LYON",
            public=False,
            address="12 rue de Marseille",
            vat_number=vat_number_of(self.config.supplier_siret),
            services=[],
        )
        self.password_expires_at = self.clock.now() + PASSWORD_LIFETIME

    # --- lookups -----------------------------------------------------------------------------

    def all_structures(self) -> list[SimStructure]:
        return [*self.directory, self.supplier]

    def structure_by_id(self, id_structure: int) -> SimStructure | None:
        if len(self._by_id) != len(self.directory) + 1:
            self._by_id = {item.id: item for item in self.all_structures()}
        return self._by_id.get(id_structure)

    def structure_by_siret(self, siret: str) -> SimStructure | None:
        return next((item for item in self.all_structures() if item.siret == siret), None)

    @staticmethod
    def service_by_code(structure: SimStructure, code: str) -> SimService | None:
        return next((item for item in structure.services if item.code == code), None)

    @staticmethod
    def service_by_id(structure: SimStructure, id_service: int | None) -> SimService | None:
        return next((item for item in structure.services if item.id == id_service), None)

    # --- ids -----------------------------------------------------------------------------------

    def new_invoice_id(self) -> int:
        self.next_invoice_id += 1
        return self.next_invoice_id

    def new_attachment_id(self) -> int:
        self.next_attachment_id += 1
        return self.next_attachment_id

    # --- status changes ------------------------------------------------------------------------

    def record_status(
        self,
        invoice: SimInvoice,
        code: str,
        *,
        comment: str | None = None,
        arrived: datetime | None = None,
        dated: datetime | None = None,
    ) -> None:
        """``arrived``: when the platform learnt it (the current status's date);
        ``dated``: the date the buyer's system gave it in the history."""
        arrived = arrived or self.clock.now()
        entry = HistoryEntry(self.next_history_id, code, dated or arrived, comment)
        invoice.history.append(entry)
        self.next_history_id += 1
        invoice.status = code
        invoice.status_at = arrived
        invoice.status_comment = comment
        self.dirty = True

    def schedule(self, invoice: SimInvoice, steps: list[PlannedStep]) -> None:
        """Replace the invoice's remaining buyer steps; the first one becomes due."""
        invoice.plan = list(steps)
        invoice.generation += 1
        self._arm(invoice, self.clock.now())

    def _arm(self, invoice: SimInvoice, start: datetime) -> None:
        if not invoice.plan:
            invoice.next_due = None
            return
        invoice.next_due = start + timedelta(seconds=invoice.plan[0].delay_seconds)
        self._due_seq += 1
        heapq.heappush(self._due, (invoice.next_due, self._due_seq, invoice.id, invoice.generation))

    def apply_next_step(self, invoice: SimInvoice, *, forced: bool = False) -> bool:
        if not invoice.plan:
            return False
        step = invoice.plan.pop(0)
        due = self.clock.now() if forced or invoice.next_due is None else invoice.next_due
        self.record_status(
            invoice,
            step.status,
            comment=step.comment,
            arrived=due,
            dated=due - timedelta(seconds=step.backdate_seconds),
        )
        invoice.generation += 1
        self._arm(invoice, due)
        return True

    def catch_up(self) -> int:
        """Apply every buyer step that is due by the simulated clock."""
        now = self.clock.now()
        applied = 0
        while self._due and self._due[0][0] <= now:
            _due, _seq, invoice_id, generation = heapq.heappop(self._due)
            invoice = self.invoices.get(invoice_id)
            if invoice is None or invoice.generation != generation:
                continue
            applied += self.apply_next_step(invoice)
        return applied

    def rebuild_schedule(self) -> None:
        self._due = []
        for invoice in self.invoices.values():
            if invoice.plan and invoice.next_due is not None:
                self._due_seq += 1
                heapq.heappush(
                    self._due, (invoice.next_due, self._due_seq, invoice.id, invoice.generation)
                )

    # --- persistence -----------------------------------------------------------------------

    def save_if_dirty(self) -> None:
        if self.dirty and self.config.state_file is not None:
            save_state(self, self.config.state_file)
        self.dirty = False


# --- (de)serialisation -------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$dec" in value:
            return Decimal(value["$dec"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def _invoice_from(data: dict[str, Any]) -> SimInvoice:
    known = {item.name for item in fields(SimInvoice)}
    values = {key: value for key, value in _decode(data).items() if key in known}
    values["history"] = [HistoryEntry(**entry) for entry in values.get("history", [])]
    values["plan"] = [PlannedStep(**step) for step in values.get("plan", [])]
    return SimInvoice(**values)


def save_state(state: SimulatorState, path: Path) -> None:
    payload = {
        "format": STATE_FORMAT,
        "clock_offset_seconds": state.clock.offset.total_seconds(),
        "password_expires_at": state.password_expires_at.isoformat(),
        "next_invoice_id": state.next_invoice_id,
        "next_attachment_id": state.next_attachment_id,
        "next_history_id": state.next_history_id,
        "invoices": [_encode(asdict(item)) for item in state.invoices.values()],
        "attachments": [_encode(asdict(item)) for item in state.attachments.values()],
        "drafts": {str(key): value for key, value in state.drafts.items()},
        "fluxes": [_encode(asdict(item)) for item in state.fluxes.values()],
    }
    write_atomically(path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def load_state(state: SimulatorState, path: Path) -> None:
    """Fill ``state`` from a file written by :func:`save_state` (a missing file is a fresh
    start; an unreadable one is kept aside and replaced)."""
    if not path.exists():
        return
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != STATE_FORMAT:
            raise ValueError(f"format {payload.get('format')!r}")
        invoices = [_invoice_from(item) for item in payload["invoices"]]
        attachments = [SimAttachment(**_decode(item)) for item in payload["attachments"]]
        fluxes = [SimFlux(**_decode(item)) for item in payload.get("fluxes", [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        aside = path.with_suffix(path.suffix + ".illisible")
        log.warning("État du simulateur illisible (%s) ; mis de côté dans %s", exc, aside)
        path.replace(aside)
        return
    state.clock = SimClock(timedelta(seconds=payload.get("clock_offset_seconds", 0)))
    state.password_expires_at = datetime.fromisoformat(payload["password_expires_at"])
    state.next_invoice_id = payload["next_invoice_id"]
    state.next_attachment_id = payload["next_attachment_id"]
    state.next_history_id = payload["next_history_id"]
    state.invoices = {item.id: item for item in invoices}
    state.numbers = {(i.supplier_id, i.number): i.id for i in invoices if i.number}
    state.deposit_order = [
        i.id for i in sorted(invoices, key=lambda i: (i.deposited_at, i.id)) if i.number
    ]
    state.attachments = {item.id: item for item in attachments}
    state.drafts = {int(key): value for key, value in payload.get("drafts", {}).items()}
    state.fluxes = {item.number: item for item in fluxes}
    state.rebuild_schedule()


def attachment_bytes(attachment: SimAttachment) -> bytes:
    return base64.b64decode(attachment.content_b64)
