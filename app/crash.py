"""Crash reports: a global exception hook writes a redacted report; the UI shows it."""

from __future__ import annotations

import faulthandler
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from app.files import make_private
from app.logging_setup import redact
from app.version import get_version

log = logging.getLogger(__name__)

CrashCallback = Callable[[str, Path | None], None]
_fault_file = None


def format_crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    lines = [
        f"Bordereau {get_version()}",
        f"Date : {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"Système : {platform.platform()}",
        f"Python : {sys.version.split()[0]}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines))


def write_crash_report(report: str, crash_dir: Path) -> Path | None:
    try:
        crash_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        path = make_private(crash_dir / f"plantage-{stamp}.txt")
        path.write_text(report, encoding="utf-8")
        return path
    except OSError:
        log.exception("Impossible d'écrire le rapport de plantage")
        return None


def install_excepthook(crash_dir: Path, on_crash: CrashCallback | None = None) -> None:
    """Route uncaught exceptions (main and other threads) to a report and ``on_crash``."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = format_crash_report(exc_type, exc, tb)
        log.error("Erreur inattendue :\n%s", report)
        path = write_crash_report(report, crash_dir)
        if on_crash is not None:
            on_crash(report, path)
        else:
            sys.stderr.write(report + "\n")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def enable_faulthandler(crash_dir: Path) -> str | None:
    """Catch hard crashes (segfaults) in a file; return what the previous run left, if any."""
    global _fault_file
    crash_dir.mkdir(parents=True, exist_ok=True)
    fault_path = crash_dir / "faulthandler.log"
    previous = None
    try:
        if fault_path.exists() and fault_path.stat().st_size > 0:
            previous = fault_path.read_text("utf-8", errors="replace")
            fault_path.replace(crash_dir / "faulthandler-precedent.log")
        _fault_file = make_private(fault_path).open("w", encoding="utf-8")
        faulthandler.enable(_fault_file)
    except OSError:
        log.warning("faulthandler indisponible", exc_info=True)
    return previous


def disable_faulthandler() -> None:
    """At the end of the run: stop watching and close the file (a clean exit leaves it empty)."""
    global _fault_file
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None
