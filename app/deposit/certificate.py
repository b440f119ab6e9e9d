"""« Certificat de dépôt »: a one-page PDF the supplier keeps as proof of the deposit."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from app.domain.money import format_eur
from app.files import write_atomically
from app.prefill.parsing import format_date_fr

A4_WIDTH, A4_HEIGHT = 595.0, 842.0  # points
MARGIN = 56


@dataclass(frozen=True, slots=True)
class DepositFacts:
    number: str
    issue_date: date | None
    chorus_invoice_id: int | None
    deposit_date: date | None
    status_label: str
    supplier_name: str
    supplier_siret: str
    recipient_name: str
    recipient_siret: str
    code_service: str | None
    engagement_number: str | None
    total_ht: Decimal
    total_tva: Decimal
    total_ttc: Decimal
    amount_due: Decimal
    currency: str
    file_name: str | None
    printed_at: datetime
    demo: bool = False  # deposited on the demo platform: not a proof of anything


def _money(amount: Decimal, currency: str) -> str:
    return (
        format_eur(amount).replace("\u202f", " ") if currency == "EUR" else f"{amount} {currency}"
    )


def _row(label: str, value: str | None) -> str:
    return (
        f"<tr><th width='40%'>{html.escape(label)}</th>"
        f"<td width='60%'>{html.escape(value or '—')}</td></tr>"
    )


def certificate_html(facts: DepositFacts) -> str:
    def day(value: date | None) -> str:
        return format_date_fr(value) if value else "—"

    rows = [
        _row("Numéro de facture", facts.number),
        _row("Date de facture", day(facts.issue_date)),
        _row("Identifiant Chorus Pro", str(facts.chorus_invoice_id or "—")),
        _row("Date de dépôt", day(facts.deposit_date)),
        _row("État", facts.status_label),
        _row("Fournisseur", f"{facts.supplier_name} — SIRET {facts.supplier_siret}"),
        _row("Destinataire", f"{facts.recipient_name} — SIRET {facts.recipient_siret}"),
        _row("Code service", facts.code_service),
        _row("Numéro d'engagement", facts.engagement_number),
        _row("Montant HT", _money(facts.total_ht, facts.currency)),
        _row("Montant TVA", _money(facts.total_tva, facts.currency)),
        _row("Montant TTC", _money(facts.total_ttc, facts.currency)),
        _row("Net à payer", _money(facts.amount_due, facts.currency)),
        _row("Pièce jointe principale", facts.file_name),
    ]
    printed = facts.printed_at.strftime("%d/%m/%Y à %H:%M")
    demo = (
        f"<p class='demo'>{DEMO_MARK}</p>"
        "<p>Établi en mode démonstration : cette facture n'a été déposée que sur le Chorus Pro "
        "simulé de Bordereau, pas sur Chorus Pro.</p>"
        if facts.demo
        else ""
    )
    return (
        demo + "<h1>Certificat de dépôt</h1>"
        "<p>Facture déposée sur Chorus Pro, le portail de facturation électronique de "
        "l'État.</p>"
        f"<table width='100%'>{''.join(rows)}</table>"
        f"<p class='foot'>Établi par Bordereau le {printed}, d'après la réponse de Chorus Pro. "
        "Le délai de paiement court à compter de la mise à disposition de la facture au "
        "destinataire.</p>"
    )


CSS = """
* { font-family: sans-serif; font-size: 11pt; color: #1d2733; }
h1 { font-size: 20pt; color: #0b4f8a; margin-bottom: 4pt; }
table { border-collapse: collapse; margin-top: 12pt; }
th { text-align: left; font-weight: bold; padding: 5pt; border-bottom: 1px solid #ccd; }
td { padding: 5pt; border-bottom: 1px solid #ccd; }
p.foot { font-size: 9pt; color: #556; margin-top: 18pt; }
p.demo { font-size: 18pt; font-weight: bold; color: #b00020; border: 2px solid #b00020;
         padding: 6pt; text-align: center; }
"""
DEMO_MARK = "DÉMONSTRATION — sans valeur"


def write_certificate(facts: DepositFacts, target: Path) -> Path:
    """Write the certificate atomically (a half-written PDF never replaces a good one)."""
    import pymupdf  # on first use: half a second to import, not at start-up

    document = pymupdf.open()
    page = document.new_page(width=A4_WIDTH, height=A4_HEIGHT)
    box = pymupdf.Rect(MARGIN, MARGIN, A4_WIDTH - MARGIN, A4_HEIGHT - MARGIN)
    page.insert_htmlbox(box, certificate_html(facts), css=CSS)
    if facts.demo:  # across the page too, so that a cropped copy still says it
        start = pymupdf.Point(MARGIN, A4_HEIGHT - 2.5 * MARGIN)
        page.insert_text(
            start,
            DEMO_MARK.replace("—", "-"),  # the base-14 font has no em dash
            fontsize=32,
            color=(0.85, 0.2, 0.2),
            fill_opacity=0.25,
            morph=(start, pymupdf.Matrix(40)),  # rising across the page
        )
    title = f"Certificat de dépôt — facture {facts.number}"
    document.set_metadata(
        {
            "title": f"{title} ({DEMO_MARK})" if facts.demo else title,
            "creator": "Bordereau",
            "producer": "Bordereau",
        }
    )
    try:
        content = document.tobytes(garbage=3, deflate=True)
    finally:
        document.close()
    write_atomically(target, content)
    return target
