# ruff: noqa: E501  (HTML templates: a table row reads best on one line)
"""Invoices written the way French invoicing software and office documents lay them out,
as HTML for a real producer (WeasyPrint, LibreOffice) to turn into PDF.

Each family is a kind of software, not a file: an ERP export (labels above their values in
an info band, taxes per line, « Total » alone), a label/value form with seller and buyer
boxes that both carry SIRET and VAT (the Factur-X forum's way), a telecom bill (amount due
and debit date first, legal identifiers in small print with the share capital), a
word-processor invoice (one bordered table, totals in its last rows, « Arrêtée la présente
facture… »), a micro-entrepreneur's franchise invoice (dates in words, « Total » only), a
bilingual invoice (Subtotal / VAT / Total) and a credit note (negative amounts, the
invoice it cancels with its own date). Wording, date and amount formats are drawn from the
vocabularies real invoices use, so no two fixtures read alike.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.prefill.parsing import FRENCH_MONTHS
from app.simulator.seed import make_siret
from tests.support.invoice_factory import VatTotals, vat_number

FAMILIES = (
    "erp",
    "formulaire",
    "telecom",
    "traitement_texte",
    "micro",
    "bilingue",
    "avoir",
    "saas",
    "operateur",
    "presse",
)
SELLERS = (
    ("Menuiserie Le Gall", "12 rue du Port", "56100 LORIENT"),
    ("Clara Petit Traduction", "5 place des Carmes", "31000 TOULOUSE"),
    ("Nettoyage Azur Services", "140 boulevard de la Madeleine", "06000 NICE"),
    ("Studio Graphique Obliq", "9 rue Sainte-Catherine", "33000 BORDEAUX"),
    ("Élec Pro Dumont", "Zone artisanale des Prés", "59300 VALENCIENNES"),
    ("Les Jardins d'Hélène", "2 chemin des Vignes", "84000 AVIGNON"),
)
BUYERS = (
    ("MAIRIE DE SAINT-NAZAIRE", "Place François Blancho", "44600 SAINT-NAZAIRE"),
    ("LYCÉE VICTOR HUGO", "10 rue Saint-Exupéry", "25000 BESANÇON"),
    ("CHU DE NANTES", "5 allée de l'Île Gloriette", "44000 NANTES"),
    ("COMMUNAUTÉ D'AGGLOMÉRATION DU GRAND DAX", "20 avenue de la Gare", "40100 DAX"),
    ("MUSÉE DES BEAUX-ARTS", "Palais Saint-Pierre", "69001 LYON"),
)
ITEMS = (
    ("Pose de plinthes chêne", "m"),
    ("Traduction juridique anglais-français", "page"),
    ("Entretien des locaux (mensuel)", "forfait"),
    ("Maquette d'affiche A2", "unité"),
    ("Remplacement tableau électrique", "forfait"),
    ("Taille des haies", "heure"),
    ("Déplacement", "km"),
    ("Fournitures diverses", "lot"),
)


@dataclass(slots=True)
class Party:
    name: str
    street: str
    city: str
    siret: str
    vat: str | None


@dataclass(slots=True)
class ProducerInvoice(VatTotals):
    name: str
    family: str
    number: str
    issued: date
    due: date
    seller: Party
    buyer: Party
    order_reference: str | None
    lines: list[tuple[str, str, Decimal, Decimal, Decimal]]  # label, unit, qty, price, rate
    deposit: Decimal = Decimal("0.00")
    credit_note: bool = False
    original: tuple[str, date] | None = None
    style: dict[str, Any] = field(default_factory=dict)

    @property
    def franchise(self) -> bool:
        return self.seller.vat is None

    def priced_lines(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        return [(quantity, price, rate) for _label, _unit, quantity, price, rate in self.lines]

    def truth(self) -> dict[str, Any]:
        # Credit notes are deposited with positive amounts (the type says it is a credit).
        return {
            "invoice_number": self.number,
            "issue_date": self.issued.isoformat(),
            "invoice_type": "avoir" if self.credit_note else "facture",
            "seller_name": self.seller.name,
            "seller_siret": self.seller.siret,
            "seller_vat": self.seller.vat,
            "buyer_name": self.buyer.name,
            "buyer_siret": self.buyer.siret,
            "order_reference": self.order_reference,
            "total_ht": str(self.total_ht),
            "total_tva": str(self.total_tva),
            "total_ttc": str(self.total_ttc),
            # As the corpus does: the amount due only where the invoice prints one.
            "amount_due": str(self.total_ttc - self.deposit) if self.style.get("due") else None,
            "currency": "EUR",
            "scanned": False,
            "extra": {"family": self.family, "style": self.style},
        }


# --- formats --------------------------------------------------------------------------------


def money(value: Decimal, style: str, *, sign: str = "-") -> str:
    negative = value < 0
    integer, fraction = f"{abs(value):.2f}".split(".")
    separator = {"fr": "\u202f", "fr_nbsp": "\u00a0", "fr_space": " ", "fr_dot": ".", "en": ","}
    thousands = separator.get(style.split("+")[0], "")
    grouped = ""
    while len(integer) > 3:
        grouped = thousands + integer[-3:] + grouped
        integer = integer[:-3]
    decimal_mark = "." if style.startswith("en") else ","
    text = f"{integer}{grouped}{decimal_mark}{fraction}"
    if style.endswith("+eur"):
        text += " EUR"
    elif style.startswith("en"):
        text = "€" + text
    elif not style.endswith("+bare"):
        text += "\u00a0€"
    return f"{sign}{text}" if negative else text


def day(value: date, style: str) -> str:
    if style == "slash":
        return value.strftime("%d/%m/%Y")
    if style == "dash":
        return value.strftime("%d-%m-%Y")
    if style == "dot":
        return value.strftime("%d.%m.%Y")
    if style == "iso":
        return value.isoformat()
    if style == "short_year":
        return value.strftime("%d/%m/%y")
    first = "1er" if value.day == 1 and style == "words_er" else str(value.day)
    return f"{first} {FRENCH_MONTHS[value.month - 1]} {value.year}"


def spaced_siret(siret: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def esc(text: str) -> str:
    return html.escape(text, quote=False)


# --- the invoice ----------------------------------------------------------------------------


def make_invoice(index: int, family: str, rng: random.Random) -> ProducerInvoice:
    seller_name = SELLERS[rng.randrange(len(SELLERS))]
    buyer_name = BUYERS[rng.randrange(len(BUYERS))]
    franchise = family == "micro" or (
        family in {"traitement_texte", "avoir"} and rng.random() < 0.3
    )
    siren = f"{rng.randrange(30_000_000, 99_999_999)}"
    seller_siret = make_siret(siren, f"{rng.randrange(10, 99):02d}0{rng.randrange(1, 9)}")
    seller = Party(*seller_name, seller_siret, None if franchise else vat_number(seller_siret[:9]))
    buyer_siret = make_siret(
        f"2{rng.randrange(1_000_000, 9_999_999)}", f"00{rng.randrange(10, 99)}"
    )
    buyer = Party(*buyer_name, buyer_siret, vat_number(buyer_siret[:9]))
    rates = (
        [Decimal(0)]
        if franchise
        else [Decimal("2.1")]
        if family == "presse"
        else rng.choice(
            [
                [Decimal(20)],
                [Decimal(20)],
                [Decimal(10), Decimal(20)],
                [Decimal("5.5"), Decimal(20)],
                [Decimal("2.1")],
            ]
        )
    )
    lines = []
    for position in range(rng.randint(1, 7)):
        label, unit = ITEMS[(index + position * 3) % len(ITEMS)]
        quantity = (
            Decimal(rng.choice([1, 1, 2, 3, 5, 8, 12, 24]))
            if unit != "heure"
            else Decimal(rng.choice(["1.5", "3", "7.5", "10"]))
        )
        price = Decimal(rng.randint(900, 180_000)) / 100
        lines.append((label, unit, quantity, price, rates[position % len(rates)]))
    issued = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000))
    year = issued.year
    number = rng.choice(
        {
            "erp": [
                f"FAC/{year}/{index + 1:05d}",
                f"FA{year}-{index + 17:04d}",
                f"INV/{year}/{index:04d}",
            ],
            "formulaire": [
                f"F{year}{index + 100:04d}",
                f"{year}-{index + 1:03d}",
                f"FC-{index + 501}",
            ],
            "telecom": [f"{rng.randrange(10**9, 10**10)}", f"FM{rng.randrange(10**7, 10**8)}"],
            "traitement_texte": [
                f"{year}-{index + 1:03d}",
                f"N°{index + 12}",
                f"{index + 40}/{year}",
            ],
            "micro": [
                f"F-{year}-{index + 1:03d}",
                f"{year}{index + 1:03d}",
                f"FACT{index + 7:04d}",
            ],
            "bilingue": [f"INV-{year}-{index + 1:04d}", f"{year}/{index + 77}"],
            "saas": [f"F-{year}-{index + 1:04d}", f"FA-{index + 1000}", f"{year}-{index + 5:05d}"],
            "operateur": [
                f"{year}-{rng.randrange(10**8, 10**9)}",
                f"{rng.randrange(10**7, 10**8)}",
            ],
            "presse": [f"NP{rng.randrange(10**5, 10**6)}", f"{year}/{index + 300:05d}"],
            "avoir": [
                f"AV-{year}-{index + 1:03d}",
                f"A{year}{index + 3:04d}",
                f"RFAC/{year}/{index + 1:04d}",
            ],
        }[family]
    )
    if family == "traitement_texte" and number.startswith("N°"):
        number = number[2:]
    invoice = ProducerInvoice(
        name=f"prod_{index:03d}_{family}",
        family=family,
        number=number,
        issued=issued,
        due=issued + timedelta(days=rng.choice([15, 30, 30, 45, 60])),
        seller=seller,
        buyer=buyer,
        order_reference=rng.choice(
            [
                None,
                f"EJ{rng.randrange(10**9, 10**10)}",
                f"BC{year}-{rng.randrange(100, 999)}",
                f"{rng.randrange(10**9, 10**10)}",
            ]
        ),
        lines=lines,
        credit_note=family == "avoir",
    )
    if invoice.credit_note:
        invoice.original = (
            f"F{year}-{index + 2:03d}",
            issued - timedelta(days=rng.randrange(5, 60)),
        )
    elif family in {"formulaire", "traitement_texte"} and rng.random() < 0.4:
        invoice.deposit = (invoice.total_ttc * Decimal("0.3")).quantize(Decimal("0.01"))
    invoice.style = {
        "money": rng.choice(["fr", "fr_nbsp", "fr_space", "fr_dot", "fr+eur", "fr_space+bare"])
        if family != "bilingue"
        else rng.choice(["en", "fr", "fr_nbsp"]),
        "date": rng.choice(["slash", "slash", "dash", "dot", "words", "iso"])
        if family not in {"micro", "telecom"}
        else rng.choice(["words", "words_er", "slash"]),
        "font": rng.choice(["DejaVu Sans", "Liberation Sans", "Liberation Serif", "DejaVu Serif"]),
        "size": rng.choice([8.5, 9, 10, 11]),
    }
    return invoice


# --- HTML -----------------------------------------------------------------------------------


def _page(invoice: ProducerInvoice, body: str) -> str:
    style = invoice.style
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 14mm 14mm 18mm 14mm; }}
body {{ font-family: '{style["font"]}'; font-size: {style["size"]}pt; color: #222; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 3px 6px; vertical-align: top; }}
.lines {{ width: 100%; margin-top: 14px; }}
.lines th {{ background: #e8e8e8; text-align: left; border-bottom: 1px solid #888; }}
.lines td {{ border-bottom: 1px solid #ddd; }}
.num {{ text-align: right; white-space: nowrap; }}
.small {{ font-size: 7pt; color: #555; }}
.box {{ border: 1px solid #999; padding: 6px; }}
h1 {{ font-size: 20pt; margin: 0 0 6px 0; }}
.right {{ float: right; }}
.total td {{ font-weight: bold; }}
</style></head><body>{body}</body></html>"""


def _lines_rows(
    invoice: ProducerInvoice, *, taxes_column: bool, unit_column: bool, minus: str = "-"
) -> str:
    money_style = invoice.style["money"].split("+")[0] + "+bare"
    rows = []
    sign = Decimal(-1) if invoice.credit_note and invoice.style.get("negative") else Decimal(1)
    for label, unit, quantity, price, rate in invoice.lines:
        amount = (quantity * price).quantize(Decimal("0.01"))
        cells = [
            f"<td>{esc(label)}</td>",
            f"<td class='num'>{quantity.normalize():f}".replace(".", ",") + "</td>",
        ]
        if unit_column:
            cells.append(f"<td>{esc(unit)}</td>")
        cells.append(f"<td class='num'>{money(price, money_style)}</td>")
        if taxes_column:
            shown = "" if rate == 0 else f"TVA {rate.normalize():f} %".replace(".", ",")
            cells.append(f"<td>{shown}</td>")
        cells.append(f"<td class='num'>{money(sign * amount, money_style, sign=minus)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",")


def render_html(invoice: ProducerInvoice, rng: random.Random) -> str:
    return {
        "erp": _erp,
        "formulaire": _formulaire,
        "telecom": _telecom,
        "traitement_texte": _traitement_texte,
        "micro": _micro,
        "bilingue": _bilingue,
        "avoir": _avoir,
        "saas": _saas,
        "operateur": _operateur,
        "presse": _presse,
    }[invoice.family](invoice, rng)


def _address(party: Party) -> str:
    return f"<b>{esc(party.name)}</b><br>{esc(party.street)}<br>{esc(party.city)}"


def _erp(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    capital = rng.choice(["1 000", "5 000", "10 000", "150 000"])
    info_labels = ["Date de facturation", "Date d'échéance", "Origine", "Référence client"]
    info_values = [
        day(invoice.issued, d),
        day(invoice.due, d),
        esc(invoice.order_reference or "S000" + str(rng.randrange(10, 99))),
        esc(f"C{rng.randrange(1000, 9999)}"),
    ]
    if invoice.order_reference:
        info_labels[2] = rng.choice(["Bon de commande", "N° d'engagement", "Votre commande"])
    vat_rows = "".join(
        f"<tr><td>TVA {_rate(rate)} % sur {money(base, m)}</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (base, vat) in invoice.vat_by_rate().items()
    )
    return _page(
        invoice,
        f"""
<table style="width:100%"><tr><td>{_address(s)}</td>
<td style="width:45%"><br><br>{_address(b)}<br>SIRET : {spaced_siret(b.siret, rng)}</td></tr></table>
<h1 style="margin-top:28px">Facture {esc(invoice.number)}</h1>
<table style="width:100%"><tr>{"".join(f"<th style='text-align:left'>{label}</th>" for label in info_labels)}</tr>
<tr>{"".join(f"<td>{value}</td>" for value in info_values)}</tr></table>
<table class="lines"><tr><th>Description</th><th class="num">Quantité</th><th>Unité</th>
<th class="num">Prix unitaire</th><th>Taxes</th><th class="num">Montant</th></tr>
{_lines_rows(invoice, taxes_column=True, unit_column=True)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
<tr><td>{rng.choice(["Montant hors taxes", "Montant HT", "Total HT"])}</td><td class="num">{money(invoice.total_ht, m)}</td></tr>
{vat_rows}
<tr class="total"><td>Total</td><td class="num">{money(invoice.total_ttc, m)}</td></tr></table>
<p>Veuillez utiliser la communication suivante pour votre paiement : {esc(invoice.number)}</p>
<p>Conditions de paiement : {(invoice.due - invoice.issued).days} jours</p>
<div class="small" style="position:fixed; bottom:0; width:100%; text-align:center">
{esc(s.name)} – SARL au capital de {capital} € – SIRET {s.siret} – TVA {s.vat or "non applicable"}
– IBAN FR76 3000 4000 0300 0012 3456 789</div>""",
    )


def _formulaire(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    vat_label = rng.choice(
        ["N° TVA", "TVA intracommunautaire", "Identifiant TVA", "N° de TVA intracom."]
    )

    def party_box(title: str, party: Party) -> str:
        return (
            f"<td class='box' style='width:50%'><b>{title}</b><br>{_address(party)}<br>"
            f"SIRET : {spaced_siret(party.siret, rng)}<br>{vat_label} : {party.vat}</td>"
        )

    head = [
        (
            rng.choice(["N° de facture", "Numéro de facture", "Facture N°", "Nº facture"]),
            esc(invoice.number),
        ),
        (rng.choice(["Date de facture", "Date d'émission", "Date"]), day(invoice.issued, d)),
        (
            rng.choice(["Date d'échéance", "Échéance", "Date limite de paiement"]),
            day(invoice.due, d),
        ),
    ]
    if invoice.order_reference:
        head.append(
            (
                rng.choice(["Référence commande", "Bon de commande", "Engagement juridique"]),
                esc(invoice.order_reference),
            )
        )
    if rng.random() < 0.5:
        head.insert(0, head.pop(2))  # the due date first
    breakdown = "".join(
        f"<tr><td class='num'>{_rate(rate)} %</td><td class='num'>{money(base, m)}</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (base, vat) in invoice.vat_by_rate().items()
    )
    totals = [
        ("Total HT", invoice.total_ht),
        ("Total TVA", invoice.total_tva),
        ("Total TTC", invoice.total_ttc),
    ]
    if invoice.deposit:
        totals.append(
            (rng.choice(["Acompte versé", "Montant déjà payé", "Acompte reçu"]), invoice.deposit)
        )
    totals.append(
        (
            rng.choice(["Net à payer", "Montant à payer", "Reste dû"]),
            invoice.total_ttc - invoice.deposit,
        )
    )
    invoice.style["due"] = True
    return _page(
        invoice,
        f"""<h1>FACTURE</h1>
<table style="width:100%"><tr>{party_box("Vendeur", s)}{party_box("Acheteur", b)}</tr></table>
<table style="margin-top:12px">{"".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in head)}</table>
<table class="lines"><tr><th>Désignation</th><th class="num">Qté</th><th>Unité</th><th class="num">PU HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=True)}</table>
<table style="margin-top:12px; width:100%"><tr><td style="width:50%">
<table><tr><th>Taux</th><th>Base HT</th><th>Montant TVA</th></tr>{breakdown}</table></td>
<td><table style="width:100%">{"".join(f"<tr><td>{label}</td><td class='num'>{money(value, m)}</td></tr>" for label, value in totals)}</table></td></tr></table>
<p class="small">En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement : 40 €.
Pénalités de retard : trois fois le taux d'intérêt légal.</p>""",
    )


def _telecom(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    capital = rng.choice(["365 138 779", "12 000 000", "3 500 000"])
    invoice.style["due"] = True
    vat_rows = "".join(
        f"<tr><td>TVA à {_rate(rate)} %</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (_base, vat) in invoice.vat_by_rate().items()
    )
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td><b style="font-size:16pt">{esc(s.name)}</b></td>
<td style="text-align:right">Espace client : www.exemple.fr</td></tr></table>
<h1 style="margin-top:16px">Votre facture du {day(invoice.issued, d)}</h1>
<table style="width:100%"><tr><td class="box" style="width:50%">
<b>Montant total à payer</b><br><span style="font-size:18pt">{money(invoice.total_ttc, m)}</span><br>
Prélevé à partir du {day(invoice.due, d)}</td>
<td style="padding-left:20px">{_address(b)}<br>SIRET : {spaced_siret(b.siret, rng)}</td></tr></table>
<table style="margin-top:10px"><tr><td>Facture N° :</td><td>{esc(invoice.number)}</td></tr>
<tr><td>N° de compte client :</td><td>{rng.randrange(10**7, 10**8)}</td></tr>
{f"<tr><td>Référence de commande :</td><td>{esc(invoice.order_reference)}</td></tr>" if invoice.order_reference else ""}
<tr><td>Période :</td><td>du {day(invoice.issued - timedelta(days=30), "slash")} au {day(invoice.issued - timedelta(days=1), "slash")}</td></tr></table>
<table class="lines"><tr><th>Détail de vos services</th><th class="num">Qté</th><th class="num">Prix HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
<tr><td>Total hors taxes</td><td class="num">{money(invoice.total_ht, m)}</td></tr>{vat_rows}
<tr class="total"><td>Total TTC</td><td class="num">{money(invoice.total_ttc, m)}</td></tr></table>
<div class="small" style="position:fixed; bottom:0">{esc(s.name)}, société par actions simplifiée au capital de
{capital} € – {esc(s.street)}, {esc(s.city)} – RCS {esc(s.city.split(" ", 1)[1].title())} {s.siret[:3]} {s.siret[3:6]} {s.siret[6:9]}
– SIRET {s.siret} – N° TVA intracommunautaire : {s.vat}</div>""",
    )


def _traitement_texte(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    rows = _lines_rows(invoice, taxes_column=False, unit_column=False)
    totals = [("Total HT", invoice.total_ht)]
    if invoice.franchise:
        totals.append(("TVA", Decimal("0.00")))
    else:
        totals += [
            (f"TVA {_rate(rate)} %", vat) for rate, (_b, vat) in invoice.vat_by_rate().items()
        ]
    totals.append(("Total TTC", invoice.total_ttc))
    if invoice.deposit:
        totals += [
            ("Acompte", invoice.deposit),
            ("Reste à payer", invoice.total_ttc - invoice.deposit),
        ]
        invoice.style["due"] = True
    total_rows = "".join(
        f"<tr><td colspan='3' style='text-align:right; border:1px solid #000'><b>{label}</b></td>"
        f"<td class='num' style='border:1px solid #000'>{money(value, m)}</td></tr>"
        for label, value in totals
    )
    date_line = rng.choice(
        [
            f"Date : {day(invoice.issued, d)}",
            f"{esc(s.city.split(' ', 1)[1].title())}, le {day(invoice.issued, d)}",
            f"Facture du {day(invoice.issued, d)}",
        ]
    )
    number_line = rng.choice(
        [
            f"FACTURE N° {esc(invoice.number)}",
            f"Facture n° {esc(invoice.number)}",
            f"FACTURE Nº {esc(invoice.number)}",
        ]
    )
    return _page(
        invoice,
        f"""<p>{_address(s)}<br>SIRET : {spaced_siret(s.siret, rng)}{f"<br>TVA : {s.vat}" if s.vat else ""}</p>
<p style="margin-left:55%" class="box">{_address(b)}<br>SIRET : {b.siret}</p>
<p style="text-align:center; font-size:15pt"><b>{number_line}</b></p>
<p>{date_line}{f"<br>Bon de commande : {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table style="width:100%; border:1px solid #000"><tr><th style="border:1px solid #000">Désignation</th>
<th style="border:1px solid #000">Quantité</th><th style="border:1px solid #000">Prix unitaire HT</th>
<th style="border:1px solid #000">Montant HT</th></tr>{rows}{total_rows}</table>
<p>Arrêtée la présente facture à la somme de {money(invoice.total_ttc - invoice.deposit, m)} TTC.</p>
{"<p>TVA non applicable, art. 293 B du CGI</p>" if invoice.franchise else ""}
<p>Date limite de paiement : {day(invoice.due, d)}. Règlement par virement.</p>""",
    )


def _micro(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    total_label = rng.choice(["Total", "Total HT", "Montant total"])
    due_label = rng.choice(["Montant à payer", "Net à payer", "Total à régler"])
    invoice.style["due"] = True
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td>{_address(s)}<br>EI – Entrepreneur individuel<br>
SIRET : {spaced_siret(s.siret, rng)}</td>
<td style="text-align:right"><h1>Facture</h1>Numéro : {esc(invoice.number)}<br>
{rng.choice(["Émise le", "Date d'émission :", "Date :"])} {day(invoice.issued, d)}<br>
À régler avant le {day(invoice.due, d)}</td></tr></table>
<p style="margin-left:50%; margin-top:20px"><b>Client</b><br>{_address(b)}<br>SIRET : {spaced_siret(b.siret, rng)}
{f"<br>N° d'engagement : {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table class="lines"><tr><th>Prestation</th><th class="num">Quantité</th><th>Unité</th><th class="num">Prix unitaire</th><th class="num">Total</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=True)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
<tr><td>{total_label}</td><td class="num">{money(invoice.total_ht, m)}</td></tr>
<tr class="total"><td>{due_label}</td><td class="num">{money(invoice.total_ttc, m)}</td></tr></table>
<p>TVA non applicable, art. 293 B du CGI</p>
<p class="small">Pas d'escompte pour paiement anticipé. Indemnité forfaitaire pour frais de recouvrement : 40 €.</p>""",
    )


def _bilingue(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    invoice.style["due"] = True
    vat_rows = "".join(
        f"<tr><td>TVA / VAT {_rate(rate)} %</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (_base, vat) in invoice.vat_by_rate().items()
    )
    return _page(
        invoice,
        f"""<h1>Facture / Invoice</h1>
<table style="width:100%"><tr><td>{_address(s)}<br>SIRET: {s.siret}<br>VAT: {s.vat}</td>
<td><b>Bill to / Facturé à</b><br>{_address(b)}<br>SIRET: {spaced_siret(b.siret, rng)}</td></tr></table>
<table style="margin-top:10px"><tr><td>Invoice No. / N° :</td><td>{esc(invoice.number)}</td></tr>
<tr><td>Date :</td><td>{day(invoice.issued, d)}</td></tr>
<tr><td>Due date / Échéance :</td><td>{day(invoice.due, d)}</td></tr>
{f"<tr><td>PO / Bon de commande :</td><td>{esc(invoice.order_reference)}</td></tr>" if invoice.order_reference else ""}</table>
<table class="lines"><tr><th>Description</th><th class="num">Qty</th><th class="num">Unit price</th><th class="num">Amount</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
<tr><td>Subtotal / Total HT</td><td class="num">{money(invoice.total_ht, m)}</td></tr>{vat_rows}
<tr class="total"><td>Total / Total TTC</td><td class="num">{money(invoice.total_ttc, m)}</td></tr>
<tr><td>Amount due / Net à payer</td><td class="num">{money(invoice.total_ttc, m)}</td></tr></table>""",
    )


def _avoir(invoice: ProducerInvoice, rng: random.Random) -> str:
    invoice.style["negative"] = rng.random() < 0.6
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    sign = Decimal(-1) if invoice.style["negative"] else Decimal(1)
    minus = rng.choice(["-", "\u2212"])
    assert invoice.original is not None
    totals = [("Total HT", invoice.total_ht)]
    totals += [
        (f"TVA {_rate(rate)} %", vat) for rate, (_b, vat) in invoice.vat_by_rate().items()
    ] or []
    if invoice.franchise:
        totals = [("Total HT", invoice.total_ht), ("TVA", Decimal("0.00"))]
    totals.append(("Total TTC", invoice.total_ttc))
    totals.append(
        (rng.choice(["Net à déduire", "Net à payer", "Montant à rembourser"]), invoice.total_ttc)
    )
    invoice.style["due"] = True
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td>{_address(s)}<br>SIRET {spaced_siret(s.siret, rng)}
{f"<br>TVA intracommunautaire {s.vat}" if s.vat else ""}</td>
<td style="text-align:right"><h1>AVOIR</h1>Avoir n° {esc(invoice.number)}<br>Date : {day(invoice.issued, d)}</td></tr></table>
<p style="margin-left:50%">{_address(b)}<br>SIRET {b.siret}</p>
<p>Avoir sur la facture n° {esc(invoice.original[0])} du {day(invoice.original[1], d)}
{f"<br>Engagement : {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table class="lines"><tr><th>Désignation</th><th class="num">Qté</th><th class="num">PU HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False, minus=minus)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
{"".join(f"<tr><td>{label}</td><td class='num'>{money(sign * value, m, sign=minus)}</td></tr>" for label, value in totals)}</table>
{"<p>TVA non applicable, art. 293 B du CGI</p>" if invoice.franchise else ""}""",
    )


def _saas(invoice: ProducerInvoice, rng: random.Random) -> str:
    """An online invoicing tool: a coloured band with the title and number, « Date
    d'exigibilité », a VAT column per line, « Montant payé » / « Reste à payer », the legal
    mentions in the footer."""
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    paid = rng.random() < 0.3
    if paid:
        invoice.deposit = invoice.total_ttc
    invoice.style["due"] = True
    vat_rows = "".join(
        f"<tr><td>TVA ({_rate(rate)} %)</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (_base, vat) in invoice.vat_by_rate().items()
    )
    return _page(
        invoice,
        f"""<div style="background:#2b4c7e; color:white; padding:10px">
<span style="font-size:18pt">FACTURE</span><span class="right">N° {esc(invoice.number)}</span></div>
<table style="width:100%; margin-top:12px"><tr><td>{_address(s)}<br>{esc(s.name.lower().replace(" ", ""))}@exemple.fr</td>
<td><b>Facturé à</b><br>{_address(b)}<br>SIRET {spaced_siret(b.siret, rng)}</td></tr></table>
<p>Date d'émission : {day(invoice.issued, d)}<br>Date d'exigibilité du paiement : {day(invoice.due, d)}
{f"<br>Votre référence : {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table class="lines"><tr><th>Description</th><th class="num">Qté</th><th class="num">Prix unitaire HT</th><th class="num">TVA</th><th class="num">Total HT</th></tr>
{_lines_rows(invoice, taxes_column=True, unit_column=False)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
<tr><td>Total HT</td><td class="num">{money(invoice.total_ht, m)}</td></tr>{vat_rows}
<tr class="total"><td>Total TTC</td><td class="num">{money(invoice.total_ttc, m)}</td></tr>
<tr><td>Montant payé</td><td class="num">{money(invoice.deposit, m)}</td></tr>
<tr class="total"><td>Reste à payer</td><td class="num">{money(invoice.total_ttc - invoice.deposit, m)}</td></tr></table>
<p>Moyen de paiement : virement bancaire – IBAN FR76 1027 8060 4100 0205 2330 116</p>
<div class="small" style="position:fixed; bottom:0">{esc(s.name)} – SAS au capital de 2 000 € – SIRET {spaced_siret(s.siret, rng)}
– RCS {esc(s.city.split(" ", 1)[1].title())} – TVA intracommunautaire {s.vat or "non applicable"}</div>""",
    )


def _operateur(invoice: ProducerInvoice, rng: random.Random) -> str:
    """An operator's bill: « Facture n° … du … » on one line, the total with VAT first, « dont
    TVA », the debit date, the identifiers in small print."""
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    invoice.style["due"] = True
    included = "".join(
        f"<tr><td>dont TVA {_rate(rate)} %</td><td class='num'>{money(vat, m)}</td></tr>"
        for rate, (_base, vat) in invoice.vat_by_rate().items()
    )
    return _page(
        invoice,
        f"""<p><b style="font-size:15pt">{esc(s.name)}</b></p>
<p style="margin-left:55%">{_address(b)}<br>SIRET : {b.siret}</p>
<p><b>Facture n° {esc(invoice.number)} du {day(invoice.issued, d)}</b><br>
Identifiant client : {rng.randrange(10**6, 10**7)}{f"<br>Référence de commande : {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table class="box" style="width:60%"><tr><td><b>Total à payer</b></td><td class="num"><b>{money(invoice.total_ttc, m)}</b></td></tr>
<tr><td colspan="2">Prélevé sur votre compte le {day(invoice.due, d)}</td></tr></table>
<table class="lines"><tr><th>Vos services</th><th class="num">Qté</th><th class="num">Prix unitaire HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}</table>
<table style="width:50%; margin-left:50%; margin-top:10px">
<tr><td>Montant HT</td><td class="num">{money(invoice.total_ht, m)}</td></tr>
<tr class="total"><td>Montant TTC</td><td class="num">{money(invoice.total_ttc, m)}</td></tr>{included}</table>
<div class="small" style="position:fixed; bottom:0">{esc(s.name)} – SA au capital de 4 120 000 € – {esc(s.street)} {esc(s.city)}
– Siret : {s.siret} – N° TVA : {s.vat}</div>""",
    )


def _presse(invoice: ProducerInvoice, rng: random.Random) -> str:
    """A press subscription: VAT at 2,1 %, « Date facture », « Total T.T.C. » with dots,
    amounts in a column headed « Montant (€) » without the symbol."""
    d = invoice.style["date"]
    bare = invoice.style["money"].split("+")[0] + "+bare"
    s, b = invoice.seller, invoice.buyer
    paid = rng.random() < 0.5
    rows = [("Total H.T.", invoice.total_ht)]
    rows += [(f"T.V.A. {_rate(rate)} %", vat) for rate, (_b, vat) in invoice.vat_by_rate().items()]
    rows.append(("Total T.T.C.", invoice.total_ttc))
    if not paid:
        rows.append(("Net à payer", invoice.total_ttc))
        invoice.style["due"] = True
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td>{_address(s)}<br>SIRET {s.siret} – TVA {s.vat}</td>
<td class="box">Abonné n° {rng.randrange(10**5, 10**6)}<br>{_address(b)}<br>SIRET {spaced_siret(b.siret, rng)}</td></tr></table>
<table style="margin-top:14px"><tr><td>Facture N°</td><td>Date facture</td><td>Période</td></tr>
<tr><td><b>{esc(invoice.number)}</b></td><td>{day(invoice.issued, d)}</td><td>{invoice.issued.year}</td></tr></table>
{f"<p>Bon de commande n° {esc(invoice.order_reference)}</p>" if invoice.order_reference else ""}
<table class="lines"><tr><th>Titre</th><th class="num">Exemplaires</th><th class="num">Prix unitaire</th><th class="num">Montant (€)</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
{"".join(f"<tr><td>{label}</td><td class='num'>{money(value, bare)}</td></tr>" for label, value in rows)}</table>
{"<p>Facture acquittée – réglée par prélèvement le " + day(invoice.due, d) + "</p>" if paid else ""}""",
    )
