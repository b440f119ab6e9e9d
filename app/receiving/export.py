"""The year's received invoices for the accountant: one line per invoice and VAT rate (HT,
TVA, TTC), in CSV (UTF-8 with BOM, « ; ») and XLSX, and the original files, unchanged, in a
folder per year."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db import models
from app.db.engine import Database
from app.errors import ValidationProblem
from app.files import spreadsheet_csv, write_new_file
from app.receiving.store import archive_name, archive_year, original, status_label

COLUMNS = (
    "Fournisseur",
    "SIREN fournisseur",
    "N° TVA fournisseur",
    "Numéro",
    "Type",
    "Date",
    "Échéance",
    "Devise",
    "Taux TVA (%)",
    "HT",
    "TVA",
    "TTC",
    "Net à payer",
    "Statut",
    "Payée le",
    "Fichier d'origine",
    "SHA-256",
)


@dataclass(frozen=True, slots=True)
class ExportResult:
    csv: Path
    xlsx: Path
    originals: Path
    invoices: int
    files_written: int


def _amount(text: Any) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def rows_of(database: Database, year: int) -> list[list[Any]]:
    with database.session() as session:
        received = [
            row
            for row in session.scalars(
                select(models.ReceivedInvoice).order_by(
                    models.ReceivedInvoice.issue_date, models.ReceivedInvoice.id
                )
            )
            if archive_year(row) == year
        ]
        lines: list[list[Any]] = []
        for row in received:
            data = row.data or {}
            parts = data.get("vat") or [{}]
            credit = bool(data.get("credit_note"))
            for index, part in enumerate(parts):
                basis, tax = _amount(part.get("basis")), _amount(part.get("tax"))
                lines.append(
                    [
                        row.seller_name or "",
                        (data.get("seller") or {}).get("siren") or "",
                        row.seller_vat or "",
                        row.number or "",
                        "Avoir" if credit else "Facture",
                        row.issue_date,
                        row.due_date,
                        row.currency or "",
                        _amount(part.get("rate")),
                        basis if len(parts) > 1 else row.total_ht,
                        tax if len(parts) > 1 else row.total_tva,
                        (basis or 0) + (tax or 0) if len(parts) > 1 else row.total_ttc,
                        row.amount_due if index == 0 else None,
                        status_label(row.status),
                        row.paid_on,
                        archive_name(row),
                        row.original_sha256,
                    ]
                )
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return str(value)


def export_year(database: Database, year: int, out: Path) -> ExportResult:
    lines = rows_of(database, year)
    if not lines:
        raise ValidationProblem(f"Aucune facture reçue en {year}.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        csv_path = out / f"factures-recues-{year}.csv"
        with csv_path.open("w", encoding="utf-8", newline="") as stream:
            writer = spreadsheet_csv(stream)
            writer.writerow(COLUMNS)
            writer.writerows([[_cell(value) for value in line] for line in lines])
        xlsx_path = out / f"factures-recues-{year}.xlsx"
        _write_xlsx(xlsx_path, lines, year)
        folder = out / f"factures-recues-{year}"
        folder.mkdir(exist_ok=True)
        written = _write_originals(database, year, folder)
    except OSError as exc:
        raise ValidationProblem(
            f"Impossible d'écrire l'export dans {out} : {exc.strerror or exc}."
        ) from exc
    invoices = len({(line[3], line[0], line[16]) for line in lines})
    return ExportResult(csv_path, xlsx_path, folder, invoices, written)


def _write_xlsx(path: Path, lines: list[list[Any]], year: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Reçues {year}"
    sheet.append(list(COLUMNS))
    for line in lines:
        sheet.append(line)  # Decimal cells: openpyxl writes them exactly
    widths = (30, 12, 16, 18, 9, 11, 11, 7, 8, 12, 12, 12, 12, 22, 11, 40, 20)
    for column, width in zip("ABCDEFGHIJKLMNOPQ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=13):
        for cell in row:
            cell.number_format = "#,##0.00"
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    temporary = path.with_name(f".{path.name}.tmp")
    workbook.save(temporary)
    temporary.replace(path)


def _write_originals(database: Database, year: int, folder: Path) -> int:
    with database.session() as session:
        rows = [
            (row.id, archive_name(row), row.original_sha256)
            for row in session.scalars(select(models.ReceivedInvoice))
            if archive_year(row) == year
        ]
    written = 0
    for received_id, name, sha256 in rows:
        plain = folder / name
        # two different files under one name (a duplicate invoice): the second one is named
        # with its hash's first characters; a file already there is never written again
        candidates = (plain, plain.with_name(f"{plain.stem} ({sha256[:8]}){plain.suffix}"))
        if any(
            path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
            for path in candidates
        ):
            continue
        _name, content = original(database, received_id)
        if any(write_new_file(path, content) for path in candidates):
            written += 1
    return written
