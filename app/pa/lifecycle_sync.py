"""What became of the invoices sent through the Plateforme Agréée: the lifecycle flows
(CDAR, ``CustomerInvoiceLC`` coming in) read since the last sync, each status recorded in
the invoice's history once, and the platform's acknowledgement of each invoice flow (an
« Error » is the platform's rejection, 213)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db import models
from app.db.engine import Database
from app.db.shared import set_shared_setting, shared_setting
from app.domain.lifecycle import DEPOSEE, REJETEE, pa_status, reason_label
from app.errors import ValidationProblem
from app.pa.cdar import LifecycleMessage, read_statuses
from app.pa.client import PaClient
from app.pa.sending import acknowledgement_reason
from app.sync.invoices import StatusChange

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
OVERLAP = timedelta(minutes=10)  # flows updated around the last sync are read again
SINCE_SETTING = "pa_lifecycle_since:{environment}"


@dataclass(slots=True)
class LifecycleReport:
    flows_read: int = 0
    changes: list[StatusChange] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # statuses about invoices not sent here


def _since(database: Database, environment: str) -> str | None:
    stored = shared_setting(database, SINCE_SETTING.format(environment=environment))
    return str(stored) if stored else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sync_lifecycle(
    database: Database, client: PaClient, environment: str, progress: Progress | None = None
) -> LifecycleReport:
    report = LifecycleReport()
    say = progress or (lambda _message: None)
    started = datetime.now(UTC)
    _check_acknowledgements(database, client, environment, report)
    where: dict[str, object] = {"flowType": ["CustomerInvoiceLC"], "flowDirection": ["In"]}
    since = _since(database, environment)
    if since:
        where["updatedAfter"] = since
    say("Lecture des statuts de la plateforme agréée")
    for flow in client.search(where):
        report.flows_read += 1
        try:
            messages = read_statuses(client.flow_file(str(flow["flowId"])))
        except ValidationProblem as exc:
            log.warning("Statut illisible (flux %s) : %s", flow.get("flowId"), exc.message)
            continue
        for message in messages:
            _record(database, environment, message, report)
    set_shared_setting(
        database, SINCE_SETTING.format(environment=environment), _iso(started - OVERLAP)
    )
    return report


def _check_acknowledgements(
    database: Database, client: PaClient, environment: str, report: LifecycleReport
) -> None:
    """Invoices « Déposée » whose flow the platform has since refused."""
    with database.session() as session:
        waiting = session.execute(
            select(models.Invoice.id, models.Invoice.pa_flow_id).where(
                models.Invoice.environment == environment,
                models.Invoice.channel == "pa",
                models.Invoice.status == pa_status(DEPOSEE),
                models.Invoice.pa_flow_id.is_not(None),
            )
        ).all()
    for invoice_id, flow_id in waiting:
        flow = client.flow(str(flow_id))
        if (flow.get("acknowledgement") or {}).get("status") != "Error":
            continue
        reason = acknowledgement_reason(flow)
        _set_status(
            database, invoice_id, REJETEE, datetime.now(UTC), reason, "la plateforme", report
        )


def _record(
    database: Database, environment: str, message: LifecycleMessage, report: LifecycleReport
) -> None:
    with database.session() as session:
        invoice_id = session.scalar(
            select(models.Invoice.id)
            .where(
                models.Invoice.environment == environment,
                models.Invoice.channel == "pa",
                models.Invoice.number == message.invoice_number,
            )
            .order_by(models.Invoice.id.desc())
            .limit(1)
        )
    if invoice_id is None:
        report.unknown.append(message.invoice_number)
        return
    comment = " — ".join(part for part in (reason_label(message.reason), message.comment) if part)
    who = message.buyer.name if message.code not in ("202", "203") else "la plateforme"
    _set_status(database, invoice_id, message.code, message.at, comment or None, who, report)


def _set_status(
    database: Database,
    invoice_id: int,
    code: str,
    at: datetime,
    comment: str | None,
    who: str,
    report: LifecycleReport,
) -> None:
    """The status in the history once; the invoice's current status when it is the latest."""
    status = pa_status(code)
    with database.session() as session:
        row = session.get(models.Invoice, invoice_id)
        assert row is not None
        if any(line.status == status and _same(line.occurred_at, at) for line in row.history):
            return
        row.history.append(
            models.StatusHistory(
                status=status, occurred_at=at, comment=comment, source="pa", actor=who
            )
        )
        previous = row.status
        # CDAR times are to the second: a status of the same second as the current one is
        # newer (the platform gives the flows in the order they came)
        latest = row.status_at is None or _aware(row.status_at) - timedelta(seconds=1) <= at
        if latest and previous != status:
            row.status, row.status_at, row.status_comment = status, at, comment
            report.changes.append(
                StatusChange(row.id, row.number, row.recipient_name or "", previous, status, "pa")
            )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _same(left: datetime, right: datetime) -> bool:
    return abs((_aware(left) - _aware(right)).total_seconds()) < 1
