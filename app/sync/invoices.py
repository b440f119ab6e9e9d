"""One synchronisation: what moved on Chorus Pro since the last one.

``rechercher/fournisseur`` with the date of the current status since a few days before the
last sync (all pages) lists the invoices that moved; a periodic re-check also reads every
invoice deposited since the oldest unfinished one, because the platform may date a status by
its business day, reported late. Only the invoices whose status or its time differ from the
local record count as moved. Invoices deposited elsewhere (on the portal) for the user's
structure are imported. Each page is written in one transaction, so an interrupted sync loses
nothing and the next one picks up where it stopped; the list is usable before the histories
(``consulter/historique``) are read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient
from app.chorus.dates import parse_chorus_date, parse_chorus_datetime
from app.db import models
from app.db.engine import Database, retry_on_conflict
from app.deposit.states import DRAFT_STATUS
from app.domain.enums import ModeDepot, TypeFacture
from app.domain.statuses import FINAL_STATUSES, InvoiceStatus
from app.payments.deadline import LATE_INTEREST_CLAIM_DAYS
from app.sync.history import remember_history

log = logging.getLogger(__name__)

PER_PAGE = 500
OVERLAP_DAYS = 3
SHORTEST_DEADLINE_DAYS = 30  # délai global de paiement of the State and local authorities
LIST_READY = "Liste des factures à jour ; lecture des historiques…"
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class StatusChange:
    invoice_id: int
    number: str
    recipient: str
    previous: str | None  # None: imported from the platform
    current: str
    channel: str = "chorus"  # chorus | pa


@dataclass(slots=True)
class SyncReport:
    started_at: datetime
    since: date | None
    seen: int = 0
    changes: list[StatusChange] = field(default_factory=list)
    search_pages: int = 0
    history_calls: int = 0
    list_seconds: float = 0.0  # until the list was written and usable
    rechecked: bool = False
    platform_error: str | None = None  # the Plateforme Agréée could not be read: why
    received_new: int = 0  # suppliers' invoices that arrived through the Plateforme Agréée

    @property
    def imported(self) -> int:
        return sum(1 for change in self.changes if change.previous is None)


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal("0.00")


def _import(found: f.FactureTrouvee, environment: str) -> models.Invoice:
    """A row for an invoice deposited elsewhere: what the search tells of it."""
    ht, ttc = _money(found.montantHT), _money(found.montantTTC)
    mode = found.modeDepot if found.modeDepot in ModeDepot.__members__ else "DEPOT_PDF_PORTAIL"
    kind = found.typeFacture if found.typeFacture in TypeFacture.__members__ else "FACTURE"
    return models.Invoice(
        local_uid=str(uuid.uuid4()),
        environment=environment,
        number=(found.numeroFacture or str(found.identifiantFactureCPP))[:20],
        issue_date=parse_chorus_date(found.dateFacture),
        invoice_type=kind,
        deposit_mode=mode,
        recipient_siret=found.codeDestinataire or "",
        recipient_name=found.designationDestinataire,
        code_service=found.codeServiceExecutant,
        engagement_number=found.numeroBonCommande,
        currency=found.devise or "EUR",
        total_ht=ht,
        total_tva=ttc - ht,
        total_ttc=ttc,
        amount_due=_money(found.montantAPayer) if found.montantAPayer is not None else ttc,
        chorus_invoice_id=found.identifiantFactureCPP,
        deposit_date=parse_chorus_date(found.dateDepot),
        rejection_acknowledged=bool(found.rejetTraite),
    )


def _moved(row: models.Invoice, found: f.FactureTrouvee) -> bool:
    if found.statut and found.statut != row.status:
        return True
    at = parse_chorus_datetime(found.dateHeureEtatCourant)
    return at is not None and (row.status_at is None or at > row.status_at)


def _apply_page(
    session: Session, page: list[f.FactureTrouvee], environment: str
) -> list[tuple[int, str | None, f.FactureTrouvee]]:
    """Write what the page says; return (row id, previous status, found) for what moved."""
    ids = [found.identifiantFactureCPP for found in page]
    known = {
        row.chorus_invoice_id: row
        for row in session.scalars(
            select(models.Invoice).where(
                models.Invoice.environment == environment,
                models.Invoice.chorus_invoice_id.in_(ids),
            )
        )
    }
    numbers = [found.numeroFacture for found in page if found.numeroFacture]
    unanswered = {
        row.number: row
        for row in session.scalars(
            select(models.Invoice).where(
                models.Invoice.environment == environment,
                models.Invoice.chorus_invoice_id.is_(None),
                models.Invoice.status != DRAFT_STATUS,
                models.Invoice.number.in_(numbers),
            )
        )
    }
    moved: list[tuple[models.Invoice, str | None, f.FactureTrouvee]] = []
    for found in page:
        row = known.get(found.identifiantFactureCPP)
        if row is None and found.numeroFacture in unanswered:
            # Sent from here, its answer lost: the outbox will find it too, by number.
            row = unanswered.pop(found.numeroFacture)
            row.chorus_invoice_id = found.identifiantFactureCPP
        previous: str | None
        if row is None:
            row = _import(found, environment)
            session.add(row)
            previous = None
        elif not _moved(row, found):
            continue
        else:
            previous = row.status
        row.status = found.statut or row.status
        row.status_at = parse_chorus_datetime(found.dateHeureEtatCourant) or datetime.now(UTC)
        row.status_comment = found.commentaireEtatCourant
        if found.rejetTraite is not None:
            row.rejection_acknowledged = found.rejetTraite
        moved.append((row, previous, found))
    session.flush()  # one batch of inserts for the page, which gives the new rows their ids
    return [(row.id, previous, found) for row, previous, found in moved]


def sync_invoices(
    database: Database,
    client: ChorusClient,
    environment: str,
    supplier_id: int,
    *,
    since: date | None,
    progress: Progress | None = None,
    recheck_from: date | None = None,
) -> SyncReport:
    """The invoices that moved since ``since`` (every invoice when None), then their histories.

    The list comes first, page by page, and is usable as soon as ``LIST_READY`` is said.
    Histories follow for what changed, and for imported invoices that are not finished or
    were paid recently enough to owe late interest; the others' histories are read when the
    invoice is opened. ``recheck_from``: also read every invoice deposited since that day, to
    catch a status the platform dated in the past (see :func:`recheck_start`)."""
    say = progress or (lambda _message: None)
    report = SyncReport(started_at=datetime.now(UTC), since=since)
    searches = [
        f.RechercherFournisseurRequest(
            idFournisseur=supplier_id,
            periodeDateHeureEtatCourantDu=since.isoformat() if since else None,
        )
    ]
    if since is not None and recheck_from is not None:
        searches.append(
            f.RechercherFournisseurRequest(
                idFournisseur=supplier_id, periodeDateDepotDu=recheck_from.isoformat()
            )
        )
        report.rechecked = True
    say("Recherche des factures qui ont changé…")
    moved: dict[int, tuple[int, str | None, f.FactureTrouvee]] = {}
    for criteria in searches:
        page: list[f.FactureTrouvee] = []
        for found in client.iter_factures(criteria, per_page=PER_PAGE):
            page.append(found)
            if len(page) == PER_PAGE:
                moved.update(_by_row(_write_page(database, page, environment, report)))
                page = []
        if page or report.seen == 0:
            moved.update(_by_row(_write_page(database, page, environment, report)))
    report.list_seconds = (datetime.now(UTC) - report.started_at).total_seconds()
    for row_id, previous, found in moved.values():
        report.changes.append(
            StatusChange(
                row_id,
                found.numeroFacture or "",
                found.designationDestinataire or found.codeDestinataire or "",
                previous,
                found.statut or "",
            )
        )
    say(LIST_READY)
    wanted = [item for item in moved.values() if _history_now(item[1], item[2])]
    for index, (row_id, _previous, found) in enumerate(wanted, start=1):
        say(f"Historique des factures modifiées ({index}/{len(wanted)})…")
        answer = client.historique(found.identifiantFactureCPP)
        retry_on_conflict(partial(remember_history, database, row_id, answer))
        report.history_calls += 1
    log.info(
        "Synchronisation : %d factures lues, %d changements, %d importées, %d historiques",
        report.seen,
        len(report.changes),
        report.imported,
        report.history_calls,
    )
    return report


def _by_row(
    moved: list[tuple[int, str | None, f.FactureTrouvee]],
) -> dict[int, tuple[int, str | None, f.FactureTrouvee]]:
    return {item[0]: item for item in moved}


def _history_now(previous: str | None, found: f.FactureTrouvee) -> bool:
    """Read the history during the sync: for what changed, and for an imported invoice still
    moving or paid within the late-interest period (its dates make the payment schedule)."""
    if previous is not None:
        return True
    if (found.statut or "") not in {status.value for status in FINAL_STATUSES}:
        return True
    if found.statut != InvoiceStatus.MISE_EN_PAIEMENT:
        return False
    deposited = parse_chorus_date(found.dateDepot)
    paid = parse_chorus_datetime(found.dateHeureEtatCourant)
    if deposited is None or paid is None:
        return True
    claimable = deposited >= date.today() - timedelta(days=LATE_INTEREST_CLAIM_DAYS)
    # Paid within the shortest legal deadline of its deposit: it cannot have been late.
    return claimable and (paid.date() - deposited).days > SHORTEST_DEADLINE_DAYS


def recheck_start(database: Database, environment: str) -> date | None:
    """The deposit day of the oldest invoice not yet in a final state here: searching from it
    again finds a status the incremental search missed (reported late, dated in the past)."""
    finals = [status.value for status in FINAL_STATUSES]
    with database.session() as session:
        oldest = session.scalar(
            select(func.min(models.Invoice.deposit_date)).where(
                models.Invoice.environment == environment,
                models.Invoice.chorus_invoice_id.is_not(None),
                models.Invoice.status.not_in(finals),
            )
        )
    return oldest


def _write_page(
    database: Database, page: list[f.FactureTrouvee], environment: str, report: SyncReport
) -> list[tuple[int, str | None, f.FactureTrouvee]]:
    report.search_pages += 1
    report.seen += len(page)
    if not page:
        return []

    def write() -> list[tuple[int, str | None, f.FactureTrouvee]]:
        with database.session() as session:
            return _apply_page(session, page, environment)

    return retry_on_conflict(write)  # another workstation may import the same page now


def needs_attention(status: str) -> bool:
    """Worth a notification: the supplier must act, or the money is on its way."""
    if status == InvoiceStatus.MISE_EN_PAIEMENT:
        return True
    try:
        return InvoiceStatus(status).supplier_must_act
    except ValueError:
        return False


def next_since(report: SyncReport) -> date:
    """Statuses are searched by day: the next sync starts a few days before this one began,
    so a status the platform records a little late, dated by its business day, is still in
    the window (a longer delay is caught by the periodic re-check)."""
    return (report.started_at - timedelta(days=OVERLAP_DAYS)).date()
