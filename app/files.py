"""Files written whole or not at all: a crash mid-write leaves the previous file intact."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import IO, Any


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
