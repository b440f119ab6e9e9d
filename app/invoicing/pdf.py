"""The printable A4 invoice, made PDF/A-3 with its Factur-X XML (EN 16931 profile) embedded.

The page is laid out from HTML by PyMuPDF's Story (fonts embedded, as PDF/A wants); an sRGB
output intent is added; the factur-x library then attaches the XML with its relationship
and writes the XMP metadata with the Factur-X extension schema. French formatting: amounts
« 1 234,50 € », dates « 04/01/2027 ».
"""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

from app.domain.money import format_eur
from app.invoicing.mentions import legal_notes
from app.invoicing.model import UNIT_WORDS, CustomerKind, Line, VatRegime, WrittenInvoice
from app.invoicing.totals import line_net, totals_of

A4_MARGIN = 42  # points
MAX_LOGO_BYTES = 1024 * 1024
CSS = """
body { font-family: sans-serif; font-size: 9pt; color: #1b1f24; }
h1 { font-size: 18pt; margin: 0 0 2pt 0; }
.muted { color: #55606e; }
.parties td { vertical-align: top; padding: 0 8pt 8pt 0; }
table.lines { width: 100%; border-collapse: collapse; margin-top: 10pt; }
table.lines th { background-color: #e8edf3; text-align: left; padding: 3pt; font-size: 8pt; }
table.lines td { border-bottom: 1px solid #d5dbe3; padding: 3pt; vertical-align: top; }
.num { text-align: right; }
table.totals { margin-top: 8pt; }
table.totals td { padding: 1pt 4pt; }
.due { font-weight: bold; font-size: 11pt; }
.mentions { margin-top: 12pt; font-size: 7.5pt; color: #3a4350; }
"""


# A word longer than this gets invisible break opportunities: the page layout wraps it, in
# time linear in its length (without them it tries every cut: quadratic).
LONGEST_UNBROKEN = 40
_LONG_RUN = re.compile(r"\S{" + str(LONGEST_UNBROKEN) + "}")
ZERO_WIDTH_SPACE = "\u200b"


# A header over figures is aligned as they are: PyMuPDF's layout lets « table.lines th »
# win over a class, so the alignment is said on the cell itself.
RIGHT = "style='text-align: right'"


def _e(text: object) -> str:
    return html.escape(_LONG_RUN.sub(lambda run: run.group(0) + ZERO_WIDTH_SPACE, str(text)))


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " %"


def unit_words(line: Line) -> str:
    """« 1 heure », « 2 heures », « 1,5 jour » (French plural from 2 on)."""
    word = UNIT_WORDS.get(line.unit, "")
    if line.quantity < 2 or word.endswith(("s", "x")):
        return word
    return " ".join(f"{part}s" for part in word.split(" "))


def invoice_html(invoice: WrittenInvoice) -> str:
    """The page as HTML: who, what, how much, and every mandatory mention."""
    seller, customer, payment = invoice.seller, invoice.customer, invoice.payment
    totals = totals_of(invoice)
    taxed = invoice.regime is VatRegime.STANDARD
    title = "Avoir" if invoice.is_credit_note else "Facture"
    seller_lines = [
        f"<b>{_e(seller.legal_name)}</b>",
        *([_e(seller.trade_name)] if seller.trade_name else []),
        "Entrepreneur individuel",
        *(_e(part) for part in seller.address.lines()),
        f"SIREN {_e(seller.siren)} — SIRET {_e(seller.siret)}",
        _e(seller.registration),
        *([f"TVA intracommunautaire : {_e(seller.vat_number)}"] if seller.vat_number else []),
        *([_e(seller.email)] if seller.email else []),
        *([_e(seller.phone)] if seller.phone else []),
    ]
    customer_lines = [
        f"<b>{_e(customer.name)}</b>",
        *(_e(part) for part in customer.address.lines()),
    ]
    if customer.siret:
        customer_lines.append(f"SIRET {_e(customer.siret)}")
    elif customer.identifier_siren:
        customer_lines.append(f"SIREN {_e(customer.identifier_siren)}")
    if customer.vat_number:
        customer_lines.append(f"TVA intracommunautaire : {_e(customer.vat_number)}")
    if customer.kind is CustomerKind.PUBLIC and customer.code_service:
        customer_lines.append(f"Code service : {_e(customer.code_service)}")
    if customer.delivery_address:
        delivery = ", ".join(customer.delivery_address.lines())
        customer_lines.append(f"Livraison : {_e(delivery)}")

    references = [
        f"Date : {invoice.issue_date:%d/%m/%Y}",
        f"Date de la vente ou de la prestation : {invoice.delivery_date:%d/%m/%Y}",
    ]
    if customer.engagement:
        references.append(f"Numéro d'engagement : {_e(customer.engagement)}")
    if customer.purchase_order:
        references.append(f"Bon de commande : {_e(customer.purchase_order)}")
    if invoice.contract:
        references.append(f"Marché : {_e(invoice.contract)}")
    if invoice.credited_number:
        credited = f"Avoir sur la facture {_e(invoice.credited_number)}"
        if invoice.credited_date:
            credited += f" du {invoice.credited_date:%d/%m/%Y}"
        references.append(credited)

    rows = []
    for line in invoice.lines:
        discount = (
            f"<br/><span class='muted'>{_e(line.discount_reason)} : "
            f"−{_e(format_eur(line.discount))}</span>"
            if line.discount
            else ""
        )
        vat = f"<td class='num'>{_rate(line.vat_rate)}</td>" if taxed else ""
        rows.append(
            f"<tr><td>{_e(line.description)}{discount}</td>"
            f"<td class='num'>{_quantity(line.quantity)} {_e(unit_words(line))}</td>"
            f"<td class='num'>{_e(format_eur(line.unit_price))}</td>{vat}"
            f"<td class='num'>{_e(format_eur(line_net(line)))}</td></tr>"
        )
    vat_header = f"<th {RIGHT}>TVA</th>" if taxed else ""

    total_rows: list[tuple[str, Decimal]] = []
    if invoice.adjustments:
        total_rows.append(("Total des lignes HT", totals.lines))
    for adjustment in invoice.adjustments:
        sign = Decimal(1) if adjustment.is_charge else Decimal(-1)
        total_rows.append((adjustment.reason, sign * adjustment.amount))
    total_rows.append(("Total HT", totals.basis))
    if taxed:
        for part in totals.breakdown:
            total_rows.append((f"TVA {_rate(part.rate)} sur {format_eur(part.basis)}", part.tax))
    # without VAT the total is the HT one, said as such (a reader, and the prefill, look for it)
    total_rows.append(("Total TTC" if taxed else "Total", totals.grand_total))
    if totals.prepaid:
        total_rows.append(("Acompte déjà versé", -totals.prepaid))
    totals_html = "".join(
        f"<tr><td style='width:55%'></td><td style='width:30%'>{_e(label)}</td>"
        f"<td class='num'>{_e(format_eur(amount))}</td></tr>"
        for label, amount in total_rows
    )
    due_label = "Net à déduire" if invoice.is_credit_note else "Net à payer"

    payment_lines = [f"{_e(payment.means.label)} — échéance le {payment.due_date:%d/%m/%Y}"]
    if seller.iban:
        bank = f"IBAN {_e(seller.iban)}" + (f" — BIC {_e(seller.bic)}" if seller.bic else "")
        payment_lines.append(bank)
    mentions = [_e(invoice.regime.rule.mention)] if invoice.regime.rule.mention else []
    mentions += [_e(text) for _subject, text in legal_notes(invoice)]

    logo = '<p><img src="logo" height="48"/></p>' if seller.logo else ""
    return f"""{logo}
<h1>{title} n° {_e(invoice.number or "(brouillon)")}</h1>
<p class="muted">{"<br/>".join(references)}</p>
<table class="parties" style="width:100%"><tr>
<td style="width:50%">{"<br/>".join(seller_lines)}</td>
<td style="width:50%"><span class="muted">Client</span><br/>{"<br/>".join(customer_lines)}</td>
</tr></table>
<table class="lines" style="width:100%">
<tr><th>Désignation</th><th {RIGHT}>Quantité</th><th {RIGHT}>Prix unitaire HT</th>
{vat_header}<th {RIGHT}>Montant HT</th></tr>
{"".join(rows)}
</table>
<table class="totals" style="width:100%">{totals_html}
<tr class="due"><td></td><td>{due_label}</td>
<td class='num'>{_e(format_eur(totals.due))}</td></tr>
</table>
<p><b>Paiement</b> : {"<br/>".join(payment_lines)}</p>
<div class="mentions">{"<br/>".join(mentions)}</div>
"""


def _layout(page_html: str, logo: str | None = None) -> bytes:
    import base64

    import pymupdf

    archive = pymupdf.Archive()
    if logo:
        archive.add(base64.b64decode(logo), "logo")
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    story = pymupdf.Story(page_html, user_css=CSS, archive=archive)
    mediabox = pymupdf.paper_rect("a4")
    where = pymupdf.Rect(
        mediabox.x0 + A4_MARGIN,
        mediabox.y0 + A4_MARGIN,
        mediabox.x1 - A4_MARGIN,
        mediabox.y1 - A4_MARGIN,
    )
    more = 1
    while more:
        device = writer.begin_page(mediabox)
        more, _filled = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    return buffer.getvalue()


def _with_page_numbers(pdf: bytes, label: str) -> bytes:
    """« Facture 2027-0042 — page 1/2 » at the foot of each page of a long invoice, in a font
    embedded in the file (PDF/A wants every font embedded)."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        count = document.page_count
        if count < 2:
            return pdf
        font = pymupdf.Font("helv")
        for number, page in enumerate(document, start=1):
            page.insert_font(fontname="Pagination", fontbuffer=font.buffer)
            text = f"{label} — page {number}/{count}"
            width = font.text_length(text, fontsize=7.5)
            where = pymupdf.Point(page.rect.width - A4_MARGIN - width, page.rect.height - 22)
            page.insert_text(
                where, text, fontname="Pagination", fontsize=7.5, color=(0.33, 0.38, 0.43)
            )
        result: bytes = document.tobytes(garbage=1, deflate=True)
    return result


def _with_output_intent(pdf: bytes, title: str) -> bytes:
    """PDF/A wants the colours' meaning: an sRGB output intent (the profile from Pillow)."""
    import pymupdf
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        icc = document.get_new_xref()
        document.update_object(icc, "<< /N 3 >>")
        document.update_stream(icc, profile, compress=True)
        intent = document.get_new_xref()
        document.update_object(
            intent,
            "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier "
            f"(sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile {icc} 0 R >>",
        )
        document.xref_set_key(document.pdf_catalog(), "OutputIntents", f"[{intent} 0 R]")
        document.set_metadata({"title": title, "producer": "Bordereau", "creator": "Bordereau"})
        # only the glyphs the page uses stay embedded (PDF/A wants them embedded, not whole):
        # about 75 KB an invoice instead of 415 KB — ten years of invoices, their archive and
        # the database's backups stay small
        document.subset_fonts()
        result: bytes = document.tobytes(garbage=3, deflate=True)
    return result


def page_pdf(invoice: WrittenInvoice) -> bytes:
    """The printed page alone, without its XML (what a reader or an OCR sees)."""
    return _layout(invoice_html(invoice), invoice.seller.logo)


def logo_problem(content: bytes) -> str | None:
    """Why an image cannot be the invoice's logo, in French; None when it can."""
    from PIL import Image, UnidentifiedImageError

    if len(content) > MAX_LOGO_BYTES:
        return f"Le logo pèse {len(content) // 1024} Ko : 1 Mo au plus."
    from app.invoicing.values import logo_size_problem

    try:
        with Image.open(io.BytesIO(content)) as image:  # reads the header, decodes nothing
            kind = image.format
            width, height = image.size
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own limit, far above Bordereau's
        return (
            "Le logo est bien trop grand (des centaines de millions de pixels) : "
            "2 000 × 2 000 au plus."
        )
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "Ce fichier n'est pas une image lisible (PNG ou JPEG)."
    if kind not in ("PNG", "JPEG"):
        return f"Le logo doit être une image PNG ou JPEG (c'est du {kind})."
    return logo_size_problem(width, height)


def invoice_pdf(invoice: WrittenInvoice, xml: bytes) -> bytes:
    """The issued invoice's PDF/A-3 with ``xml`` embedded as Factur-X (EN 16931)."""
    from facturx import generate_from_binary

    title = f"{'Avoir' if invoice.is_credit_note else 'Facture'} {invoice.number}"
    pages = _with_page_numbers(page_pdf(invoice), title)
    page = _with_output_intent(pages, title)
    result: bytes = generate_from_binary(
        page,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,  # checked before, with the official rules
        # the page shows everything the XML says: an alternative representation (Factur-X
        # and ZUGFeRD ask « Alternative » above the MINIMUM and BASIC WL profiles)
        afrelationship="alternative",
        pdf_metadata={
            "author": invoice.seller.legal_name,
            "keywords": "Factur-X, facture",
            "title": title,
            "subject": f"{title} — {invoice.customer.name}",
        },
        lang="fr-FR",
    )
    return result
