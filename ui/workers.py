"""QRunnable adapters: run a core function on the thread pool, report through signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from app.deposit.service import DepositService

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str], None]


def error_text(error: object) -> str:
    """What to tell the user of a task's failure: a BordereauError's French message."""
    return getattr(error, "message", None) or str(error)


def _emit(signal: Any, *args: object) -> None:
    """Emit unless the receiving side is gone (the window closed while the task ran)."""
    try:
        signal.emit(*args)
    except RuntimeError:
        log.debug("Signal d'une tâche ignoré : la fenêtre est fermée")


class WorkerSignals(QObject):
    progress = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()


class Worker(QRunnable):
    """Runs ``func(progress)``; the core sees a plain callback, the UI gets signals."""

    def __init__(self, func: Callable[[ProgressCallback], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.func = func
        self.signals = WorkerSignals()

    def run(self) -> None:
        try:
            result = self.func(lambda text: _emit(self.signals.progress, text))
        except Exception as exc:  # reported to the UI, which shows the French message
            log.warning("Tâche en arrière-plan en échec : %s", type(exc).__name__, exc_info=True)
            _emit(self.signals.failed, exc)
        else:
            _emit(self.signals.succeeded, result)
        finally:
            _emit(self.signals.done)


class PrefillSignals(QObject):
    progress = Signal(float, str)  # fraction done, French step
    succeeded = Signal(object)  # PreparedInvoice
    failed = Signal(object)  # BordereauError (UnreadableInvoiceError, PrefillCancelled…)
    done = Signal()


class PrefillWorker(QRunnable):
    """Reads, maps and checks an invoice PDF (``DepositService.prepare_from_pdf``) off the UI
    thread; :meth:`cancel` stops the OCR workers at once."""

    def __init__(self, deposit: DepositService, path: Path) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.deposit = deposit
        self.path = path
        self.signals = PrefillSignals()
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def run(self) -> None:
        try:
            result = self.deposit.prepare_from_pdf(
                self.path,
                progress=lambda fraction, text: _emit(self.signals.progress, fraction, text),
                cancelled=self._cancelled.is_set,
            )
        except Exception as exc:  # the UI shows the French message
            log.info("Lecture de %s interrompue : %s", self.path.name, type(exc).__name__)
            _emit(self.signals.failed, exc)
        else:
            _emit(self.signals.succeeded, result)
        finally:
            _emit(self.signals.done)


class WorkerPool:
    """Keeps each running worker alive until it is done (Qt would otherwise collect it)."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[QRunnable] = set()

    def start(self, worker: Any) -> Any:
        """Start a :class:`Worker` or :class:`PrefillWorker` (anything with ``signals.done``)."""
        self._running.add(worker)
        worker.signals.done.connect(lambda: self._running.discard(worker))
        self._pool.start(worker)
        return worker

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)
