"""Invoices Bordereau was not tuned on: other layouts, wordings, several pages, credit notes,
multi-rate VAT, totals in tables, several SIRETs, Factur-X, and scans of them.

Each fixture is a PDF plus its truth (the format of ../shared/corpus/README.md).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.prefill.parsing import format_amount_fr, format_date_fr
from app.simulator.seed import make_siret

FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SELLERS = (
    ("Atelier Bois & Lumière", "7 rue des Tanneurs", "67000 STRASBOURG"),
    ("Sophie Marchand Conseil", "22 avenue Jean Jaurès", "38000 GRENOBLE"),
    ("Plomberie Kerbrat", "3 impasse des Ajoncs", "29200 BREST"),
    ("Éditions du Quai", "48 quai de Saône", "69009 LYON"),
)
BUYERS = (
    ("COMMUNE DE VILLEURBANNE", "Place Lazare Goujon", "69100 VILLEURBANNE"),
    ("CENTRE HOSPITALIER DE CAHORS", "335 rue Wilson", "46000 CAHORS"),
    ("DÉPARTEMENT DE LA DRÔME", "26 avenue du Président Herriot", "26000 VALENCE"),
    ("UNIVERSITÉ DE POITIERS", "15 rue de l'Hôtel Dieu", "86000 POITIERS"),
)
ITEMS = (
    "Animation d'atelier lecture",
    "Réparation de fuite, bâtiment B",
    "Conception graphique du programme",
    "Formation tableur (½ journée)",
    "Fourniture de mobilier",
    "Déplacement",
)
LAYOUTS = ("deux_colonnes", "anglais", "multipage_avoir", "plusieurs_siret", "tableau_totaux")


def vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


class VatTotals:
    """Totals of an invoice whose lines give (quantity, unit price, rate): HT per rate, VAT
    per rate rounded to the cent, then the sums."""

    def priced_lines(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        raise NotImplementedError

    def vat_by_rate(self) -> dict[Decimal, tuple[Decimal, Decimal]]:
        bases: dict[Decimal, Decimal] = {}
        for quantity, price, rate in self.priced_lines():
            bases[rate] = bases.get(rate, Decimal(0)) + (quantity * price).quantize(Decimal("0.01"))
        return {
            rate: (base, (base * rate / 100).quantize(Decimal("0.01")))
            for rate, base in sorted(bases.items())
        }

    @property
    def total_ht(self) -> Decimal:
        return sum((base for base, _ in self.vat_by_rate().values()), Decimal("0.00"))

    @property
    def total_tva(self) -> Decimal:
        return sum((vat for _, vat in self.vat_by_rate().values()), Decimal("0.00"))

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_tva


@dataclass(slots=True)
class FixtureInvoice(VatTotals):
    name: str
    layout: str
    number: str
    issued: date
    credit_note: bool
    seller: tuple[str, str, str]
    seller_siret: str
    seller_hq_siret: str
    seller_vat: str | None
    buyer: tuple[str, str, str]
    buyer_siret: str
    order_reference: str | None
    lines: list[tuple[str, Decimal, Decimal, Decimal]]  # label, quantity, unit price, rate
    deposit: Decimal = Decimal("0.00")
    original_number: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def franchise(self) -> bool:
        return self.seller_vat is None

    def priced_lines(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        return [(quantity, price, rate) for _label, quantity, price, rate in self.lines]

    @property
    def amount_due(self) -> Decimal:
        return self.total_ttc - self.deposit

    def truth(self, *, scanned: bool = False) -> dict[str, Any]:
        return {
            "invoice_number": self.number,
            "issue_date": self.issued.isoformat(),
            "invoice_type": "avoir" if self.credit_note else "facture",
            "seller_name": self.seller[0],
            "seller_siret": self.seller_siret,
            "seller_vat": self.seller_vat,
            "buyer_name": self.buyer[0],
            "buyer_siret": self.buyer_siret,
            "order_reference": self.order_reference,
            "total_ht": str(self.total_ht),
            "total_tva": str(self.total_tva),
            "total_ttc": str(self.total_ttc),
            "amount_due": str(self.amount_due),
            "currency": "EUR",
            "scanned": scanned,
        }


def make_invoice(index: int, layout: str, rng: random.Random) -> FixtureInvoice:
    seller_siren8 = f"{rng.randrange(30_000_000, 99_999_999)}"
    seller_siret = make_siret(seller_siren8, f"{rng.randrange(10, 99):02d}01")
    buyer_siret = make_siret(f"2{rng.randrange(1_000_000, 9_999_999)}", "0001")
    franchise = rng.random() < 0.4 and layout != "anglais"
    multi_rate = layout in {"deux_colonnes", "tableau_totaux"} and not franchise
    lines = []
    for position in range(rng.randint(2, 14 if layout == "multipage_avoir" else 5)):
        rate = Decimal(0) if franchise else Decimal(rng.choice(["20", "10", "5.5"]))
        if multi_rate:
            rate = Decimal("5.5") if position % 2 else Decimal("20")
        lines.append(
            (
                ITEMS[(index + position) % len(ITEMS)],
                Decimal(rng.randint(1, 12)),
                Decimal(rng.randint(3_000, 250_000)) / 100,
                rate,
            )
        )
    credit_note = layout == "multipage_avoir"
    invoice = FixtureInvoice(
        name=f"gen_{index:03d}_{layout}",
        layout=layout,
        number=(
            f"AV-{2025}-{index:04d}"
            if credit_note
            else rng.choice(
                [f"F{2025}{index:04d}", f"2025/{index:03d}", f"FAC-{index:05d}", f"{index:04d}-B"]
            )
        ),
        issued=date(2025, 1, 1) + timedelta(days=rng.randrange(0, 600)),
        credit_note=credit_note,
        seller=SELLERS[index % len(SELLERS)],
        seller_siret=seller_siret,
        seller_hq_siret=make_siret(seller_siren8, "0009"),
        seller_vat=None if franchise else vat_number(seller_siret[:9]),
        buyer=BUYERS[index % len(BUYERS)],
        buyer_siret=buyer_siret,
        order_reference=rng.choice([None, f"EJ{rng.randrange(10**9, 10**10)}", f"BC-{index:04d}"]),
        lines=lines,
        original_number=f"F2025{index:04d}" if credit_note else None,
    )
    if layout == "tableau_totaux" and rng.random() < 0.7:
        invoice.deposit = (invoice.total_ttc * Decimal("0.3")).quantize(Decimal("0.01"))
    return invoice


# --- drawing ----------------------------------------------------------------------------------


class Canvas:
    def __init__(self) -> None:
        import pymupdf

        self.document = pymupdf.open()
        self.page: Any = None
        self.new_page()

    def new_page(self) -> None:
        self.page = self.document.new_page(width=595, height=842)
        self.page.insert_font(fontname="dv", fontfile=FONT_FILE)
        self.page.insert_font(fontname="dvb", fontfile=BOLD_FONT_FILE)

    def text(
        self,
        x: float,
        y: float,
        value: str,
        *,
        size: float = 10,
        bold: bool = False,
        right: bool = False,
    ) -> None:
        if right:
            import pymupdf

            width = pymupdf.Font(fontfile=BOLD_FONT_FILE if bold else FONT_FILE).text_length(
                value, size
            )
            x -= width
        self.page.insert_text((x, y), value, fontname="dvb" if bold else "dv", fontsize=size)

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.page.draw_line((x0, y0), (x1, y1), width=0.6)

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.page.draw_rect((x0, y0, x1, y1), width=0.6)

    def bytes(self) -> bytes:
        data: bytes = self.document.tobytes()
        self.document.close()
        return data


def _amount(value: Decimal, rng: random.Random) -> str:
    style = rng.choice(["fr", "fr_dot", "plain", "eur"])
    if style == "fr":
        return format_amount_fr(value, thousands="\u00a0")
    if style == "fr_dot":
        return format_amount_fr(value, thousands=".", symbol=False) + " €"
    if style == "eur":
        return format_amount_fr(value, thousands=" ", symbol=False) + " EUR"
    return f"{value:.2f} €"


def _lines_table(
    canvas: Canvas, invoice: FixtureInvoice, top: float, rng: random.Random, *, per_page: int = 6
) -> float:
    y = top
    canvas.text(50, y, "Désignation", bold=True)
    canvas.text(330, y, "Qté", bold=True)
    canvas.text(400, y, "PU HT", bold=True)
    canvas.text(545, y, "Montant HT", bold=True, right=True)
    canvas.rule(50, y + 5, 545, y + 5)
    y += 22
    for position, (label, quantity, price, _rate) in enumerate(invoice.lines):
        if position and position % per_page == 0:
            canvas.text(50, 800, "Suite page suivante", size=8)
            canvas.new_page()
            y = 80
        canvas.text(50, y, label)
        canvas.text(330, y, str(quantity))
        canvas.text(400, y, format_amount_fr(price, thousands="\u00a0", symbol=False))
        canvas.text(
            545,
            y,
            format_amount_fr(
                (quantity * price).quantize(Decimal("0.01")), thousands="\u00a0", symbol=False
            ),
            right=True,
        )
        y += 18
    return y + 10


def _totals(
    canvas: Canvas,
    invoice: FixtureInvoice,
    y: float,
    rng: random.Random,
    labels: dict[str, str],
    *,
    boxed: bool = False,
) -> float:
    rows: list[tuple[str, Decimal]] = [(labels["ht"], invoice.total_ht)]
    if invoice.franchise:
        rows.append((labels["tva"], Decimal("0.00")))
    else:
        for rate, (_base, vat) in invoice.vat_by_rate().items():
            shown = f"{rate.normalize():f}".replace(".", ",")
            rows.append((f"{labels['tva']} {shown} %", vat))
    rows.append((labels["ttc"], invoice.total_ttc))
    if invoice.deposit:
        rows.append((labels["deposit"], invoice.deposit))
    rows.append((labels["due"], invoice.amount_due))
    for label, value in rows:
        if boxed:
            canvas.rect(330, y - 12, 440, y + 5)
            canvas.rect(440, y - 12, 545, y + 5)
        canvas.text(335, y, label, bold=label == labels["due"])
        canvas.text(540, y, _amount(value, rng), right=True)
        y += 19
    if invoice.franchise:
        canvas.text(50, y + 10, "TVA non applicable, art. 293 B du CGI", size=8)
    return y + 20


FRENCH = {
    "ht": "Total HT",
    "tva": "TVA",
    "ttc": "Total TTC",
    "deposit": "Acompte versé",
    "due": "Net à payer",
}


def render(invoice: FixtureInvoice, rng: random.Random) -> bytes:
    canvas = Canvas()
    seller, buyer = invoice.seller, invoice.buyer
    siret_text = lambda s: f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if rng.random() < 0.5 else s  # noqa: E731
    if invoice.layout == "deux_colonnes":
        canvas.text(50, 60, seller[0], size=14, bold=True)
        canvas.text(50, 78, seller[1])
        canvas.text(50, 92, seller[2])
        canvas.text(50, 106, f"SIRET {siret_text(invoice.seller_siret)}")
        if invoice.seller_vat:
            canvas.text(50, 120, f"TVA intracom. {invoice.seller_vat}")
        canvas.text(545, 60, "FACTURE", size=18, bold=True, right=True)
        canvas.text(360, 84, f"N° : {invoice.number}")
        canvas.text(360, 98, f"Date : {invoice.issued.strftime('%d/%m/%Y')}")
        canvas.text(
            360, 112, f"Échéance : {(invoice.issued + timedelta(days=30)).strftime('%d/%m/%Y')}"
        )
        canvas.text(330, 160, "Adresse de facturation", bold=True)
        canvas.text(330, 176, buyer[0])
        canvas.text(330, 190, buyer[1])
        canvas.text(330, 204, buyer[2])
        canvas.text(330, 218, f"SIRET : {siret_text(invoice.buyer_siret)}")
        if invoice.order_reference:
            canvas.text(50, 250, f"Réf. commande : {invoice.order_reference}")
        y = _lines_table(canvas, invoice, 290, rng)
        _totals(
            canvas,
            invoice,
            y + 10,
            rng,
            {
                **FRENCH,
                "ht": "Montant total HT",
                "due": "Reste à payer",
                "deposit": "Acompte déjà réglé",
            },
        )
    elif invoice.layout == "anglais":
        canvas.text(50, 60, seller[0], size=14, bold=True)
        canvas.text(50, 78, f"{seller[1]}, {seller[2]}")
        canvas.text(50, 92, f"SIRET: {invoice.seller_siret}   VAT: {invoice.seller_vat}")
        canvas.text(50, 130, "INVOICE", size=18, bold=True)
        canvas.text(50, 150, f"Invoice number: {invoice.number}")
        english_months = (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        )
        canvas.text(
            50,
            164,
            f"Invoice date: {invoice.issued.day} {english_months[invoice.issued.month - 1]} "
            f"{invoice.issued.year}",
        )
        canvas.text(330, 130, "Bill to:", bold=True)
        canvas.text(330, 146, buyer[0])
        canvas.text(330, 160, f"{buyer[1]}, {buyer[2]}")
        canvas.text(330, 174, f"Customer SIRET: {invoice.buyer_siret}")
        if invoice.order_reference:
            canvas.text(330, 188, f"PO number: {invoice.order_reference}")
        y = _lines_table(canvas, invoice, 230, rng)
        _totals(
            canvas,
            invoice,
            y + 10,
            rng,
            {
                "ht": "Total excl. VAT",
                "tva": "VAT",
                "ttc": "Total incl. VAT",
                "deposit": "Deposit paid",
                "due": "Amount due",
            },
        )
    elif invoice.layout == "multipage_avoir":
        canvas.text(50, 60, seller[0], size=13, bold=True)
        canvas.text(50, 76, f"{seller[1]} – {seller[2]}")
        canvas.text(50, 90, f"Siret {siret_text(invoice.seller_siret)}")
        if invoice.seller_vat:
            canvas.text(50, 104, f"N° TVA : {invoice.seller_vat}")
        canvas.text(50, 140, f"AVOIR N° {invoice.number}", size=16, bold=True)
        canvas.text(
            50,
            158,
            f"Fait à {seller[2].split(' ', 1)[1].title()}, le {format_date_fr(invoice.issued)}",
        )
        canvas.text(50, 172, f"Facture d'origine : {invoice.original_number}")
        canvas.text(330, 140, "Destinataire", bold=True)
        canvas.text(330, 156, buyer[0])
        canvas.text(330, 170, buyer[2])
        canvas.text(330, 184, f"Siret : {invoice.buyer_siret}")
        if invoice.order_reference:
            canvas.text(330, 198, f"N° d'engagement juridique : {invoice.order_reference}")
        y = _lines_table(canvas, invoice, 240, rng, per_page=5)
        if y > 600:
            canvas.new_page()
            y = 80
        _totals(canvas, invoice, y + 10, rng, FRENCH)
    elif invoice.layout == "plusieurs_siret":
        canvas.text(50, 60, seller[0], size=14, bold=True)
        canvas.text(50, 78, seller[1])
        canvas.text(50, 92, seller[2])
        canvas.text(50, 106, f"SIRET : {invoice.seller_siret}")
        canvas.text(50, 140, "Client", bold=True)
        canvas.text(50, 156, buyer[0])
        canvas.text(50, 170, f"{buyer[1]} {buyer[2]}")
        canvas.text(50, 184, f"SIRET : {siret_text(invoice.buyer_siret)}")
        canvas.text(360, 140, f"Facture n° {invoice.number}", bold=True)
        canvas.text(360, 156, f"Le {invoice.issued.strftime('%d.%m.%Y')}")
        if invoice.order_reference:
            canvas.text(360, 170, f"Bon de commande n° {invoice.order_reference}")
        y = _lines_table(canvas, invoice, 230, rng)
        y = _totals(canvas, invoice, y + 10, rng, FRENCH)
        canvas.text(
            50,
            790,
            f"Siège social : {seller[0]}, SIRET {invoice.seller_hq_siret}, "
            f"RCS {seller[2].split(' ', 1)[1].title()}",
            size=7,
        )
        if invoice.seller_vat:
            canvas.text(50, 800, f"TVA intracommunautaire {invoice.seller_vat}", size=7)
    else:  # tableau_totaux
        canvas.rect(40, 40, 555, 130)
        canvas.text(50, 60, seller[0], size=14, bold=True)
        canvas.text(50, 76, f"{seller[1]}, {seller[2]}")
        canvas.text(50, 92, f"N° SIRET : {siret_text(invoice.seller_siret)}")
        if invoice.seller_vat:
            canvas.text(50, 108, f"Identifiant TVA : {invoice.seller_vat}")
        canvas.text(360, 60, "Facture", size=16, bold=True)
        canvas.text(360, 80, f"Numéro de facture : {invoice.number}")
        canvas.text(360, 94, f"Date de facturation : {format_date_fr(invoice.issued)}")
        canvas.text(50, 160, "Facturé à", bold=True)
        canvas.text(50, 176, buyer[0])
        canvas.text(50, 190, buyer[2])
        canvas.text(50, 204, f"SIRET destinataire : {invoice.buyer_siret}")
        if invoice.order_reference:
            canvas.text(360, 176, f"Engagement n° {invoice.order_reference}")
        y = _lines_table(canvas, invoice, 250, rng)
        _totals(canvas, invoice, y + 16, rng, {**FRENCH, "due": "Net à payer (EUR)"}, boxed=True)
    return canvas.bytes()


def scan_of(
    pdf: bytes,
    rng: random.Random,
    *,
    dpi: int = 200,
    blur: float = 0.4,
    quality: int = 60,
    tilt: float = 1.2,
    grey_paper: bool = False,
) -> bytes:
    """An image-only copy: rendered, slightly rotated (up to ``tilt`` degrees), blurred,
    grey and JPEG-compressed. ``grey_paper``: as a phone or a copier gives it — the paper
    grey and unevenly lit (195 to 235 of 255 across the page, in a random direction), the
    ink not black, grain."""
    import io

    import pymupdf
    from PIL import Image, ImageFilter

    source = pymupdf.open(stream=pdf, filetype="pdf")
    output = pymupdf.open()
    for page in source:
        pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        image = Image.open(io.BytesIO(pixmap.tobytes("png")))
        image = image.rotate(rng.uniform(-tilt, tilt), expand=False, fillcolor=255)
        if grey_paper:
            image = _on_grey_paper(image, rng)
        image = image.filter(ImageFilter.GaussianBlur(blur))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality)
        new_page = output.new_page(width=page.rect.width, height=page.rect.height)
        new_page.insert_image(new_page.rect, stream=buffer.getvalue())
    data: bytes = output.tobytes()
    source.close()
    output.close()
    return data


def _on_grey_paper(image: Any, rng: random.Random) -> Any:
    from PIL import Image, ImageChops

    darkest, lightest = 195, 235
    light = (
        Image.linear_gradient("L")
        .rotate(rng.uniform(0, 360), fillcolor=128)
        .resize(image.size)
        .point(lambda value: darkest + (lightest - darkest) * value // 255)
    )
    ink = rng.randint(35, 70)
    lit = ImageChops.multiply(image, light.point(lambda value: value - ink))
    # around 128, spread as Gaussian grain of 12 would be, from the seeded ``rng``
    grain = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height)).point(
        lambda value: 128 + (value - 128) * 12 // 74
    )
    return ImageChops.add(lit.point(lambda value: value + ink), grain, offset=-128)


def with_facturx(pdf: bytes, invoice: FixtureInvoice) -> bytes:
    """Embed the invoice's CII XML (EN 16931) with the factur-x library."""
    from facturx import generate_from_binary

    from tests.support.facturx_sample import cii_xml

    rates = {rate for *_rest, rate in invoice.lines}
    assert len(rates) == 1, "the sample CII carries one VAT rate"
    xml = cii_xml(
        invoice.number,
        seller=invoice.seller_siret,
        buyer=invoice.buyer_siret,
        engagement=invoice.order_reference,
        total_ht=str(invoice.total_ht),
        vat_rate=str(rates.pop()),
        seller_vat=invoice.seller_vat,
        issued=invoice.issued.strftime("%Y%m%d"),
    )
    result: bytes = generate_from_binary(
        pdf, xml, flavor="factur-x", level="en16931", check_xsd=False
    )
    return result


def write_fixtures(
    folder: Path, *, count: int = 20, scans: int = 5, facturx: int = 3, seed: int = 2026
) -> list[Path]:
    """Write ``count`` text PDFs, ``scans`` scanned copies and ``facturx`` Factur-X files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        invoice = make_invoice(index, LAYOUTS[index % len(LAYOUTS)], rng)
        pdf = render(invoice, rng)
        written.append(_write(folder, invoice.name, pdf, invoice.truth()))
        if index < scans:
            written.append(
                _write(
                    folder, invoice.name + "_scan", scan_of(pdf, rng), invoice.truth(scanned=True)
                )
            )
    for index in range(count, count + facturx):
        invoice = make_invoice(index, "deux_colonnes", rng)
        invoice.lines = [
            (label, quantity, price, Decimal(0) if invoice.franchise else Decimal(20))
            for label, quantity, price, _rate in invoice.lines
        ]
        pdf = with_facturx(render(invoice, rng), invoice)
        written.append(_write(folder, invoice.name + "_facturx", pdf, invoice.truth()))
    return written


def _write(folder: Path, name: str, pdf: bytes, truth: dict[str, Any]) -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    (folder / f"{name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return path


def derive_scans(
    source: Path,
    target: Path,
    *,
    seed: int = 2026,
    harsh: bool = False,
    grey_paper: bool = False,
) -> int:
    """Scans of each PDF of ``source`` that has a text layer and a truth: ``NAME_scan.pdf``
    in ``target``, at 200 or 300 dpi, with its truth marked ``scanned``. ``harsh``: what an
    old office scanner gives — 200 dpi, more blur and tilt, strong JPEG. ``grey_paper``:
    what a phone or a copier gives — harsh, on grey, unevenly lit paper, with grain, blur
    1.1 px and JPEG 30."""
    import pymupdf

    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = 0
    for pdf in sorted(source.glob("*.pdf")):
        truth_file = pdf.with_suffix(".truth.json")
        if not truth_file.exists():
            continue
        with pymupdf.open(pdf) as document:
            if not any(page.get_text().strip() for page in document):
                continue  # already an image: nothing to derive
        truth = json.loads(truth_file.read_text("utf-8"))
        truth["scanned"] = True
        dpi = 200 if harsh else rng.choice((200, 300))
        if grey_paper:
            scan = scan_of(
                pdf.read_bytes(), rng, dpi=200, blur=1.1, quality=30, tilt=2.0, grey_paper=True
            )
        elif harsh:
            scan = scan_of(pdf.read_bytes(), rng, dpi=dpi, blur=0.9, quality=35, tilt=2.0)
        else:
            scan = scan_of(pdf.read_bytes(), rng, dpi=dpi)
        _write(target, pdf.stem + "_scan", scan, truth)
        written += 1
    return written
