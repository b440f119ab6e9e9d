"""What arrived at the Plateforme Agréée since the last look: the incoming invoice flows
(``flowDirection`` In, ``flowType`` SupplierInvoice), their original files fetched and kept
once each (``store.keep``), and the suppliers' later statuses are not theirs to send — only
the user answers them (``answers.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db.engine import Database
from app.db.shared import set_shared_setting, shared_setting
from app.pa.client import PaClient, PaError
from app.receiving.store import Arrival, archive_missing, keep, received_id_of_flow

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
OVERLAP = timedelta(minutes=10)
SINCE_SETTING = "pa_received_since:{environment}"


@dataclass(slots=True)
class ReceivingReport:
    flows_seen: int = 0
    new: list[int] = field(default_factory=list)  # received invoices' rows
    errors: list[str] = field(default_factory=list)


def _moment(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fetch_received(
    database: Database,
    client: PaClient,
    environment: str,
    archive_root: Path,
    user_siren: str | None,
    progress: Progress | None = None,
) -> ReceivingReport:
    say = progress or (lambda _message: None)
    report = ReceivingReport()
    started = datetime.now(UTC)
    where: dict[str, object] = {"flowType": ["SupplierInvoice"], "flowDirection": ["In"]}
    mark = SINCE_SETTING.format(environment=environment)
    since = shared_setting(database, mark)
    if since:
        where["updatedAfter"] = str(since)
    say("Recherche des factures reçues")
    flows = client.search(where)
    for position, flow in enumerate(flows, start=1):
        report.flows_seen += 1
        flow_id = str(flow.get("flowId") or "")
        acknowledgement = flow.get("acknowledgement") or {}
        if not flow_id or (
            isinstance(acknowledgement, dict) and acknowledgement.get("status") == "Error"
        ):
            continue  # a flow the platform itself refused is not delivered
        if received_id_of_flow(database, environment, flow_id) is not None:
            continue
        say(f"Facture reçue {position}/{len(flows)} : téléchargement")
        try:
            content = client.flow_file(flow_id)
        except PaError as exc:
            report.errors.append(f"{flow_id} : {exc.message}")
            log.warning("Facture reçue %s non téléchargée : %s", flow_id, exc.message)
            continue
        arrival = Arrival(
            flow_id,
            str(flow.get("name") or ""),
            content,
            _moment(flow.get("submittedAt") or flow.get("updatedAt") or ""),
        )
        received_id, new = keep(database, environment, arrival, archive_root, user_siren)
        if new:
            report.new.append(received_id)
    if not report.errors:
        set_shared_setting(
            database,
            mark,
            (started - OVERLAP).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )
    archive_missing(database, archive_root)
    return report
