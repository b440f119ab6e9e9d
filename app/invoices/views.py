"""The invoice lists of Synthèse and Rechercher, quick on 100 000 invoices.

A list is first the ordered ids of the invoices that match (one SQL query on indexed columns);
the rows themselves are read a page at a time, when the view scrolls to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from app.db import models
from app.db.engine import Database
from app.domain.identifiers import STATE_SIRET
from app.domain.text import fold
from app.invoices.rows import (
    Criteria,
    InvoiceRow,
    RecipientScope,
    SortKey,
    WorkCategory,
)

INVOICES = models.Invoice.__table__
C = INVOICES.c


SORT_COLUMNS: dict[SortKey, ColumnElement[Any]] = {
    SortKey.TYPE: C.invoice_type,
    SortKey.RECIPIENT: C.recipient_name,
    SortKey.SERVICE: C.code_service,
    SortKey.NUMBER: C.number,
    SortKey.ISSUE_DATE: C.issue_date,
    SortKey.DEPOSIT_DATE: C.deposit_date,
    SortKey.STATUS: C.status,  # codes sort nearly as their labels, and use an index
    SortKey.STATUS_AT: C.status_at,
    SortKey.TOTAL_HT: C.total_ht,
    SortKey.TOTAL_TTC: C.total_ttc,
    SortKey.ENGAGEMENT: C.engagement_number,
}


ROW_COLUMNS = (
    C.id,
    C.number,
    C.invoice_type,
    C.cadre,
    C.recipient_name,
    C.recipient_siret,
    C.code_service,
    C.engagement_number,
    C.issue_date,
    C.deposit_date,
    C.status,
    C.status_at,
    C.status_comment,
    C.total_ht,
    C.total_ttc,
    C.rejection_acknowledged,
    C.chorus_invoice_id,
    C.channel,
    C.pa_flow_id,
    C.source_file_sha256,
)


def _row(values: Any) -> InvoiceRow:
    found = values._mapping
    return InvoiceRow(
        id=found["id"],
        number=found["number"],
        invoice_type=found["invoice_type"],
        cadre=found["cadre"],
        recipient_name=found["recipient_name"] or "",
        recipient_siret=found["recipient_siret"],
        code_service=found["code_service"],
        engagement_number=found["engagement_number"],
        issue_date=found["issue_date"],
        deposit_date=found["deposit_date"],
        status=found["status"],
        status_at=found["status_at"],
        status_comment=found["status_comment"],
        total_ht=found["total_ht"],
        total_ttc=found["total_ttc"],
        rejection_acknowledged=bool(found["rejection_acknowledged"]),
        chorus_invoice_id=found["chorus_invoice_id"],
        channel=found["channel"],
        pa_flow_id=found["pa_flow_id"],
        has_file=found["source_file_sha256"] is not None,
    )


def _pending_rejection(hide_before: datetime | None) -> Any:
    """A rejection stays in the Synthèse until acknowledged (or older than ``hide_before``)."""
    condition: Any = C.rejection_acknowledged.is_(false())
    if hide_before is not None:
        condition = and_(condition, or_(C.status_at.is_(None), C.status_at >= hide_before))
    return condition


def work_condition(category: WorkCategory, hide_before: datetime | None) -> Any:
    """The SQL condition of a Synthèse category (the dashboard counts with it too)."""
    condition: Any = C.status.in_(category.statuses)
    if category is WorkCategory.REJECTED:
        condition = and_(condition, _pending_rejection(hide_before))
    return condition


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(environment: str, criteria: Criteria) -> list[Any]:
    where: list[Any] = [C.environment == environment]
    for word in fold(criteria.text).split():
        where.append(C.search_text.like(_like(word), escape="\\"))
    if criteria.recipient_scope is RecipientScope.STATE:
        where.append(C.recipient_siret == STATE_SIRET)
    elif criteria.recipient_scope is RecipientScope.OTHERS:
        where.append(C.recipient_siret != STATE_SIRET)
    for column, value in (
        (C.invoice_type, criteria.invoice_type),
        (C.recipient_siret, criteria.recipient_siret),
        (C.code_service, criteria.code_service),
        (C.cadre, criteria.cadre),
    ):
        if value:
            where.append(column == value)
    for column, low, high in (
        (C.issue_date, criteria.issue_from, criteria.issue_to),
        (C.deposit_date, criteria.deposit_from, criteria.deposit_to),
        (C.total_ttc, criteria.amount_min, criteria.amount_max),
    ):
        if low is not None:
            where.append(column >= low)
        if high is not None:
            where.append(column <= high)
    if criteria.statuses:
        where.append(C.status.in_(criteria.statuses))
    if criteria.number.strip():
        where.append(C.number.like(_like(criteria.number.strip()), escape="\\"))
    if criteria.work:
        # One IN on the status index, then the rejections already dealt with left out.
        wanted = [status for category in criteria.work for status in category.statuses]
        where.append(C.status.in_(wanted))
        if WorkCategory.REJECTED in criteria.work:
            rejected = WorkCategory.REJECTED.statuses
            where.append(
                or_(C.status.not_in(rejected), _pending_rejection(criteria.hide_rejected_before))
            )
    return where


@dataclass(slots=True)
class Choices:
    """What the filters offer: the recipients and services met in the user's invoices."""

    recipients: list[tuple[str, str]] = field(default_factory=list)  # (siret, name)
    services: list[str] = field(default_factory=list)


class InvoiceViews:
    def __init__(self, database: Database, environment: str) -> None:
        self.database = database
        self.environment = environment

    def ids(
        self,
        criteria: Criteria,
        sort: SortKey = SortKey.DEPOSIT_DATE,
        descending: bool = True,
    ) -> list[int]:
        """The ids of the matching invoices, in order. Each sort column has its index (SQLite
        puts empty values first when ascending); ties keep the index's order."""
        column: Any = SORT_COLUMNS[sort]
        if criteria.work or criteria.statuses:
            # Few invoices have these statuses: SQLite must find them by status and sort them,
            # not walk the sort column's index (coalesce(x, NULL) is x, but hides the index).
            column = func.coalesce(column, None)
        ordered = column.desc() if descending else column.asc()
        if self.database.engine.dialect.name != "sqlite":
            # Empty values first when ascending, as SQLite does (PostgreSQL puts them last).
            ordered = ordered.nulls_last() if descending else ordered.nulls_first()
        order = [ordered]
        if sort is not SortKey.STATUS:  # the status index holds more columns before the id
            order.append(C.id.desc() if descending else C.id.asc())
        query = select(C.id).where(*conditions(self.environment, criteria)).order_by(*order)
        with self.database.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def rows(self, ids: Sequence[int]) -> dict[int, InvoiceRow]:
        """The rows of ``ids`` (a page of a list), by id."""
        if not ids:
            return {}
        query = select(*ROW_COLUMNS).where(C.id.in_(list(ids)))
        with self.database.engine.connect() as connection:
            return {values[0]: _row(values) for values in connection.execute(query)}

    def work_counts(self, criteria: Criteria) -> dict[WorkCategory, int]:
        """How many invoices each Synthèse category holds (the other criteria applied)."""
        counts = dict.fromkeys(WorkCategory, 0)
        base = conditions(self.environment, replace(criteria, work=()))
        with self.database.engine.connect() as connection:
            for category in WorkCategory:
                query = select(func.count()).where(
                    *base, work_condition(category, criteria.hide_rejected_before)
                )
                counts[category] = int(connection.execute(query).scalar_one())
        return counts

    def choices(self) -> Choices:
        here = C.environment == self.environment
        with self.database.engine.connect() as connection:
            recipients = connection.execute(
                select(C.recipient_siret, func.max(C.recipient_name))
                .where(here, C.recipient_siret != "")
                .group_by(C.recipient_siret)
            ).all()
            services = connection.execute(
                select(C.code_service).where(here, C.code_service.is_not(None)).distinct()
            ).scalars()
            return Choices(
                recipients=sorted(
                    ((siret, name or siret) for siret, name in recipients),
                    key=lambda item: fold(item[1]),
                ),
                services=sorted(str(value) for value in services if value),
            )
