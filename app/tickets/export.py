"""A sollicitation out of Bordereau: text for the portal's form, a CSV of the list, a letter."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO

from app.domain.text import french_date, french_long_date
from app.files import spreadsheet_csv, write_atomically
from app.tickets.store import TicketRecord, TicketRow
from app.tickets.templates import Template

A4_WIDTH, A4_HEIGHT = 595.0, 842.0  # points
MARGIN = 64


def portal_text(record: TicketRecord) -> str:
    """The fields in the order the portal's form asks for them, ready to paste."""
    draft = record.draft
    supplier = draft.supplier_name or "—"
    if draft.supplier_siret:
        supplier += f" (SIRET {draft.supplier_siret})"
    recipient = draft.recipient_name or "—"
    if draft.recipient_siret:
        recipient += f" (SIRET {draft.recipient_siret})"
    lines = [
        f"Catégorie : {draft.category}",
        f"Sous-catégorie : {draft.subcategory}",
        f"Type d'objet : {draft.object_type}",
        f"N° objet : {draft.object_number or '—'}",
        f"Structure émettrice : {supplier}",
        f"Service émetteur : {draft.supplier_service or '—'}",
        f"Organisation destinataire : {recipient}",
        f"Titre : {draft.title}",
        "Description :",
        draft.description,
    ]
    if record.files:
        lines.append("Pièces jointes : " + ", ".join(item.file_name for item in record.files))
    return "\n".join(lines)


CSV_HEADERS = (
    "N° de sollicitation",
    "Statut",
    "Titre",
    "Catégorie",
    "Sous-catégorie",
    "Type d'objet",
    "N° objet",
    "Destinataire",
    "SIRET destinataire",
    "Créée le",
    "Mise à jour le",
)


def write_csv(rows: Iterable[TicketRow], stream: IO[str]) -> None:
    writer = spreadsheet_csv(stream)
    writer.writerow(CSV_HEADERS)
    for row in rows:
        writer.writerow(
            (
                row.portal_number,
                row.status_label,
                row.title,
                row.category,
                row.subcategory,
                row.object_type,
                row.object_number,
                row.recipient_name,
                row.recipient_siret,
                french_date(row.created_at),
                french_date(row.updated_at),
            )
        )


def csv_bytes(rows: Iterable[TicketRow]) -> bytes:
    buffer = io.StringIO(newline="")
    write_csv(rows, buffer)
    return buffer.getvalue().encode("utf-8")


def letter_heading(record: TicketRecord) -> str:
    """A late payment is a formal notice; the other requests are plain letters."""
    if record.draft.template == Template.LATE_PAYMENT.value:
        return "Mise en demeure — réclamation des intérêts moratoires"
    return "Réclamation" if record.draft.template == Template.REJECTION_QUESTION else "Demande"


def _paragraphs(text: str) -> str:
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block.strip()
    )


def letter_html(record: TicketRecord, today: date) -> str:
    draft = record.draft
    sender = [draft.supplier_name, f"SIRET {draft.supplier_siret}" if draft.supplier_siret else ""]
    if draft.supplier_service:
        sender.append(f"Service {draft.supplier_service}")
    recipient = [
        draft.recipient_name,
        f"SIRET {draft.recipient_siret}" if draft.recipient_siret else "",
    ]
    references = []
    if draft.object_number:
        references.append(f"{draft.object_type or 'Facture'} n° {draft.object_number}")
    if record.portal_number:
        references.append(f"sollicitation Chorus Pro n° {record.portal_number}")
    files = (
        "<p class='files'>Pièces jointes : "
        + html.escape(", ".join(item.file_name for item in record.files))
        + "</p>"
        if record.files
        else ""
    )

    def block(lines: list[str]) -> str:
        return "<br/>".join(html.escape(line) for line in lines if line)

    registered = (
        "<p class='mode'>Lettre recommandée avec accusé de réception</p>"
        if draft.template == Template.LATE_PAYMENT.value
        else ""
    )
    return (
        f"<p class='sender'>{block(sender)}</p>"
        f"<p class='recipient'>{block(recipient)}</p>"
        f"<p class='date'>Le {french_long_date(today)}</p>"
        f"{registered}"
        f"<h1>{html.escape(letter_heading(record))}</h1>"
        f"<p class='object'><b>Objet :</b> {html.escape(draft.title)}</p>"
        + (
            f"<p class='object'><b>Références :</b> {html.escape(' ; '.join(references))}</p>"
            if references
            else ""
        )
        + f"<div class='body'>{_paragraphs(draft.description)}</div>"
        + files
    )


CSS = """
* { font-family: sans-serif; font-size: 10.5pt; color: #1d2733; }
p { margin-top: 0; margin-bottom: 9pt; line-height: 1.35; }
p.sender { font-weight: bold; }
p.recipient { margin-left: 55%; margin-top: 18pt; margin-bottom: 24pt; }
p.date { margin-left: 55%; margin-bottom: 18pt; }
p.mode { font-style: italic; }
h1 { font-size: 13pt; color: #0b4f8a; margin-top: 6pt; margin-bottom: 10pt; }
p.object { margin-bottom: 4pt; }
div.body { margin-top: 16pt; }
p.files { margin-top: 14pt; font-size: 9.5pt; color: #556; }
"""


def letter_pdf(record: TicketRecord, today: date) -> bytes:
    """The letter on as many A4 pages as its text needs."""
    import pymupdf  # on first use: half a second to import, not at start-up

    a4 = pymupdf.Rect(0, 0, A4_WIDTH, A4_HEIGHT)
    story = pymupdf.Story(html=letter_html(record, today), user_css=CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    area = pymupdf.Rect(MARGIN, MARGIN, A4_WIDTH - MARGIN, A4_HEIGHT - MARGIN)
    more = True
    while more:
        device = writer.begin_page(a4)
        more, _filled = story.place(area)
        story.draw(device)
        writer.end_page()
    writer.close()
    document = pymupdf.open("pdf", buffer.getvalue())
    try:
        document.set_metadata(
            {
                "title": f"{letter_heading(record)} — {record.draft.title}",
                "creator": "Bordereau",
                "producer": "Bordereau",
            }
        )
        content: bytes = document.tobytes(garbage=3, deflate=True)
        return content
    finally:
        document.close()


def write_letter(record: TicketRecord, target: Path, today: date) -> Path:
    return write_atomically(target, letter_pdf(record, today))
