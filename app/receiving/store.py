"""Received invoices kept: the original file unchanged (its bytes in the database by sha256,
and written once in ``archives/recues/<année>/``), what was read from it and what the checks
found, once per platform flow whatever happens (a second sync, two workstations)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import models
from app.db.engine import Database
from app.domain.lifecycle import LIFECYCLE, pa_status
from app.einvoice.document import ReceivedDocument
from app.einvoice.reading import read_document, syntax_of
from app.errors import ValidationProblem
from app.files import file_name_for, write_new_file
from app.receiving.checks import Finding, History, check

log = logging.getLogger(__name__)

ARRIVED = "203"  # « Mise à disposition »: the platform made it available to the user
EXTENSIONS = {"Factur-X": "pdf", "CII": "xml", "UBL": "xml"}


@dataclass(frozen=True, slots=True)
class Arrival:
    """One incoming flow as the platform gives it."""

    flow_id: str
    file_name: str
    content: bytes
    received_at: datetime


def seller_key(document: ReceivedDocument) -> str | None:
    """Who the seller is, for duplicates and bank details: its SIREN, else its VAT number,
    else its name."""
    seller = document.seller
    key = seller.siren or (seller.vat_number or "").replace(" ", "").upper() or seller.display_name
    return key[:40] if key else None


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def official_findings(content: bytes, document: ReceivedDocument) -> list[Finding]:
    """The official EN 16931 (and, between French businesses, BR-FR) rules on a CII or a
    Factur-X; UBL is said unchecked by them (the schematrons shipped are CII's)."""
    from app.deposit.official_rules import OfficialRulesUnavailable, official_report
    from app.einvoice.reading import embedded_invoice

    if document.syntax == "UBL":
        return [
            Finding(
                "REGLES",
                "info",
                "Facture UBL : vérifiée par Bordereau (calculs, identifiants), pas par les "
                "schematrons officiels, publiés pour CII.",
            )
        ]
    xml = embedded_invoice(content) if document.syntax == "Factur-X" else content
    if xml is None:
        return []
    try:
        report = official_report(xml)
    except OfficialRulesUnavailable as exc:
        log.warning("Règles officielles indisponibles : %s", exc)
        return []
    except Exception:  # a file the rules' engine cannot even load: said, not fatal
        log.exception("Règles officielles non appliquées")
        return []
    return [
        Finding(rule.rule, "erreur", f"Règle officielle {rule.rule} : {rule.message}")
        for rule in report.broken
    ]


def _history(
    database: Database, environment: str, key: str | None, number: str | None, flow_id: str
) -> tuple[str | None, tuple[str, ...]]:
    if key is None:
        return None, ()
    with database.session() as session:
        rows = session.execute(
            select(
                models.ReceivedInvoice.number,
                models.ReceivedInvoice.issue_date,
                models.ReceivedInvoice.iban,
                models.ReceivedInvoice.pa_flow_id,
            ).where(
                models.ReceivedInvoice.environment == environment,
                models.ReceivedInvoice.seller_key == key,
                models.ReceivedInvoice.pa_flow_id != flow_id,
            )
        ).all()
    duplicate = next(
        (
            f"n° {row.number}" + (f" du {row.issue_date:%d/%m/%Y}" if row.issue_date else "")
            for row in rows
            if number and row.number == number
        ),
        None,
    )
    ibans = tuple(dict.fromkeys(row.iban for row in rows if row.iban))
    return duplicate, ibans


def keep(
    database: Database,
    environment: str,
    arrival: Arrival,
    archive_root: Path,
    user_siren: str | None,
) -> tuple[int, bool]:
    """The received invoice's row (created once per flow) and whether it is new."""
    existing = received_id_of_flow(database, environment, arrival.flow_id)
    if existing is not None:
        return existing, False
    sha256 = hashlib.sha256(arrival.content).hexdigest()
    syntax = syntax_of(arrival.content)
    document: ReceivedDocument | None
    try:
        document = read_document(arrival.content)
        read_error = None
    except ValidationProblem as exc:
        document, read_error = None, exc.message
    findings: list[Finding] = []
    key = number = None
    if document is not None:
        key, number = seller_key(document), document.number
        duplicate, ibans = _history(database, environment, key, number, arrival.flow_id)
        findings = check(document, History(duplicate, ibans, user_siren))
        findings += official_findings(arrival.content, document)
        syntax = document.syntax
    else:
        findings = [Finding("LECTURE", "erreur", read_error or "Fichier illisible.")]
    _keep_bytes(database, sha256, arrival.content)
    row = models.ReceivedInvoice(
        local_uid=str(uuid.uuid4()),
        environment=environment,
        pa_flow_id=arrival.flow_id,
        syntax=syntax if syntax != "?" else "inconnu",
        file_name=arrival.file_name[:255] or f"{arrival.flow_id}.{EXTENSIONS.get(syntax, 'bin')}",
        original_sha256=sha256,
        received_at=arrival.received_at,
        readable=document is not None,
        read_error=read_error,
        data=document.as_json() if document is not None else {},
        problems=[finding.as_json() for finding in findings],
        status=pa_status(ARRIVED),
        status_at=arrival.received_at,
    )
    if document is not None:
        _fill(row, document, key)
    row.history.append(
        models.ReceivedHistory(
            status=row.status, occurred_at=arrival.received_at, source="pa", actor="la plateforme"
        )
    )
    try:
        with database.session() as session:
            session.add(row)
            session.flush()
            row_id = row.id
    except IntegrityError:  # another workstation kept it at the same moment
        found = received_id_of_flow(database, environment, arrival.flow_id)
        assert found is not None
        return found, False
    _archive(database, archive_root, row_id, arrival.content)
    return row_id, True


def _fill(row: models.ReceivedInvoice, document: ReceivedDocument, key: str | None) -> None:
    totals = document.totals
    row.number = (document.number or "")[:200] or None
    row.type_code = document.type_code
    row.issue_date = document.issue_date
    row.due_date = document.due_date
    row.currency = (document.currency or "")[:3] or None
    row.seller_name = document.seller.display_name[:300] or None
    row.seller_key = key
    row.seller_vat = (document.seller.vat_number or "")[:40] or None
    row.buyer_siren = document.buyer.siren
    row.total_ht = _money(totals.without_vat)
    row.total_tva = _money(totals.vat)
    row.total_ttc = _money(totals.with_vat)
    row.amount_due = _money(totals.due)
    row.iban = "".join((document.payment.iban or "").split()).upper()[:60] or None


def _keep_bytes(database: Database, sha256: str, content: bytes) -> None:
    with database.session() as session:
        if session.get(models.StoredFile, sha256) is not None:
            return
    try:
        with database.session() as session:
            session.add(models.StoredFile(sha256=sha256, size=len(content), content=content))
    except IntegrityError:
        log.debug("Fichier %s déjà en base", sha256)


def original(database: Database, received_id: int) -> tuple[str, bytes]:
    """The file as received (name, bytes), its sha256 checked."""
    with database.session() as session:
        row = session.get(models.ReceivedInvoice, received_id)
        if row is None:
            raise ValidationProblem("Facture reçue introuvable.")
        stored = session.get(models.StoredFile, row.original_sha256)
        name, sha256 = row.file_name, row.original_sha256
        content = bytes(stored.content) if stored is not None else None
    if content is None or hashlib.sha256(content).hexdigest() != sha256:
        raise ValidationProblem(
            f"Le fichier d'origine de la facture reçue {name} est endommagé dans la base : "
            "reprenez-le dans le dossier des archives (Fichier › Restaurer une sauvegarde…)."
        )
    return name, content


def archive_name(row: models.ReceivedInvoice) -> str:
    stem = f"{row.seller_name or 'fournisseur'} {row.number or row.pa_flow_id}"
    return file_name_for(stem, EXTENSIONS.get(row.syntax, "xml"))


def archive_year(row: models.ReceivedInvoice) -> int:
    return (row.issue_date or row.received_at.date()).year


def _archive(database: Database, root: Path, received_id: int, content: bytes) -> None:
    """Written once in ``archives/recues/<année>/`` (never rewritten); a failure is logged
    and retried at the next sync."""
    with database.session() as session:
        row = session.get(models.ReceivedInvoice, received_id)
        assert row is not None
        target = root / "recues" / str(archive_year(row)) / archive_name(row)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not write_new_file(target, content) and (
                hashlib.sha256(target.read_bytes()).hexdigest() != row.original_sha256
            ):
                target = target.with_name(f"{target.stem} ({row.pa_flow_id[:12]}){target.suffix}")
                write_new_file(target, content)
            row.archived = True
        except OSError as exc:
            log.warning("Archive de la facture reçue %s impossible : %s", received_id, exc)


def archive_missing(database: Database, root: Path) -> int:
    """Archive what could not be archived before; the number archived now."""
    with database.session() as session:
        waiting = list(
            session.scalars(
                select(models.ReceivedInvoice.id).where(models.ReceivedInvoice.archived.is_(False))
            )
        )
    for received_id in waiting:
        _name, content = original(database, received_id)
        _archive(database, root, received_id, content)
    return len(waiting)


def received_id_of_flow(database: Database, environment: str, flow_id: str) -> int | None:
    with database.session() as session:
        return session.scalar(
            select(models.ReceivedInvoice.id).where(
                models.ReceivedInvoice.environment == environment,
                models.ReceivedInvoice.pa_flow_id == flow_id,
            )
        )


def set_status(
    database: Database,
    received_id: int,
    code: str,
    at: datetime,
    comment: str | None,
    who: str,
    source: str,
    paid_on: date | None = None,
) -> bool:
    """The status in the history once, and current when it is the latest; True when new."""
    status = pa_status(code)
    with database.session() as session:
        row = session.get(models.ReceivedInvoice, received_id)
        assert row is not None
        if _already(row, status, at, source):
            return False
        row.history.append(
            models.ReceivedHistory(
                status=status, occurred_at=at, comment=comment, source=source, actor=who
            )
        )
        # the user's answers follow each other in the order given (a payment dated the day
        # before it is said still comes after the approval); the platform's, by their time
        if source == "local" or row.status_at is None or _aware(row.status_at) <= at:
            row.status, row.status_at, row.status_comment = status, at, comment
        if paid_on is not None:
            row.paid_on = paid_on
    return True


def _already(row: models.ReceivedInvoice, status: str, at: datetime, source: str) -> bool:
    """An answer of the user is given once; a platform's status once per moment."""
    for item in row.history:
        if item.status != status:
            continue
        if source == "local" and item.source == "local":
            return True
        if abs((_aware(item.occurred_at) - at).total_seconds()) < 1:
            return True
    return False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def status_label(status: str) -> str:
    code = status.removeprefix("PA_")
    found = LIFECYCLE.get(code)
    return found.label if found else status


def row_json(row: models.ReceivedInvoice) -> dict[str, Any]:
    """The list's view of a received invoice (French keys, as the other JSON outputs)."""
    return {
        "id": row.id,
        "identifiant_flux": row.pa_flow_id,
        "syntaxe": row.syntax,
        "fichier": row.file_name,
        "sha256": row.original_sha256,
        "recue_le": row.received_at.isoformat(),
        "numero": row.number,
        "type": "avoir" if (row.data or {}).get("credit_note") else "facture",
        "date": row.issue_date.isoformat() if row.issue_date else None,
        "echeance": row.due_date.isoformat() if row.due_date else None,
        "fournisseur": row.seller_name,
        "fournisseur_siren": (row.data or {}).get("seller", {}).get("siren"),
        "fournisseur_tva": row.seller_vat,
        "devise": row.currency,
        "total_ht": _text(row.total_ht),
        "total_tva": _text(row.total_tva),
        "total_ttc": _text(row.total_ttc),
        "net_a_payer": _text(row.amount_due),
        "iban": row.iban,
        "statut": row.status,
        "libelle": status_label(row.status),
        "paye_le": row.paid_on.isoformat() if row.paid_on else None,
        "lisible": row.readable,
        "alertes": [item for item in row.problems or [] if item.get("severity") == "alerte"],
        "nb_problemes": len(
            [item for item in row.problems or [] if item.get("severity") in ("alerte", "erreur")]
        ),
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
