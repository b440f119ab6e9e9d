"""Files written whole or not at all: a crash mid-write leaves the previous file intact."""

from __future__ import annotations

import csv
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def make_private(path: Path) -> Path:
    """Create ``path`` if missing, readable by its owner only (0600), like everything of the
    user's that Bordereau writes in its data folder (database, logs, reports, directory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if os.name == "posix":
        path.chmod(0o600)
    return path


# A temporary file is named after the process writing it, so that the next run can tell
# the leftovers of a killed process from a file another process is writing right now.
TEMPORARY_SUFFIX = ".bordereau-tmp"
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[^.]+" + re.escape(TEMPORARY_SUFFIX) + "$")
STALE_TEMPORARY_SECONDS = 3600  # where a process cannot be asked whether it still runs


def _temporary_beside(target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX
    )


def _write_synced(handle: int, content: bytes) -> None:
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


def write_atomically(target: Path, content: bytes) -> Path:
    """Write ``content`` to a hidden temporary file beside ``target``, flush it to disk, then
    rename it over ``target``."""
    handle, temporary = _temporary_beside(target)
    try:
        _write_synced(handle, content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_new_file(target: Path, content: bytes) -> bool:
    """Write ``content`` as ``target`` whole or not at all, never replacing a file already
    there: False (nothing written) when ``target`` exists. The temporary file is linked to
    its name, which the system refuses atomically when the name is taken."""
    handle, temporary = _temporary_beside(target)
    try:
        _write_synced(handle, content)
        try:
            os.link(temporary, target)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links (FAT, some network shares)
            if target.exists():
                return False
            os.replace(temporary, target)
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


def _process_gone(pid: int) -> bool | None:
    """True when no process ``pid`` runs; None where that cannot be asked (Windows)."""
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_leftover_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files that killed processes left in ``folder``."""
    import time

    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if found is None:
            continue
        gone = _process_gone(int(found.group(1)))
        if gone is None:
            try:
                gone = time.time() - entry.stat().st_mtime > STALE_TEMPORARY_SECONDS
            except OSError:
                continue
        if gone:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def spreadsheet_csv(stream: IO[str]) -> Any:
    """A CSV writer whose file LibreOffice and Excel open as it is: UTF-8 with BOM and « ; »
    (the caller opens ``stream`` with ``newline=""``)."""
    stream.write("\ufeff")
    return csv.writer(stream, delimiter=";", lineterminator="\r\n")


# Characters Windows refuses in a file name (and « / » everywhere), control characters too.
_FORBIDDEN_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# Names Windows keeps for devices, whatever the extension (« CON.pdf » cannot be created).
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)}
)
MAX_SUGGESTED_NAME = 120


def file_name_for(text: str, extension: str) -> str:
    """A file name any system accepts, from an invoice number or a title: characters Windows
    refuses become « - », trailing dots and spaces go, device names get a « _ »."""
    stem = _FORBIDDEN_IN_NAMES.sub("-", text).strip().rstrip(". ") or "document"
    if stem.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES:
        stem = f"_{stem}"
    return f"{stem[: MAX_SUGGESTED_NAME - len(extension) - 1]}.{extension}"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block: other processes
    wait. The system releases it if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
