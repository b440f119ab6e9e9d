"""The main window's work in the background: the periodic synchronisation with Chorus Pro
and the platform, what it says when something moved, and the outbox's invoices left waiting."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QSystemTrayIcon

from app.domain.text import counted
from ui.workers import Worker, WorkerPool, error_text

if TYPE_CHECKING:
    from app.services import Services
    from app.sync.invoices import SyncReport
    from ui.tabs.deposer import DeposerTab
    from ui.widgets.message_bar import MessageBar


class BackgroundPart(QMainWindow):
    """Synchronise and resume the outbox; the window gives the widgets they report in."""

    synchronised = Signal(object)  # SyncReport: the views refresh from it

    services: Services
    workers: WorkerPool
    deposer: DeposerTab
    message_bar: MessageBar
    sync_label: QLabel
    sync_timer: QTimer
    tray: QSystemTrayIcon | None
    last_notification: str | None
    _syncing: bool
    _resuming: bool

    def refresh_views(self) -> None:
        raise NotImplementedError  # the window's lists

    def synchronise(self) -> Worker | None:
        """What moved on Chorus Pro, in the background; then again after the interval."""
        if self._syncing:
            return None
        self._syncing = True
        self.sync_timer.stop()
        self.sync_label.setText("Synchronisation en cours…")
        worker = Worker(lambda progress: self.services.sync.run(progress))
        worker.signals.progress.connect(self._sync_progress)
        worker.signals.succeeded.connect(self._synchronised)
        worker.signals.failed.connect(self._sync_failed)
        worker.signals.done.connect(self._sync_done)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _sync_progress(self, text: str) -> None:
        from app.sync.invoices import LIST_READY

        self.sync_label.setText(text)
        if text == LIST_READY:  # usable now; the histories follow in the background
            self.refresh_views()

    def _sync_done(self) -> None:
        self._syncing = False
        self.sync_timer.start(self.services.context.settings.sync_interval_minutes * 60_000)

    def _synchronised(self, report: SyncReport) -> None:
        when = datetime.now().strftime("%H:%M")
        changes = len(report.changes)
        self.sync_label.setText(
            f"Synchronisé à {when}"
            + (f" — {counted(changes, 'changement')}" if changes else " — rien de nouveau")
            + (f", {counted(report.received_new, 'facture reçue')}" if report.received_new else "")
        )
        self.synchronised.emit(report)
        self._notify(report)

    def _sync_failed(self, error: object) -> None:
        message = error_text(error)
        minutes = self.services.context.settings.sync_interval_minutes
        self.sync_label.setText(f"Synchronisation impossible — nouvel essai dans {minutes} min")
        self.sync_label.setToolTip(message)
        self.statusBar().showMessage(f"Synchronisation impossible : {message}", 15000)
        self.message_bar.show_message(
            f"Synchronisation impossible : {message} Bordereau réessaiera dans {minutes} min.",
            "error",
            "Réessayer maintenant",
            self.synchronise,
        )

    def _notify(self, report: SyncReport) -> None:
        """An invoice that needs the user, or that is paid: said where the user will see it."""
        from app.domain.statuses import status_label
        from app.sync.invoices import needs_attention

        # Only what moved since the user last looked: not the history a first import brings.
        worth = [
            change
            for change in report.changes
            if change.previous is not None and needs_attention(change.current)
        ]
        if not worth:
            return
        lines = [
            f"{change.number} : {status_label(change.current)} ({change.recipient})"
            for change in worth[:5]
        ]
        more = f"\n… et {counted(len(worth) - 5, 'autre')}" if len(worth) > 5 else ""
        text = "\n".join(lines) + more
        self.last_notification = text
        if self.tray is not None:
            self.tray.showMessage("Bordereau — vos factures", text)
        else:
            self.statusBar().showMessage(
                lines[0] + (f" (+{len(worth) - 1})" if len(worth) > 1 else ""), 30000
            )

    def _retry_outbox(self) -> None:
        if (
            not self._resuming
            and not self.deposer.busy
            and self.services.deposit.has_waiting_invoices()
        ):
            self.resume_outbox()

    def resume_outbox(self) -> Worker:
        """Invoices a previous run left waiting (or in doubt) leave now, in the background."""
        self.statusBar().showMessage("Envoi des factures en attente…")
        self._resuming = True
        worker = Worker(lambda _progress: self.services.deposit.resume_outbox())
        worker.signals.done.connect(lambda: setattr(self, "_resuming", False))
        worker.signals.succeeded.connect(self._outbox_resumed)
        worker.signals.failed.connect(
            lambda error: self.statusBar().showMessage(
                f"Factures en attente d'envoi : {error_text(error)}", 10000
            )
        )
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _outbox_resumed(self, outcomes: object) -> None:
        sent = (
            [o for o in outcomes if getattr(o, "state", "") == "done"]
            if isinstance(outcomes, list)
            else []
        )
        states = [getattr(o, "state", "") for o in outcomes] if isinstance(outcomes, list) else []
        set_aside = states.count("blocked")
        waiting = len(states) - len(sent) - set_aside
        sent_text = counted(len(sent), "facture en attente envoyée", "factures en attente envoyées")
        text = f"{sent_text}."
        if waiting:
            text += f" {waiting} toujours en attente d'envoi."
        if set_aside:
            text += f" {counted(set_aside, 'mise')} de côté : voir leur motif dans Synthèse."
        self.statusBar().showMessage(text, 15000)
