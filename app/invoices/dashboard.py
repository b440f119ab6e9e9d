"""Tableau de bord: where the money stands, when it should come, and what is late."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import selectinload

from app.db import models
from app.db.engine import Database
from app.domain.lifecycle import DISPUTE_CODES, LIFECYCLE, lifecycle_of
from app.domain.money import ZERO
from app.domain.statuses import InvoiceStatus, StatusGroup
from app.invoices.listing import InvoiceSummary, summarize
from app.invoices.rows import WorkCategory
from app.invoices.views import work_condition
from app.payments.deadline import LATE_INTEREST_CLAIM_DAYS
from app.payments.rates import RateTable

C = models.Invoice.__table__.c
MONTHS = 12
AWAITING_PAYMENT = frozenset(
    status.value
    for status in InvoiceStatus
    if status.group is StatusGroup.EN_COURS
    or status.value in {InvoiceStatus.SUSPENDUE, InvoiceStatus.A_COMPLETER}
) | frozenset(
    item.status
    for item in LIFECYCLE.values()
    if item.group is StatusGroup.EN_COURS or item.code in DISPUTE_CODES
)


def status_group(status: str) -> StatusGroup:
    """Platform statuses by their group; the local « En attente d'envoi » with drafts."""
    lifecycle = lifecycle_of(status)
    if lifecycle is not None:
        return lifecycle.group
    try:
        return InvoiceStatus(status).group
    except ValueError:
        return StatusGroup.BROUILLON


@dataclass(frozen=True, slots=True)
class GroupTotal:
    group: StatusGroup
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: date  # its first day
    amounts: dict[StatusGroup, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass(slots=True)
class Dashboard:
    today: date
    groups: dict[StatusGroup, GroupTotal] = field(default_factory=dict)
    months: list[MonthTotal] = field(default_factory=list)
    expected: list[InvoiceSummary] = field(default_factory=list)  # not yet due, by due date
    late: list[InvoiceSummary] = field(default_factory=list)  # most owed first
    # What the Synthèse lists (drafts, waiting, to recycle, suspended, rejections not yet
    # treated and recent enough): the « À traiter » card counts exactly these.
    to_do: GroupTotal = field(default_factory=lambda: GroupTotal(StatusGroup.A_TRAITER, 0, ZERO))

    @property
    def owed(self) -> Decimal:
        return sum((item.schedule.owed for item in self.late), ZERO)

    @property
    def unpaid_late(self) -> list[InvoiceSummary]:
        return [item for item in self.late if item.schedule.paid_on is None]

    def group(self, group: StatusGroup) -> GroupTotal:
        return self.groups.get(group, GroupTotal(group, 0, ZERO))


def _month_start(day: date, months_back: int) -> date:
    month = day.year * 12 + day.month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def build_dashboard(
    database: Database,
    environment: str,
    *,
    today: date,
    rates: RateTable,
    hide_rejected_before: datetime | None = None,
) -> Dashboard:
    board = Dashboard(today=today)
    here = C.environment == environment
    first_month = _month_start(today, MONTHS - 1)
    with database.engine.connect() as connection:
        work = or_(*(work_condition(c, hide_rejected_before) for c in WorkCategory))
        count, amount = connection.execute(
            select(func.count(), func.sum(C.total_ttc)).where(here, work)
        ).one()
        board.to_do = GroupTotal(StatusGroup.A_TRAITER, int(count), amount or ZERO)
        # sum() keeps the column's type: the totals come back as Decimal euros.
        counts: dict[StatusGroup, tuple[int, Decimal]] = {}
        for status, count, amount in connection.execute(
            select(C.status, func.count(), func.sum(C.total_ttc)).where(here).group_by(C.status)
        ):
            seen, total = counts.get(status_group(status), (0, ZERO))
            counts[status_group(status)] = (seen + int(count), total + (amount or ZERO))
        board.groups = {
            group: GroupTotal(group, count, amount) for group, (count, amount) in counts.items()
        }
        by_month: dict[date, dict[StatusGroup, Decimal]] = {
            _month_start(today, back): {} for back in range(MONTHS - 1, -1, -1)
        }
        year, month = extract("year", C.deposit_date), extract("month", C.deposit_date)
        for year_number, month_number, status, amount in connection.execute(
            select(year, month, C.status, func.sum(C.total_ttc))
            .where(here, C.deposit_date >= first_month)
            .group_by(year, month, C.status)
        ):
            year_number, number = int(year_number), int(month_number)
            amounts = by_month.setdefault(date(year_number, number, 1), {})
            group = status_group(status)
            amounts[group] = amounts.get(group, ZERO) + (amount or ZERO)
    board.months = [MonthTotal(start, amounts) for start, amounts in sorted(by_month.items())]
    _schedules(database, environment, board, rates)
    return board


def _schedules(database: Database, environment: str, board: Dashboard, rates: RateTable) -> None:
    """Payment deadlines of the invoices awaiting payment, and of those paid lately."""
    paid_since = board.today - timedelta(days=LATE_INTEREST_CLAIM_DAYS)
    query = (
        select(models.Invoice)
        .where(
            models.Invoice.environment == environment,
            (models.Invoice.status.in_(AWAITING_PAYMENT))
            | (
                (models.Invoice.status == InvoiceStatus.MISE_EN_PAIEMENT.value)
                & (models.Invoice.deposit_date >= paid_since)
            ),
        )
        .options(selectinload(models.Invoice.history))
    )
    with database.session() as session:
        summaries = [summarize(row, board.today, rates) for row in session.scalars(query)]
    board.expected = sorted(
        (
            item
            for item in summaries
            if item.schedule.due_on is not None
            and item.schedule.paid_on is None
            and not item.schedule.is_late
        ),
        key=lambda item: (item.schedule.due_on or board.today, item.number),
    )
    board.late = sorted(
        (item for item in summaries if item.schedule.is_late),
        key=lambda item: (item.schedule.paid_on is not None, -item.schedule.owed),
    )
