"""A received invoice as a readable page (HTML for the window, and for a file with no PDF):
seller and buyer, dates, lines, VAT breakdown, totals, what to pay and where, attachments —
in French, amounts in French digits, and what the checks found first."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from app.domain.money import format_amount
from app.einvoice.document import Party, ReceivedDocument

SEVERITY_COLOURS = {"alerte": "#b00020", "erreur": "#b35900", "avertissement": "#5f6368"}
MEANS = {
    "30": "virement",
    "31": "virement",
    "42": "paiement sur compte",
    "48": "carte bancaire",
    "49": "prélèvement",
    "57": "virement permanent",
    "58": "virement SEPA",
    "59": "prélèvement SEPA",
    "10": "espèces",
    "20": "chèque",
}


# UN/ECE recommendation 20 units as a French invoice says them
UNITS = {
    "C62": "u.",
    "H87": "u.",
    "EA": "u.",
    "XPP": "u.",
    "HUR": "h",
    "DAY": "j",
    "MON": "mois",
    "ANN": "an",
    "KGM": "kg",
    "MTR": "m",
    "MTK": "m²",
    "LTR": "l",
    "KWH": "kWh",
    "LS": "forfait",
}


def unit_label(code: str | None) -> str:
    return UNITS.get(code or "", code or "")


def _money(value: Decimal | None, currency: str | None) -> str:
    if value is None:
        return "—"
    suffix = " €" if currency in (None, "EUR") else f" {escape(currency)}"
    return f"{format_amount(value)}{suffix}"


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def _party(title: str, party: Party) -> str:
    lines = [f"<b>{escape(party.display_name or '—')}</b>"]
    if party.trading_name and party.trading_name != party.name:
        lines.append(escape(party.trading_name))
    lines += [escape(line) for line in party.address.lines]
    place = " ".join(part for part in (party.address.postcode, party.address.city) if part)
    if place or party.address.country:
        lines.append(escape(" ".join(part for part in (place, party.address.country) if part)))
    if party.siret:
        lines.append(f"SIRET {escape(party.siret)}")
    elif party.siren:
        lines.append(f"SIREN {escape(party.siren)}")
    if party.vat_number:
        lines.append(f"TVA {escape(party.vat_number)}")
    if party.contact_email:
        lines.append(escape(party.contact_email))
    return f"<td valign='top' width='50%'><i>{title}</i><br>{'<br>'.join(lines)}</td>"


def readable_html(document: ReceivedDocument, findings: list[dict[str, Any]]) -> str:
    currency = document.currency
    parts: list[str] = []
    for finding in findings:
        colour = SEVERITY_COLOURS.get(str(finding.get("severity")), "#5f6368")
        parts.append(
            f"<p style='color:{colour}'><b>{escape(str(finding.get('severity', '')).upper())}"
            f"</b> — {escape(str(finding.get('message', '')))}</p>"
        )
    title = "AVOIR" if document.is_credit_note else "FACTURE"
    parts.append(
        f"<h2>{title} n° {escape(document.number or '—')}</h2>"
        f"<p>du {_date(document.issue_date)} — échéance {_date(document.due_date)}"
        + (f" — commande {escape(document.order)}" if document.order else "")
        + (f" — contrat {escape(document.contract)}" if document.contract else "")
        + "</p>"
    )
    if document.preceding:
        parts.append(
            "<p>Corrige la facture "
            + ", ".join(escape(number) for number, _day in document.preceding)
            + "</p>"
        )
    parts.append(
        "<table width='100%' cellpadding='4'><tr>"
        + _party("Fournisseur", document.seller)
        + _party("Client", document.buyer)
        + "</tr></table>"
    )
    rows = "".join(
        "<tr>"
        f"<td>{escape(line.name or line.description or '')}</td>"
        f"<td align='right'>{escape(str(line.quantity or ''))} {escape(unit_label(line.unit))}</td>"
        f"<td align='right'>{_money(line.net_price, currency)}</td>"
        f"<td align='right'>{escape(str(line.vat_rate or ''))} %</td>"
        f"<td align='right'>{_money(line.net_amount, currency)}</td>"
        "</tr>"
        for line in document.lines
    )
    parts.append(
        "<table width='100%' border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th align='left'>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th>"
        f"<th>TVA</th><th>Montant HT</th></tr>{rows}</table>"
    )
    vat_rows = "".join(
        f"<tr><td>{escape(str(part.rate if part.rate is not None else ''))} % "
        f"({escape(part.category or '')})"
        + (f" — {escape(part.exemption_reason)}" if part.exemption_reason else "")
        + f"</td><td align='right'>{_money(part.basis, currency)}</td>"
        f"<td align='right'>{_money(part.tax, currency)}</td></tr>"
        for part in document.vat
    )
    totals = document.totals
    parts.append(
        "<h3>TVA</h3><table border='1' cellspacing='0' cellpadding='4'>"
        f"<tr><th>Taux</th><th>Base HT</th><th>TVA</th></tr>{vat_rows}</table>"
        "<h3>Totaux</h3><table cellpadding='2'>"
        f"<tr><td>Total HT</td><td align='right'>{_money(totals.without_vat, currency)}</td></tr>"
        f"<tr><td>TVA</td><td align='right'>{_money(totals.vat, currency)}</td></tr>"
        f"<tr><td>Total TTC</td><td align='right'>{_money(totals.with_vat, currency)}</td></tr>"
        + (
            f"<tr><td>Déjà payé</td><td align='right'>{_money(totals.prepaid, currency)}</td></tr>"
            if totals.prepaid
            else ""
        )
        + f"<tr><td><b>Net à payer</b></td><td align='right'><b>"
        f"{_money(totals.due, currency)}</b></td></tr></table>"
    )
    payment = document.payment
    paying = [MEANS.get(payment.means_code or "", payment.means_text or payment.means_code or "")]
    if payment.iban:
        paying.append(f"IBAN {escape(payment.iban)}")
    if payment.bic:
        paying.append(f"BIC {escape(payment.bic)}")
    if payment.remittance:
        paying.append(f"référence {escape(payment.remittance)}")
    parts.append(
        "<h3>Paiement</h3><p>" + " — ".join(item for item in paying if item) + "</p>"
        + (f"<p>{escape(payment.terms)}</p>" if payment.terms else "")
    )  # fmt: skip
    if document.notes:
        parts.append(
            "<h3>Notes</h3>" + "".join(f"<p>{escape(note)}</p>" for note in document.notes)
        )
    if document.attachments:
        parts.append(
            "<h3>Pièces jointes</h3><ul>"
            + "".join(
                f"<li>{escape(item.file_name or item.identifier or 'pièce')} "
                f"{escape(item.description or '')}"
                + (f" ({len(item.content)} octets)" if item.content else "")
                + "</li>"
                for item in document.attachments
            )
            + "</ul>"
        )
    return "<html><body>" + "".join(parts) + "</body></html>"
