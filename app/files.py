"""Files written whole or not at all: a crash mid-write leaves the previous file intact."""

from __future__ import annotations

import csv
import os
import tempfile
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


def write_atomically(target: Path, content: bytes) -> Path:
    """Write ``content`` to a hidden temporary file beside ``target``, flush it to disk, then
    rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def spreadsheet_csv(stream: IO[str]) -> Any:
    """A CSV writer whose file LibreOffice and Excel open as it is: UTF-8 with BOM and « ; »
    (the caller opens ``stream`` with ``newline=""``)."""
    stream.write("\ufeff")
    return csv.writer(stream, delimiter=";", lineterminator="\r\n")
