"""Files written whole or not at all: a crash mid-write leaves the previous file intact."""

from __future__ import annotations

import csv
import os
import re
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
