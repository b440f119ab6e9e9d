"""The archive of issued invoices: each issued PDF, and its content as JSON, kept as files in
the data folder (``archives/<année>/``) that Bordereau writes once and never rewrites. With
the database's backups, it is how an issued invoice stays retrievable for ten years; a
database restored from an older backup takes back from it the invoices issued since."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.files import file_name_for, remove_leftover_temporaries, write_new_file

log = logging.getLogger(__name__)


class ArchiveConflict(Exception):
    """The archive already holds another document under this number (never rewritten)."""


def document_stem(number: str, is_credit_note: bool) -> str:
    return f"{'Avoir' if is_credit_note else 'Facture'} {number}"


def pdf_file_name(number: str, is_credit_note: bool) -> str:
    return file_name_for(document_stem(number, is_credit_note), "pdf")


@dataclass(frozen=True, slots=True)
class ArchivedInvoice:
    """An issued invoice as the archive keeps it."""

    number: str
    document_type: str
    content: dict[str, Any]
    content_sha256: str
    pdf_sha256: str
    issued_at: str
    credited_number: str | None
    credited_lines: list[Any] | None
    pdf_path: Path

    def pdf(self) -> bytes | None:
        """The PDF's bytes when they are those that were issued (their sha256)."""
        try:
            content = self.pdf_path.read_bytes()
        except OSError:
            return None
        return content if hashlib.sha256(content).hexdigest() == self.pdf_sha256 else None


def _year_folder(root: Path, number: str) -> Path:
    return root / number.split("-", 1)[0]


def archive(root: Path, record: ArchivedInvoice, pdf: bytes) -> Path:
    """Write the record's PDF and JSON into the archive, unless they are there already with
    the same sha256; another document under the name is never replaced (ArchiveConflict)."""
    folder = _year_folder(root, record.number)
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftover_temporaries(folder)
    target = folder / record.pdf_path.name
    description = {
        "number": record.number,
        "document_type": record.document_type,
        "content": record.content,
        "content_sha256": record.content_sha256,
        "pdf_sha256": record.pdf_sha256,
        "issued_at": record.issued_at,
        "credited_number": record.credited_number,
        "credited_lines": record.credited_lines,
        "pdf": target.name,
    }
    sidecar = target.with_suffix(".json")
    for path, content in (
        (target, pdf),
        (sidecar, json.dumps(description, ensure_ascii=False, indent=1).encode("utf-8")),
    ):
        if write_new_file(path, content):
            continue
        if path is target and hashlib.sha256(path.read_bytes()).hexdigest() != record.pdf_sha256:
            raise ArchiveConflict(f"{path} contient un autre document")
        if path is sidecar and _sidecar_sha(path) not in (None, record.pdf_sha256):
            raise ArchiveConflict(f"{path} décrit un autre document")
    return target


def _sidecar_sha(path: Path) -> str | None:
    try:
        value = json.loads(path.read_text("utf-8")).get("pdf_sha256")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def archived(root: Path) -> Iterator[ArchivedInvoice]:
    """Every readable record of the archive, by year then number."""
    try:
        years = sorted(entry.path for entry in os.scandir(root) if entry.is_dir())
    except OSError:
        return
    for year in years:
        for sidecar in sorted(Path(year).glob("*.json")):
            record = _read_record(sidecar)
            if record is not None:
                yield record


def _read_record(sidecar: Path) -> ArchivedInvoice | None:
    try:
        data = json.loads(sidecar.read_text("utf-8"))
        return ArchivedInvoice(
            number=str(data["number"]),
            document_type=str(data["document_type"]),
            content=dict(data["content"]),
            content_sha256=str(data["content_sha256"]),
            pdf_sha256=str(data["pdf_sha256"]),
            issued_at=str(data["issued_at"]),
            credited_number=data.get("credited_number"),
            credited_lines=data.get("credited_lines"),
            pdf_path=sidecar.with_name(str(data["pdf"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("Archive illisible : %s", sidecar)
        return None


def archived_invoice(root: Path, number: str, is_credit_note: bool) -> ArchivedInvoice | None:
    sidecar = (_year_folder(root, number) / pdf_file_name(number, is_credit_note)).with_suffix(
        ".json"
    )
    return _read_record(sidecar) if sidecar.exists() else None
