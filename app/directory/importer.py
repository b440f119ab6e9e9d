"""Import the full directory export into a new index file, then switch to it atomically.

Columns are found by their French headers, whatever their order; unknown columns are
reported and ignored, missing optional ones reported. Nothing touches the current index
until the new one is complete: a malformed file leaves it as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stdnum.fr import siret as stdnum_siret

from app.directory.store import (
    IMPORT_PREFIX,
    IMPORT_SUFFIX,
    STRUCTURE_COLUMNS,
    connect,
    create_schema,
    insert_structure,
    remove_abandoned_imports,
    structure_from_row,
)
from app.directory.xlsx import Workbook, XlsxError
from app.domain.text import fold
from app.errors import BordereauError

Progress = Callable[[float, str], None]
ONLINE_KEPT_FOR = timedelta(days=7)  # an API answer fresher than this beats the export
BATCH = 5000

STRUCTURE_COLUMNS_BY_HEADER = {
    "siret": ("identifiant", "siret", "identifiant structure", "numero siret"),
    "identifier_type": ("type d identifiant", "type identifiant", "type d identifiant structure"),
    "name": ("raison sociale", "designation", "nom", "raison sociale structure"),
    "label": ("libelle structure", "libelle", "nom usuel"),
    "address": ("adresse", "adresse ligne 1", "numero et voie"),
    "postal_code": ("code postal", "cp"),
    "city": ("ville", "commune", "localite"),
    "active": ("statut", "etat", "statut structure"),
    "service_required": (
        "service obligatoire",
        "code service obligatoire",
        "code service doit etre renseigne",
    ),
    "engagement_required": (
        "engagement obligatoire",
        "numero d engagement obligatoire",
        "ej obligatoire",
        "numero ej doit etre renseigne",
    ),
    "service_or_engagement": (
        "service ou engagement obligatoire",
        "gestion numero ej ou code service",
        "code service ou engagement obligatoire",
    ),
    "payment_not_reported": (
        "statut mise en paiement non remonte",
        "mise en paiement non remontee",
        "statut mise en paiement n est pas remonte",
    ),
    "id_cpp": ("identifiant cpp", "id structure cpp", "identifiant structure cpp"),
}
SERVICE_COLUMNS_BY_HEADER = {
    "siret": ("identifiant", "siret", "identifiant structure"),
    "structure_name": ("designation", "raison sociale"),
    "code": ("code service", "code"),
    "label": ("libelle service", "nom service", "libelle"),
    "active": ("statut", "etat", "statut service"),
    "engagement_required": (
        "engagement obligatoire",
        "numero d engagement obligatoire",
        "ej obligatoire",
    ),
    "id_service": ("identifiant service", "id service"),
    "service_required": ("service obligatoire",),
    "service_or_engagement": ("service ou engagement obligatoire",),
    "vat": ("numero tva intracommunautaire",),
}
REQUIRED_STRUCTURE = ("siret", "name")
REQUIRED_SERVICE = ("siret", "code")
TRUE_WORDS = {"oui", "o", "yes", "y", "true", "vrai", "1", "x", "actif", "active"}


class DirectoryImportError(BordereauError):
    title = "Import de l'annuaire impossible"


@dataclass(slots=True)
class ImportReport:
    structures: int = 0
    services: int = 0
    rows_read: int = 0
    invalid_sirets: int = 0
    duplicates: int = 0
    orphan_services: int = 0
    skipped_identifiers: int = 0
    kept_online: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        text = [
            f"{self.structures} structures et {self.services} services importés "
            f"({self.rows_read} lignes lues en {self.seconds:.1f} s).",
        ]
        if self.invalid_sirets:
            text.append(
                f"{self.invalid_sirets} SIRET ne passent pas le contrôle (gardés tels quels)."
            )
        if self.duplicates:
            text.append(f"{self.duplicates} lignes en double ignorées.")
        if self.orphan_services:
            text.append(f"{self.orphan_services} services sans structure connue ignorés.")
        if self.skipped_identifiers:
            text.append(
                f"{self.skipped_identifiers} structures sans SIRET (autre identifiant) ignorées."
            )
        if self.kept_online:
            text.append(f"{self.kept_online} structures consultées en ligne récemment gardées.")
        if self.unknown_columns:
            text.append("Colonnes inconnues ignorées : " + ", ".join(self.unknown_columns) + ".")
        if self.missing_columns:
            text.append("Colonnes absentes : " + ", ".join(self.missing_columns) + ".")
        return text


def header_key(header: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(str(header or ""))).strip()


def map_columns(
    headers: list[Any],
    known: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    sheet: str,
    report: ImportReport,
) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        name = next((field for field, names in known.items() if key in names), None)
        if name is None:
            report.unknown_columns.append(f"{sheet} : « {header} »")
        elif name not in found:
            found[name] = position
    absent = [name for name in required if name not in found]
    if absent:
        shown = ", ".join(f"« {h} »" for h in headers if h is not None) or "aucune"
        raise DirectoryImportError(
            f"La feuille « {sheet} » n'a pas les colonnes attendues ("
            + ", ".join(known[name][0] for name in absent)
            + f"). Colonnes trouvées : {shown}. Est-ce bien l'export de l'annuaire Chorus Pro ?"
        )
    for name in known:
        if name not in found and name not in (
            "structure_name",
            "vat",
            "service_required",
            "service_or_engagement",
            "identifier_type",
        ):
            report.missing_columns.append(f"{sheet} : {known[name][0]}")
    return found


def normalize_siret(value: Any) -> str | None:
    """Re-pad to 14 digits what Excel stored as a number."""
    if value is None:
        return None
    if isinstance(value, float):
        value = int(value)
    text = re.sub(r"[\s.]", "", str(value))
    if not text.isdigit() or len(text) > 14:
        return None
    return text.zfill(14)


def yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return fold(str(value or "")).strip() in TRUE_WORDS


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _cell(row: list[Any], columns: dict[str, int], name: str) -> Any:
    position = columns.get(name)
    return row[position] if position is not None and position < len(row) else None


def _find_sheet(workbook: Workbook, word: str) -> str | None:
    return next((name for name in workbook.sheets if word in fold(name)), None)


def import_export(source: Path, index_path: Path, progress: Progress | None = None) -> ImportReport:
    """Build a new index from ``source`` and put it in place of ``index_path``."""
    import time

    started = time.perf_counter()
    report_progress = progress or (lambda _fraction, _message: None)
    report = ImportReport()
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise DirectoryImportError(
            f"« {source.name} » n'est pas un classeur XLSX : importez l'export de l'annuaire "
            "tel que Chorus Pro le publie (fichier .xlsx)."
        )
    try:
        workbook = Workbook.open(str(source))
    except XlsxError as exc:
        raise DirectoryImportError(f"« {source.name} » : {exc}.") from exc
    index_path.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_imports(index_path.parent)
    handle, temporary_name = tempfile.mkstemp(
        prefix=IMPORT_PREFIX, suffix=IMPORT_SUFFIX, dir=index_path.parent
    )
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        structures_sheet = _find_sheet(workbook, "structure")
        services_sheet = _find_sheet(workbook, "service")
        if structures_sheet is None:
            raise DirectoryImportError(
                f"« {source.name} » n'a pas de feuille « Structures » (feuilles trouvées : "
                + ", ".join(workbook.sheets)
                + ")."
            )
        connection = connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            create_schema(connection)
            ids = _import_structures(
                connection, workbook, structures_sheet, report, report_progress
            )
            if services_sheet is not None:
                _import_services(connection, workbook, services_sheet, ids, report, report_progress)
            else:
                report.missing_columns.append("feuille des services")
            report_progress(0.92, "Construction de l'index de recherche")
            connection.execute("INSERT INTO structures_fts(structures_fts) VALUES ('rebuild')")
            report.kept_online = _keep_fresh_online_rows(connection, index_path)
            now = datetime.now(UTC).isoformat()
            connection.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                [
                    ("imported_at", now),
                    ("source", source.name),
                    ("structures", str(report.structures)),
                    ("services", str(report.services)),
                ],
            )
            connection.commit()
            connection.execute("PRAGMA optimize")
        finally:
            connection.close()
        if report.structures == 0:
            raise DirectoryImportError(f"« {source.name} » ne contient aucune structure.")
        os.replace(temporary, index_path)
    except XlsxError as exc:
        raise DirectoryImportError(
            f"« {source.name} » : {exc}. L'annuaire actuel est conservé."
        ) from exc
    finally:
        workbook.close()
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    report.seconds = time.perf_counter() - started
    report_progress(1.0, "Annuaire importé")
    return report


def _import_structures(
    connection: sqlite3.Connection,
    workbook: Workbook,
    sheet: str,
    report: ImportReport,
    progress: Progress,
) -> dict[str, int]:
    rows = workbook.rows(
        sheet, lambda fraction: progress(0.05 + 0.45 * fraction, "Lecture des structures")
    )
    with contextlib.closing(rows):
        return _read_structures(connection, rows, sheet, report)


def _read_structures(
    connection: sqlite3.Connection, rows: Iterator[list[Any]], sheet: str, report: ImportReport
) -> dict[str, int]:
    header = next(rows, None)
    if header is None:
        raise DirectoryImportError(f"La feuille « {sheet} » est vide.")
    columns = map_columns(header, STRUCTURE_COLUMNS_BY_HEADER, REQUIRED_STRUCTURE, sheet, report)
    ids: dict[str, int] = {}
    batch: list[tuple[Any, ...]] = []
    next_id = 1
    for row in rows:
        report.rows_read += 1
        identifier_type = _text(_cell(row, columns, "identifier_type"))
        if identifier_type and fold(identifier_type) not in (
            "siret",
            "1",
            "structure avec n siret",
        ):
            report.skipped_identifiers += 1
            continue
        siret = normalize_siret(_cell(row, columns, "siret"))
        name = _text(_cell(row, columns, "name"))
        if siret is None or name is None:
            report.invalid_sirets += siret is None
            continue
        if siret in ids:
            report.duplicates += 1
            continue
        if not stdnum_siret.is_valid(siret):
            report.invalid_sirets += 1
        ids[siret] = next_id
        active_value = _cell(row, columns, "active")
        id_cpp = _cell(row, columns, "id_cpp")
        batch.append(
            (
                next_id,
                siret,
                name,
                _text(_cell(row, columns, "label")),
                _text(_cell(row, columns, "address")),
                (_text(_cell(row, columns, "postal_code")) or "").zfill(5) or None,
                _text(_cell(row, columns, "city")),
                int(active_value is None or yes(active_value)),
                int(yes(_cell(row, columns, "service_required"))),
                int(yes(_cell(row, columns, "engagement_required"))),
                int(yes(_cell(row, columns, "service_or_engagement"))),
                int(yes(_cell(row, columns, "payment_not_reported"))),
                int(id_cpp) if isinstance(id_cpp, int | float) else None,
            )
        )
        next_id += 1
        if len(batch) >= BATCH:
            _flush_structures(connection, batch)
    _flush_structures(connection, batch)
    report.structures = len(ids)
    return ids


def _flush_structures(connection: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
    connection.executemany(
        "INSERT INTO structures (id, siret, name, label, address, postal_code, city, active, "
        "service_required, engagement_required, service_or_engagement, payment_not_reported, "
        "id_cpp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    batch.clear()


def _import_services(
    connection: sqlite3.Connection,
    workbook: Workbook,
    sheet: str,
    ids: dict[str, int],
    report: ImportReport,
    progress: Progress,
) -> None:
    rows = workbook.rows(
        sheet, lambda fraction: progress(0.5 + 0.4 * fraction, "Lecture des services")
    )
    with contextlib.closing(rows):
        _read_services(connection, rows, sheet, ids, report)


def _read_services(
    connection: sqlite3.Connection,
    rows: Iterator[list[Any]],
    sheet: str,
    ids: dict[str, int],
    report: ImportReport,
) -> None:
    header = next(rows, None)
    if header is None:
        return
    columns = map_columns(header, SERVICE_COLUMNS_BY_HEADER, REQUIRED_SERVICE, sheet, report)
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        report.rows_read += 1
        siret = normalize_siret(_cell(row, columns, "siret"))
        code = _text(_cell(row, columns, "code"))
        structure_id = ids.get(siret or "")
        if structure_id is None or code is None:
            report.orphan_services += 1
            continue
        active_value = _cell(row, columns, "active")
        id_service = _cell(row, columns, "id_service")
        batch.append(
            (
                structure_id,
                int(id_service) if isinstance(id_service, int | float) else None,
                code,
                _text(_cell(row, columns, "label")),
                int(active_value is None or yes(active_value)),
                int(yes(_cell(row, columns, "engagement_required"))),
            )
        )
        if len(batch) >= BATCH:
            report.services += _flush_services(connection, batch)
    report.services += _flush_services(connection, batch)


def _flush_services(connection: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> int:
    before = connection.total_changes
    connection.executemany(
        "INSERT OR IGNORE INTO services (structure_id, id_service, code, label, active, "
        "engagement_required) VALUES (?, ?, ?, ?, ?, ?)",
        batch,
    )
    batch.clear()
    return connection.total_changes - before


def _keep_fresh_online_rows(connection: sqlite3.Connection, old_index: Path) -> int:
    """Structures looked up online in the last days keep their (fresher) answer."""
    if not old_index.exists():
        return 0
    cutoff = (datetime.now(UTC) - ONLINE_KEPT_FOR).isoformat()
    old = connect(old_index)
    try:
        rows = old.execute(
            f"SELECT id, {STRUCTURE_COLUMNS} FROM structures "
            "WHERE source = 'api' AND fetched_at >= ?",
            (cutoff,),
        ).fetchall()
        services = {
            row[0]: old.execute(
                "SELECT id_service, code, label, active, engagement_required FROM services "
                "WHERE structure_id = ?",
                (row[0],),
            ).fetchall()
            for row in rows
        }
    except sqlite3.DatabaseError:
        return 0
    finally:
        old.close()
    for row in rows:
        old_id, values = row[0], row[1:]
        existing = connection.execute(
            "SELECT id FROM structures WHERE siret = ?", (values[0],)
        ).fetchone()
        if existing:
            connection.execute(
                "INSERT INTO structures_fts(structures_fts, rowid, name, label, city, postal_code) "
                "SELECT 'delete', id, name, label, city, postal_code FROM structures WHERE id = ?",
                existing,
            )
            connection.execute("DELETE FROM structures WHERE id = ?", existing)
        new_id = insert_structure(connection, structure_from_row(values))
        connection.execute(
            "INSERT INTO structures_fts(rowid, name, label, city, postal_code) "
            "SELECT id, name, label, city, postal_code FROM structures WHERE id = ?",
            (new_id,),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO services "
            "(structure_id, id_service, code, label, active, engagement_required) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(new_id, *service) for service in services[old_id]],
        )
    return len(rows)
