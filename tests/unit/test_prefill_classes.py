"""Prefill, second round (issue 36): the failure classes seen on real invoices never shown
to the engine, each on a small constructed page — how producers lay invoices out, not a
copy of any one invoice."""

from __future__ import annotations

from app.simulator.seed import make_siret
from tests.support.invoice_factory import vat_number
from tests.unit.test_prefill_layouts import page

SELLER = make_siret("73282932", "0007")
BUYER = make_siret("44306184", "0001")
AGENT = make_siret("51234567", "0002")  # a tax representative


def spaced_siren(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]}"


def test_the_seller_s_vat_number_is_the_one_of_the_seller_s_siren() -> None:
    """The customer's VAT number in a « Vos identifiants » block near the top, a tax
    representative's, and the seller's only in the footer: a French VAT number holds its
    owner's SIREN, and the footer's RCS gives the seller's."""
    result = page(
        (40, [(40, "ACME DISTRIBUTION")]),
        (54, [(40, "12 avenue des Champs"), (330, "Vos identifiants")]),
        (68, [(40, "69003 Lyon"), (330, f"N° TVA : {vat_number(BUYER[:9])}")]),
        (82, [(330, "Client n° 004512")]),
        (120, [(40, "Facture n° F-2026-118"), (330, "Date : 02/11/2026")]),
        (200, [(40, "Prestation de maintenance"), (420, "1 000,00")]),
        (240, [(300, "Total HT"), (420, "1 000,00")]),
        (254, [(300, "TVA 20 %"), (420, "200,00")]),
        (268, [(300, "Total TTC"), (420, "1 200,00")]),
        (
            760,
            [(40, f"Représentant fiscal : Fiscalis SAS, TVA {vat_number(AGENT[:9])}")],
        ),
        (
            774,
            [
                (
                    40,
                    f"ACME Distribution SAS au capital de 50 000 € - RCS Lyon "
                    f"{spaced_siren(SELLER)} - TVA intracommunautaire "
                    f"{vat_number(SELLER[:9])}",
                )
            ],
        ),
    )
    assert result.value("seller_vat") == vat_number(SELLER[:9])


def test_the_footer_s_legal_mentions_name_the_seller_over_a_labelled_customer_block() -> None:
    """A word-processor hotel invoice: the customer's block at the top carries its SIRET and
    VAT number, labelled; the supplier's identity is only in the footer."""
    result = page(
        (40, [(330, "SARL Les Tilleuls")]),
        (54, [(330, "3 place du Marché")]),
        (68, [(330, "33600 Pessac")]),
        (82, [(330, f"SIRET : {BUYER}")]),
        (96, [(330, f"TVA : {vat_number(BUYER[:9])}")]),
        (140, [(40, "FACTURE N° 2026-0457"), (330, "Brest, le 14/10/2026")]),
        (200, [(40, "Nuitées chambre double"), (420, "300,00")]),
        (240, [(300, "Total HT"), (420, "300,00")]),
        (254, [(300, "TVA 10 %"), (420, "30,00")]),
        (268, [(300, "Total TTC"), (420, "330,00")]),
        (760, [(40, "Hôtel de la Rade - SAS au capital de 10 000 € - RCS Brest")]),
        (774, [(40, f"SIRET {SELLER} - TVA {vat_number(SELLER[:9])} - APE 5510Z")]),
    )
    assert result.value("seller_siret") == SELLER
    assert result.value("buyer_siret") == BUYER
    assert result.value("seller_vat") == vat_number(SELLER[:9])


def test_a_siren_and_its_nic_printed_apart_make_the_seller_s_siret() -> None:
    result = page(
        (40, [(40, "Atelier Martin")]),
        (54, [(40, f"SIREN : {spaced_siren(SELLER)}"), (250, f"NIC : {SELLER[9:]}")]),
        (120, [(40, "Facture n° 88"), (330, "Date : 02/11/2026")]),
        (240, [(300, "Total HT"), (420, "100,00")]),
        (254, [(300, "TVA 20 %"), (420, "20,00")]),
        (268, [(300, "Total TTC"), (420, "120,00")]),
    )
    assert result.value("seller_siret") == SELLER


def test_a_quantity_under_an_order_column_header_is_not_the_order_number() -> None:
    """« N° de commande » heads a column of the lines table and the right-aligned quantities
    of the next column reach under it."""
    result = page(
        (120, [(40, "Facture n° 2026-77"), (330, "Date : 02/11/2026")]),
        (180, [(40, "Désignation"), (230, "N° de commande"), (330, "Qté"), (440, "Montant")]),
        (194, [(40, "Gants nitrile"), (300, "300"), (440, "90,00")]),
        (208, [(40, "Masques FFP2"), (300, "1200"), (440, "360,00")]),
        (240, [(300, "Total HT"), (440, "450,00")]),
    )
    assert result.value("order_reference") is None


def test_a_quantity_under_an_order_column_is_not_the_order_number() -> None:
    """« N° de commande » heads a column of the lines table: the figure under it in another
    column (a quantity) is not the order; the one under the heading is."""
    result = page(
        (120, [(40, "Facture n° 2026-77"), (330, "Date : 02/11/2026")]),
        (
            180,
            [(40, "Désignation"), (250, "Quantité"), (330, "N° de commande"), (440, "Montant")],
        ),
        (194, [(40, "Gants nitrile"), (250, "300"), (440, "90,00")]),
        (240, [(300, "Total HT"), (440, "90,00")]),
        (254, [(300, "TVA 20 %"), (440, "18,00")]),
        (268, [(300, "Total TTC"), (440, "108,00")]),
    )
    assert result.value("order_reference") != "300"
    with_order = page(
        (120, [(40, "Facture n° 2026-77"), (330, "Date : 02/11/2026")]),
        (
            180,
            [(40, "Désignation"), (250, "Quantité"), (330, "N° de commande"), (440, "Montant")],
        ),
        (194, [(40, "Gants nitrile"), (250, "300"), (330, "BC-2026-118"), (440, "90,00")]),
        (240, [(300, "Total HT"), (440, "90,00")]),
    )
    assert with_order.value("order_reference") == "BC-2026-118"


def test_an_english_po_number_is_read() -> None:
    result = page(
        (120, [(40, "Invoice number: INV-3321"), (330, "Invoice date: 02/11/2026")]),
        (134, [(40, "PO number: COMPRA0832")]),
        (240, [(300, "Total excl. VAT"), (440, "90,00")]),
    )
    assert result.value("order_reference") == "COMPRA0832"


def test_a_negative_invoice_keeps_its_sign_and_a_credit_note_does_not() -> None:
    lines = [
        (120, [(40, "Facture n° 2026-90"), (330, "Date : 02/11/2026")]),
        (200, [(40, "Régularisation de consommation"), (420, "-120,00")]),
        (240, [(300, "Total HT"), (420, "-120,00 €")]),
        (254, [(300, "TVA 20 %"), (420, "-24,00 €")]),
        (268, [(300, "Total TTC"), (420, "-144,00 €")]),
    ]
    invoice = page(*lines)
    assert invoice.value("invoice_type") != "avoir"
    assert (invoice.value("total_ht"), invoice.value("total_tva"), invoice.value("total_ttc")) == (
        "-120.00",
        "-24.00",
        "-144.00",
    )
    credit = page((100, [(40, "AVOIR")]), *lines)
    assert credit.value("invoice_type") == "avoir"
    assert credit.value("total_ttc") == "144.00"


def test_a_utility_bill_s_summary_box_gives_its_totals_and_a_year_is_never_an_amount() -> None:
    """A telecom bill: the totals in a summary box (« Total de votre facture », « dont TVA »,
    sub-totals and a credit), the period's year printed beside a label."""
    result = page(
        (40, [(40, "Votre facture du 05/11/2026"), (330, "N° de facture : 20261105-4471")]),
        (54, [(40, "Période de facturation : novembre 2026"), (330, "Année 2026")]),
        (100, [(40, "Récapitulatif de votre facture")]),
        (114, [(40, "Abonnements et forfaits"), (330, "39,99 €")]),
        (128, [(40, "Consommations hors forfait"), (330, "5,01 €")]),
        (142, [(40, "Remises et avoirs"), (330, "-5,00 €")]),
        (156, [(40, "Montant total HT"), (330, "33,33 €")]),
        (170, [(40, "dont TVA 20 %"), (330, "6,67 €")]),
        (184, [(40, "Total de votre facture"), (330, "40,00 €")]),
        (198, [(40, "Montant prélevé le 20/11/2026"), (330, "40,00 €")]),
    )
    assert result.value("total_ht") == "33.33"
    assert result.value("total_tva") == "6.67"
    assert result.value("total_ttc") == "40.00"
    assert result.value("amount_due") in (None, "40.00")


def test_an_empty_order_box_in_a_header_band_gives_no_order_number() -> None:
    """Labels above their values in framed boxes; the order's box holds a dash: what lies
    further down in its column (a unit price of the lines table) is not an order number."""
    result = page(
        (
            190,
            [
                (52, "N° facture"),
                (174, "Date"),
                (272, "Échéance"),
                (370, "N° commande"),
                (488, "Page"),
            ],
        ),
        (
            208,
            [
                (66, "FAC2025000118"),
                (188, "01/06/2025"),
                (286, "01/07/2025"),
                (417, "—"),
                (504, "1 / 1"),
            ],
        ),
        (236, [(50, "Désignation"), (196, "Qté"), (246, "Unité"), (306, "PU HT"), (380, "TVA")]),
        (253, [(50, "Taille des haies"), (221, "1,5"), (246, "heure"), (332, "1\u202f749,93")]),
        (300, [(300, "Total HT"), (420, "2 624,90")]),
    )
    assert result.value("invoice_number") == "FAC2025000118"
    assert result.value("issue_date") == "2025-06-01"
    assert result.value("order_reference") is None


def test_a_utility_bill_s_number_under_its_dated_title() -> None:
    """« Facture du 29/01/2021 » as the title of the bill's box, « n° 1234567890 » on the
    line under it: the title's date is not a number, the line under it gives one."""
    result = page(
        (40, [(330, "JOHN DOE")]),
        (54, [(330, "123 RUE DE L'IMAGINAIRE")]),
        (250, [(217, "Facture du 29/01/2021"), (520, "Électricité")]),
        (268, [(217, "n° 1234567890")]),
        (300, [(217, "Montant Hors TVA"), (460, "1 241,03 €")]),
        (314, [(217, "Montant TVA"), (460, "238,82 €")]),
        (330, [(217, "Facture TTC"), (460, "1 479,85 €")]),
    )
    assert result.value("invoice_number") == "1234567890"
    assert result.value("issue_date") == "2021-01-29"


def test_a_total_s_label_inside_a_sentence_is_not_the_total() -> None:
    """The late-payment mention (« le montant TTC dû sera majoré … de 40,00 € ») under the
    bill's summary, whose total lost its label in the scan."""
    result = page(
        (100, [(40, "Facture n° 1234567890"), (330, "Date : 29/01/2021")]),
        (140, [(40, "Montant Hors TVA"), (420, "1 241,03 €")]),
        (154, [(40, "Montant TVA"), (420, "238,82 €")]),
        (168, [(40, "Facture"), (420, "1 479,85 €")]),
        (
            200,
            [
                (
                    40,
                    "A défaut de paiement à la date prévue, le montant TTC dû sera majoré de "
                    "pénalités et d'une indemnité pour frais de recouvrement de 40,00 €.",
                )
            ],
        ),
    )
    assert result.value("total_ttc") != "40.00"


# --- scans: what OCR does to a framed header band and a framed totals table -----------------


def test_a_scanned_vat_line_that_lost_its_decimal_mark_is_read_in_cents() -> None:
    """OCR read « 6 725,15 » in a framed totals table as « 672515 »: the VAT lines must stay
    within 20 % of the total without VAT, and the amount due that lost its comma too
    (« .53 70162 ») has the figures of HT + VAT."""
    result = page(
        (100, [(40, "Facture n° 70113"), (330, "Date : 20.09.2026")]),
        (200, [(40, "Total HT"), (420, "46 280,46")]),
        (214, [(40, "TVA 5,5 %"), (420, "696,01")]),
        (228, [(40, "TVA 20 %"), (420, "672515")]),
        (242, [(40, "Net à payer"), (420, ".53 70162")]),
        source="ocr",
    )
    assert result.value("total_tva") == "7421.16"
    assert result.value("total_ttc") == "53701.62"  # worked out, and said so
    assert result.fields["total_ttc"].confidence < 0.9
    assert result.value("amount_due") == "53701.62"


def test_a_vat_total_too_large_for_its_base_makes_no_total_with_vat() -> None:
    """HT plus a VAT misread fourteen times as large is not a total to offer."""
    result = page(
        (100, [(40, "Facture n° 70113"), (330, "Date : 20.09.2026")]),
        (200, [(40, "Total HT"), (420, "4 628,46")]),
        (214, [(40, "Montant total TVA"), (420, "67 251,50")]),
        source="ocr",
    )
    assert result.value("total_ttc") is None


def test_a_box_side_read_into_a_figure_is_not_part_of_it() -> None:
    """« _46 280,46 »: the framed table's left side read as an underscore stuck to the
    figure; the words come from OCR with the box's sides taken off (pages.BOX_SIDES)."""
    from app.prefill.pages import BOX_SIDES

    read = ["_46", "280,46"]  # as OCR gave the words
    cleaned = " ".join(word.strip(BOX_SIDES) for word in read)
    result = page(
        (100, [(40, "Facture n° 70113"), (330, "Date : 20.09.2026")]),
        (200, [(40, "Total HT"), (420, cleaned)]),
        (214, [(40, "TVA 20 %"), (420, "9 256,09")]),
        (228, [(40, "Total TTC"), (420, "55 536,55")]),
        source="ocr",
    )
    assert result.value("total_ht") == "46280.46"


def test_a_date_read_into_an_empty_order_box_is_not_the_order_number() -> None:
    """A header band « N° facture | Date | Votre commande | Échéance » whose order box is
    empty: the due date beside it is not an order number."""
    result = page(
        (100, [(40, "N° facture"), (140, "Date"), (240, "Votre commande"), (360, "Échéance")]),
        (114, [(40, "70117"), (140, "01.06.2025"), (250, "01/07/2025")]),
        (200, [(40, "Total HT"), (420, "1 000,00")]),
        source="ocr",
    )
    assert result.value("order_reference") is None


def test_the_seller_s_vat_number_with_a_digit_of_its_key_lost_by_ocr() -> None:
    """« FR5413436593 » beside the seller's SIRET: the key of SIREN 413 436 593 is 85, one
    of its digits was lost; the number is the seller's, its key is computed."""
    siret = make_siret("41343659", "0005")
    key = f"{int(siret[:9] + '12') % 97:02d}"
    result = page(
        (100, [(40, "Facture n° 70101"), (330, "Date : 19/08/2026")]),
        (200, [(40, "Total HT"), (420, "1 000,00")]),
        (780, [(40, f"SIRET {siret} TVA intracommunautaire FR{key[1]}{siret[:9]}")]),
        source="ocr",
    )
    assert result.value("seller_vat") == f"FR{key}{siret[:9]}"


def test_a_scanned_siret_one_digit_off_is_made_right_by_the_vat_number_beside_it() -> None:
    """OCR read « 999 229 386 » for « 999 329 386 »: the SIRET fails its key; the valid VAT
    number printed beside it holds the SIREN one digit away, which makes the key right."""
    siret = make_siret("99932938", "0002")
    misread = siret[:3] + ("2" if siret[3] != "2" else "4") + siret[4:]
    result = page(
        (100, [(40, "Facture n° 70120"), (330, "Date : 19/08/2026")]),
        (200, [(40, "Total HT"), (420, "1 000,00")]),
        (780, [(40, f"SIRET {misread} - TVA intracommunautaire {vat_number(siret[:9])}")]),
        source="ocr",
    )
    assert result.value("seller_siret") == siret
    assert result.value("seller_vat") == vat_number(siret[:9])


def test_a_vat_key_s_digit_read_as_a_letter() -> None:
    """« FRA7… » for « FR47… », « FRB5… » for « FR85… »: the key's letter is taken for the
    digit it looks like when the number then passes its key."""
    for siren in ("576931794", "413436593"):
        number = vat_number(siren)
        looks_like = {"4": "A", "8": "B", "0": "O", "1": "I", "5": "S", "2": "Z", "6": "G"}
        misread = "FR" + looks_like.get(number[2], number[2]) + number[3:]
        result = page(
            (100, [(40, "Facture n° 70120"), (330, "Date : 19/08/2026")]),
            (200, [(40, "Total HT"), (420, "1 000,00")]),
            (780, [(40, f"SIRET {make_siret(siren[:8], '0001')} TVA {misread}")]),
            source="ocr",
        )
        assert result.value("seller_vat") == number, misread


def test_a_vat_recap_s_rate_line_and_total_line_misread_apart_give_the_totals() -> None:
    """A till's invoice photographed: the VAT recap's rate line and its TOTAL line repeat
    the same figures, each with one digit misread; column by column, the figures that add up
    are the totals (VAT, HT, TTC in that order here)."""
    result = page(
        (100, [(40, "Facture N° 0042004801351"), (330, "Date : 17/02/2020")]),
        (400, [(60, "Taux T.V.A."), (200, "Montant T.V.A."), (330, "Total H.T."), (450, "TTC")]),
        (414, [(60, "A 20,00%"), (200, "97,98"), (330, "469,97"), (450, "587,95")]),
        (428, [(60, "TOTAL"), (200, "97,38"), (330, "489,97"), (450, "587,95")]),
        source="ocr",
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "489.97",
        "97.98",
        "587.95",
    )
    assert result.fields["total_ht"].confidence < 0.9  # worked out: the form tints it


def test_an_invoice_number_ocr_cut_in_two_words_is_joined() -> None:
    """« A2024 0029 » with no more than a hair between the two (a space is wider), and
    « 2025- 001 » after its separator: one number each; a word after a real space stays out."""
    # "Facture n° A2024" from x=40: 16 characters of 5 points and 2 spaces end at x=130
    for first, second, gap, expected in (
        ("A2024", "0029", 1.0, "A20240029"),
        ("2025-", "001", 4.0, "2025-001"),
        ("F-118", "2026", 6.0, "F-118"),
    ):
        text = f"Facture n° {first}"
        end = 40 + len(text) * 5.0
        result = page(
            (100, [(40, text), (end + gap, second), (330, "Date : 02/11/2026")]),
            (200, [(40, "Total HT"), (420, "1 000,00")]),
            source="ocr",
        )
        assert result.value("invoice_number") == expected, (first, second)


def test_an_invoice_number_read_whole_elsewhere_wins_over_one_cut_short() -> None:
    """A stray « ; » read inside the number under the title cuts it; the same number read
    whole beside « Numéro de facture » is the one."""
    result = page(
        (60, [(40, "Facture n° IOPOLE-jdz7fEb;j4Va")]),
        (100, [(40, "Numéro de facture : IOPOLE-jdz7fEbj4Va"), (330, "Date : 02/11/2026")]),
        (200, [(40, "Total HT"), (420, "1 000,00")]),
        source="ocr",
    )
    assert result.value("invoice_number") == "IOPOLE-jdz7fEbj4Va"


def test_a_scanned_invoice_number_s_zero_read_as_the_letter_o() -> None:
    """« FACTO021 », « F-2O26-0O28 »: an « O » after an invoice prefix, among digits or after a
    separator before digits was printed as a zero; a word's O (« COMPTOIR-12 ») stays, and a
    text layer is never changed."""
    for printed, expected in (
        ("FACTO021", "FACT0021"),
        ("F-2O26-0O28", "F-2026-0028"),
        ("COMPTOIR-12", "COMPTOIR-12"),
    ):
        result = page(
            (100, [(40, f"Facture n° {printed}"), (330, "Date : 02/11/2026")]),
            (200, [(40, "Total HT"), (420, "1 000,00")]),
            source="ocr",
        )
        assert result.value("invoice_number") == expected
    text_layer = page(
        (100, [(40, "Facture n° FACTO021"), (330, "Date : 02/11/2026")]),
        (200, [(40, "Total HT"), (420, "1 000,00")]),
    )
    assert text_layer.value("invoice_number") == "FACTO021"
