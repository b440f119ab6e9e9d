"""Start the window: paths, logging, crash handling, the main window, then the database just
after its first frame."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.errors import BordereauError
    from app.services import Services

log = logging.getLogger(__name__)


def process_start_time() -> float:
    """Wall-clock time the process started (Linux /proc), else the import time of this module."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return time.time() - uptime + start_ticks / ticks
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()


def _display_problem() -> str | None:
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            return (
                "Aucun écran graphique n'est disponible (ni DISPLAY ni WAYLAND_DISPLAY). "
                "Lancez Bordereau depuis votre bureau, ou sans écran avec "
                "QT_QPA_PLATFORM=offscreen."
            )
    return None


def run_gui(
    *,
    data_dir: Path | None = None,
    database_url: str | None = None,
    exit_when_ready: bool = False,
    files: Sequence[Path] = (),
    verbose: bool = False,
) -> int:
    started = process_start_time()
    problem = _display_problem()
    if problem:
        print(f"bordereau : {problem}", file=sys.stderr)
        return 2

    from app.crash import disable_faulthandler, enable_faulthandler, install_excepthook
    from app.logging_setup import setup_logging
    from app.paths import resolve_paths
    from app.services import Services

    paths = resolve_paths(data_dir)
    paths.ensure()
    setup_logging(paths.log_dir, stderr=verbose)
    previous_crash = enable_faulthandler(paths.crash_dir)
    if previous_crash:
        log.warning("La session précédente s'est arrêtée brutalement :\n%s", previous_crash)

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ui.resources import resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Bordereau")
    app.setOrganizationName("Bordereau")
    app.setApplicationDisplayName("Bordereau")
    app.setWindowIcon(QIcon(str(resource_path("icons", "bordereau.svg"))))
    app.setStyleSheet(resource_path("style.qss").read_text("utf-8"))

    services = Services(paths, database_url=database_url)
    from ui.main_window import MainWindow

    shown: list[MainWindow] = []  # the crash dialog's parent, once the window exists
    install_excepthook(
        paths.crash_dir,
        on_crash=lambda report, path: show_crash(shown[0] if shown else None, report, path),
    )
    try:
        # The window first (its chrome paints at once), the database right after the frame.
        window = MainWindow(services, load_now=False)
    except Exception as exc:  # the window could not be built: say so, with a report
        from app.crash import format_crash_report, write_crash_report

        report = format_crash_report(type(exc), exc, exc.__traceback__)
        log.error("La fenêtre n'a pas pu s'ouvrir :\n%s", report)
        path = write_crash_report(report, paths.crash_dir)
        if exit_when_ready:
            print(f"bordereau : la fenêtre n'a pas pu s'ouvrir ; rapport : {path}", file=sys.stderr)
        else:
            from ui.dialogs.crash_dialog import CrashDialog

            CrashDialog(report, path, None).exec()  # no window, no event loop yet: wait here
        services.close()
        disable_faulthandler()
        return 70
    shown.append(window)
    window.show()
    from ui.file_open import FileOpenForwarder

    open_requests = FileOpenForwarder(window.open_files, app)
    app.installEventFilter(open_requests)

    def report_ready() -> None:
        print(f"ready {(time.time() - started) * 1000:.0f}", flush=True)

    def open_data() -> None:
        """Right after the first frame: the database (asking before upgrading a shared one),
        then what the window shows from it."""
        if not _open_database(services, window, ask=not exit_when_ready):
            window.close()
            app.exit(2)
            return
        window.load_data()
        if files:
            window.open_files(list(files))
        if exit_when_ready:
            print(f"loaded {(time.time() - started) * 1000:.0f}", flush=True)
            window.close()
            app.quit()
        else:
            # The PDF library takes a moment to import: after the first frame, off the UI
            # thread, so that the first PDF the user drops opens at once.
            _warm_pdf_library()

    # Both fire once the event loop has painted the first frame, in this order.
    if exit_when_ready:
        QTimer.singleShot(0, report_ready)
    QTimer.singleShot(0, open_data)

    code = app.exec()
    services.close()
    disable_faulthandler()
    return int(code)


def _open_database(services: Services, window: QWidget, *, ask: bool) -> bool:
    """Open (and upgrade) the database; False, said to the user, when it cannot be used or
    the user declines the upgrade of a shared one."""
    from PySide6.QtWidgets import QMessageBox

    from app.errors import BordereauError

    try:
        notice = services.context.upgrade_notice()
        if notice and ask:
            answer = QMessageBox.question(
                window,
                "Mise à jour de la base partagée",
                notice + "\n\nMettre la base à jour maintenant ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        services.context.open_database()
    except BordereauError as exc:
        log.error("Base de données inutilisable : %s", exc.message)
        if not ask:
            print(f"bordereau : {exc.message}", file=sys.stderr)
            return False
        if _restorable(exc) and _restore_at_start(services, window, exc):
            return _open_database(services, window, ask=ask)
        if not _restorable(exc):
            QMessageBox.critical(window, exc.title, exc.message)
        return False
    return True


def _restorable(exc: BaseException) -> bool:
    from app.db.guard import DatabaseReplacedError
    from app.db.integrity import DatabaseDamagedError

    return isinstance(exc, DatabaseReplacedError | DatabaseDamagedError)


def _restore_at_start(services: Services, window: QWidget, exc: BordereauError) -> bool:
    """The database is missing, emptied, damaged or another: say so, and offer the backups
    (the only way on — Bordereau never starts a fresh series behind the user's back)."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from ui.dialogs.restore_dialog import RestoreDialog

    box = QMessageBox(QMessageBox.Icon.Critical, exc.title, exc.message, parent=window)
    restore = box.addButton("&Restaurer une sauvegarde…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Quitter", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    dialog = RestoreDialog(services, window, reason=exc.message)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _warm_pdf_library() -> None:
    import threading

    def load() -> None:
        try:
            import pymupdf  # noqa: F401
        except ImportError:  # said where it is needed
            log.warning("Bibliothèque PDF introuvable", exc_info=True)

    threading.Thread(target=load, name="pdf-warmup", daemon=True).start()


def show_crash(parent: object, report: str, path: Path | None) -> None:
    from PySide6.QtWidgets import QWidget

    from ui.dialogs.crash_dialog import CrashDialog

    dialog = CrashDialog(report, path, parent if isinstance(parent, QWidget) else None)
    dialog.open()
