# ruff: noqa: E501  (HTML templates: a table row reads best on one line)
"""The layouts real invoices have and the first families lacked (issue 36), as families of
their own, for a real producer to turn into PDF like the others:

- ``hotel``: a word-processor hotel invoice, the supplier's identity only in the footer's
  legal mentions, the customer's block at the top with its SIRET and VAT number, labelled;
- ``identifiants``: an ERP's header band of framed boxes (labels above, values below), the
  customer's VAT number in a « Vos identifiants » block, sometimes a tax representative's
  in the footer beside the seller's mentions;
- ``energie``: an energy or telecom bill whose totals are in a summary box (« Total de
  votre facture », « dont TVA … », sub-totals, a credit), the period's month and year;
- ``negative``: a regularisation invoice (type 380) whose amounts are all negative.

The buyers are companies (a SIREN not starting with 1 or 2): nothing but the page says
which SIRET is whose.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from app.prefill.parsing import FRENCH_MONTHS
from app.simulator.seed import make_siret
from tests.support.invoice_factory import vat_number
from tests.support.producer_invoices import (
    Party,
    ProducerInvoice,
    _address,
    _lines_rows,
    _page,
    _rate,
    day,
    esc,
    make_invoice,
    money,
    spaced_siret,
)

CLASS_FAMILIES = ("hotel", "identifiants", "energie", "negative")
COMPANY_BUYERS = (
    ("SARL Les Tilleuls", "3 place du Marché", "33600 PESSAC"),
    ("Transports Kerjean SAS", "ZI de Kerlann", "29000 QUIMPER"),
    ("Boulangerie Martin & Fils", "18 rue Nationale", "37000 TOURS"),
    ("Cabinet Dufresne Avocats", "7 cours Mirabeau", "13100 AIX-EN-PROVENCE"),
)
HOTELS = (
    ("Hôtel de la Rade", "2 quai de la Douane", "29200 BREST"),
    ("Hôtel des Voyageurs", "14 avenue de la Gare", "87000 LIMOGES"),
    ("Le Relais du Lac", "1 route du Lac", "74000 ANNECY"),
)
SUPPLIERS = (
    ("Énergie Ouest", "40 rue de la Centrale", "44000 NANTES"),
    ("Télécom Horizon", "8 place de la Défense", "92400 COURBEVOIE"),
)


def _company(rng: random.Random, names: tuple[tuple[str, str, str], ...]) -> Party:
    siren = f"{rng.randrange(30_000_000, 99_999_999)}"
    siret = make_siret(siren, f"{rng.randrange(10, 99):02d}0{rng.randrange(1, 9)}")
    return Party(*names[rng.randrange(len(names))], siret, vat_number(siret[:9]))


def make_class_invoice(index: int, family: str, rng: random.Random) -> ProducerInvoice:
    """An invoice of one of :data:`CLASS_FAMILIES`: the ERP family's data (dates, styles,
    order reference) with the parties and lines of the class."""
    invoice = make_invoice(index, "erp", rng)
    invoice.family, invoice.name = family, f"prod_{index:03d}_{family}"
    invoice.buyer = _company(rng, COMPANY_BUYERS)
    year = invoice.issued.year
    if family == "hotel":
        invoice.seller = _company(rng, HOTELS)
        nights = Decimal(rng.randint(1, 6))
        invoice.lines = [
            (
                "Nuitée chambre double",
                "nuit",
                nights,
                Decimal(rng.randint(6_000, 18_000)) / 100,
                Decimal(10),
            ),
            ("Petit déjeuner", "unité", nights * 2, Decimal("14.50"), Decimal(10)),
            (
                "Location salle de réunion",
                "forfait",
                Decimal(1),
                Decimal(rng.randint(9_000, 40_000)) / 100,
                Decimal(20),
            ),
        ]
        invoice.number = rng.choice([f"{year}-{index + 400:05d}", f"H{index + 9000}"])
        invoice.order_reference = None
    elif family == "energie":
        invoice.seller = _company(rng, SUPPLIERS)
        invoice.lines = [
            (
                "Abonnement",
                "mois",
                Decimal(1),
                Decimal(rng.randint(1_500, 9_000)) / 100,
                Decimal("5.5"),
            ),
            (
                "Consommation heures pleines",
                "kWh",
                Decimal(rng.randint(200, 3_000)),
                Decimal("0.2068"),
                Decimal(20),
            ),
            (
                "Consommation heures creuses",
                "kWh",
                Decimal(rng.randint(100, 1_500)),
                Decimal("0.1615"),
                Decimal(20),
            ),
            (
                "Remise fidélité",
                "forfait",
                Decimal(1),
                Decimal(-rng.randint(200, 1_500)) / 100,
                Decimal(20),
            ),
        ]
        invoice.number = f"{rng.randrange(10**9, 10**10)}"
        invoice.order_reference = None
    elif family == "negative":
        invoice.lines = [
            (
                "Régularisation de consommation",
                "forfait",
                Decimal(1),
                Decimal(-rng.randint(2_000, 90_000)) / 100,
                Decimal(20),
            ),
            (
                "Trop-perçu sur acompte",
                "forfait",
                Decimal(1),
                Decimal(-rng.randint(1_000, 30_000)) / 100,
                Decimal(20),
            ),
        ]
        invoice.number = rng.choice([f"F-{year}-{index + 1:04d}", f"FA{year}{index + 50:04d}"])
    else:
        invoice.number = rng.choice([f"FAC{year}{index + 1:06d}", f"{index + 70000}"])
    return invoice


def render_class_html(invoice: ProducerInvoice, rng: random.Random) -> str:
    return {
        "hotel": _hotel,
        "identifiants": _identifiants,
        "energie": _energie,
        "negative": _negative,
    }[invoice.family](invoice, rng)


def _vat_rows(invoice: ProducerInvoice, label: str) -> list[tuple[str, Decimal]]:
    return [
        (label.format(rate=_rate(rate)), vat)
        for rate, (_base, vat) in invoice.vat_by_rate().items()
    ]


def _legal_footer(seller: Party, kind: str, rng: random.Random) -> str:
    capital = rng.choice(["8 000", "10 000", "37 000", "1 200 000"])
    town = seller.city.split(" ", 1)[1].title()
    return (
        f"{esc(seller.name)} – {kind} au capital de {capital} € – {esc(seller.street)}, {esc(seller.city)}"
        f" – RCS {town} {seller.siret[:3]} {seller.siret[3:6]} {seller.siret[6:9]}"
        f"<br>SIRET {spaced_siret(seller.siret, rng)} – TVA intracommunautaire {seller.vat}"
    )


def _hotel(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    invoice.style["due"] = True
    arrival = invoice.issued - timedelta(days=int(invoice.lines[0][2]))
    totals = [("Total HT", invoice.total_ht), *_vat_rows(invoice, "TVA {rate} %")]
    totals += [("Total TTC", invoice.total_ttc), ("Net à payer", invoice.total_ttc)]
    rows = "".join(
        f"<tr><td colspan='3' style='text-align:right'><b>{label}</b></td><td class='num'>{money(value, m)}</td></tr>"
        for label, value in totals
    )
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td style="width:50%"></td>
<td>{_address(b)}<br>SIRET : {spaced_siret(b.siret, rng)}<br>N° TVA : {b.vat}</td></tr></table>
<p style="font-size:15pt; margin-top:30px"><b>FACTURE N° {esc(invoice.number)}</b></p>
<p>{esc(s.city.split(" ", 1)[1].title())}, le {day(invoice.issued, d)}<br>
Arrivée : {day(arrival, "slash")} – Départ : {day(invoice.issued, "slash")}</p>
<table style="width:100%; border:1px solid #000"><tr><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}{rows}</table>
<p>Règlement à réception de facture.</p>
<div class="small" style="position:fixed; bottom:0; text-align:center; width:100%">
{_legal_footer(s, rng.choice(["SAS", "SARL"]), rng)} – APE 5510Z</div>""",
    )


def _identifiants(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    invoice.style["due"] = True
    agent = _company(rng, (("Fiscalis Conseil", "", ""),)) if rng.random() < 0.6 else None
    boxes = [
        ("N° facture", esc(invoice.number)),
        ("Date", day(invoice.issued, d)),
        ("Échéance", day(invoice.due, d)),
        (
            rng.choice(["N° commande", "Votre commande", "Bon de commande"]),
            esc(invoice.order_reference or "—"),
        ),
        ("Page", "1 / 1"),
    ]
    framed = "border:1px solid #555; padding:4px 8px; white-space:nowrap"
    totals = [("Total HT", invoice.total_ht), *_vat_rows(invoice, "TVA {rate} %")]
    totals += [("Total TTC", invoice.total_ttc), ("Net à payer", invoice.total_ttc)]
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td style="width:55%">{_address(s)}<br>Tél. 02 98 00 00 00</td>
<td>{_address(b)}<br><br><b>Vos identifiants</b><br>Code client : C{rng.randrange(1000, 9999)}<br>SIRET : {spaced_siret(b.siret, rng)}<br>N° TVA : {b.vat}</td></tr></table>
<h1 style="margin-top:20px">Facture</h1>
<table width="100%" style="width:100%"><tr>{"".join(f"<th width='20%' style='{framed}; background:#eee'>{label}</th>" for label, _ in boxes)}</tr>
<tr>{"".join(f"<td width='20%' style='{framed}; text-align:center'><nobr>{value}</nobr></td>" for _, value in boxes)}</tr></table>
<table class="lines"><tr><th>Désignation</th><th class="num">Qté</th><th>Unité</th><th class="num">PU HT</th><th>TVA</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=True, unit_column=True)}</table>
<table width="100%" style="width:100%; margin-top:10px"><tr><td width="50%"></td><td width="50%">
<table width="100%" style="width:100%; border:1px solid #555">
{"".join(f"<tr><td width='50%' style='{framed}'><nobr>{label}</nobr></td><td width='50%' class='num' style='{framed}'><nobr>{money(value, m)}</nobr></td></tr>" for label, value in totals)}</table></td></tr></table>
<div class="small" style="position:fixed; bottom:0; width:100%">
{f"Représentant fiscal : {esc(agent.name)} – TVA {agent.vat}<br>" if agent else ""}{_legal_footer(s, "SAS", rng)}</div>""",
    )


def _energie(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    by_rate = invoice.vat_by_rate()
    subscription = by_rate[Decimal("5.5")][0]
    credit = sum(
        ((q * p).quantize(Decimal("0.01")) for _l, _u, q, p, _r in invoice.lines if p < 0),
        Decimal("0.00"),
    )
    consumption = invoice.total_ht - subscription - credit
    month = FRENCH_MONTHS[(invoice.issued.month - 2) % 12]
    summary = [
        ("Abonnement", subscription),
        ("Consommations", consumption),
        ("Remises et avoirs", credit),
        (rng.choice(["Montant total HT", "Total hors taxes"]), invoice.total_ht),
        *_vat_rows(invoice, "dont TVA {rate} %"),
        (rng.choice(["Total de votre facture", "Montant total TTC"]), invoice.total_ttc),
        (f"Montant prélevé le {day(invoice.due, 'slash')}", invoice.total_ttc),
    ]
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td><b style="font-size:16pt">{esc(s.name)}</b></td>
<td style="text-align:right">Service clients : 09 69 00 00 00</td></tr></table>
<table style="width:100%; margin-top:12px"><tr><td>
<b>Votre facture du {day(invoice.issued, d)}</b><br>N° de facture : {esc(invoice.number)}<br>
Période de facturation : {month} {invoice.issued.year}<br>Référence client : {rng.randrange(10**9, 10**10)}</td>
<td>{_address(b)}<br>SIRET : {spaced_siret(b.siret, rng)}</td></tr></table>
<table class="box" style="width:60%; margin-top:14px"><tr><td colspan="2"><b>Récapitulatif de votre facture</b></td></tr>
{"".join(f"<tr><td>{label}</td><td class='num'>{money(value, m)}</td></tr>" for label, value in summary)}</table>
<table class="lines"><tr><th>Détail</th><th class="num">Quantité</th><th class="num">Prix unitaire HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False)}</table>
<div class="small" style="position:fixed; bottom:0">{_legal_footer(s, "SA", rng)}</div>""",
    )


def _negative(invoice: ProducerInvoice, rng: random.Random) -> str:
    m, d = invoice.style["money"], invoice.style["date"]
    s, b = invoice.seller, invoice.buyer
    minus = rng.choice(["-", "\u2212"])
    totals = [("Total HT", invoice.total_ht), *_vat_rows(invoice, "TVA {rate} %")]
    totals.append(("Total TTC", invoice.total_ttc))
    return _page(
        invoice,
        f"""<table style="width:100%"><tr><td>{_address(s)}<br>SIRET {spaced_siret(s.siret, rng)}<br>TVA {s.vat}</td>
<td style="text-align:right"><h1>FACTURE</h1>N° {esc(invoice.number)}<br>Date : {day(invoice.issued, d)}</td></tr></table>
<p style="margin-left:50%">{_address(b)}<br>SIRET {b.siret}</p>
<p>Facture de régularisation{f" – commande {esc(invoice.order_reference)}" if invoice.order_reference else ""}</p>
<table class="lines"><tr><th>Désignation</th><th class="num">Qté</th><th class="num">PU HT</th><th class="num">Montant HT</th></tr>
{_lines_rows(invoice, taxes_column=False, unit_column=False, minus=minus)}</table>
<table style="width:45%; margin-left:55%; margin-top:10px">
{"".join(f"<tr><td>{label}</td><td class='num'>{money(value, m, sign=minus)}</td></tr>" for label, value in totals)}</table>
<p>Le montant sera déduit de votre prochaine facture.</p>""",
    )
