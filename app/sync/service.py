"""The sync use case: bring what moved on Chorus Pro since the last sync into the database,
from the day the office last synced."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from app.context import AppContext
from app.domain.environments import Environment

if TYPE_CHECKING:
    from app.pa.service import PlatformService
    from app.receiving.service import ReceivedService
    from app.sync.invoices import SyncReport

log = logging.getLogger(__name__)

RECHECK_EVERY = timedelta(hours=6)


class SyncService:
    def __init__(
        self,
        context: AppContext,
        platform: PlatformService | None = None,
        received: ReceivedService | None = None,
    ) -> None:
        self.context = context
        self.platform = platform
        self.received = received

    def run(self, progress: Callable[[str], None] | None = None) -> SyncReport:
        """What moved on Chorus Pro since the last sync (all of it the first time); every few
        hours, also every invoice deposited since the oldest one not finished here."""
        from app.db.shared import set_shared_setting
        from app.sync.invoices import next_since, recheck_start, sync_invoices

        context = self.context
        environment = context.account_status().effective
        due = self.recheck_due(environment)
        recheck_from = recheck_start(context.database, environment.value) if due else None
        with context.chorus_client(environment) as client:
            report = sync_invoices(
                context.database,
                client,
                environment.value,
                context.supplier_id(client),
                since=self.last_sync_day(environment),
                progress=progress,
                recheck_from=recheck_from,
            )
        set_shared_setting(
            context.database, f"last_sync:{environment.value}", next_since(report).isoformat()
        )
        if due:
            set_shared_setting(
                context.database,
                f"last_recheck:{environment.value}",
                report.started_at.isoformat(),
            )
        self._sync_platform(report, progress)
        return report

    def _sync_platform(self, report: SyncReport, progress: Callable[[str], None] | None) -> None:
        """The invoices sent through the Plateforme Agréée: their lifecycle, in the same
        report; a platform away is said, and does not undo what Chorus Pro gave."""
        from app.errors import BordereauError

        if self.platform is None:
            return
        try:
            found = self.platform.sync(progress)
        except BordereauError as exc:
            log.warning("Plateforme agréée non synchronisée : %s", exc.message)
            report.platform_error = exc.message
            return
        if found is not None:
            report.changes += found.changes
        if self.received is None:
            return
        try:
            arrived = self.received.fetch(progress)
        except BordereauError as exc:
            log.warning("Factures reçues non relevées : %s", exc.message)
            report.platform_error = exc.message
            return
        report.received_new = len(arrived.new)

    def recheck_due(self, environment: Environment) -> bool:
        """The office's last re-check of unfinished invoices is older than ``RECHECK_EVERY``."""
        from app.db.shared import shared_setting

        stored = shared_setting(self.context.database, f"last_recheck:{environment.value}")
        try:
            last = datetime.fromisoformat(str(stored)) if stored else None
        except ValueError:
            last = None
        return last is None or datetime.now(UTC) - last >= RECHECK_EVERY

    def last_sync_day(self, environment: Environment) -> date | None:
        """The day the next sync starts from: the office's, in the shared database (this
        workstation's settings file held it before; an unreadable date means from the start)."""
        from app.db.shared import shared_setting

        stored = shared_setting(self.context.database, f"last_sync:{environment.value}")
        if stored is None:
            stored = self.context.settings.last_sync.get(environment.value)
        try:
            return date.fromisoformat(str(stored)) if stored else None
        except ValueError:
            log.warning("Date de dernière synchronisation illisible (%r) : tout est relu", stored)
            return None
