"""The failure classes seen on real invoices (issue 18), each on a small constructed page:
the way producers lay out and encode invoices, not copies of any one invoice."""

from __future__ import annotations

from datetime import date

from app.prefill.engine import fill_from_rows
from app.prefill.layout import rows_from_words
from app.prefill.model import PrefillResult, Word
from app.simulator.seed import make_siret
from tests.support.invoice_factory import vat_number

CHAR = 5.0  # width of a character, in points
HEIGHT = 10.0


def page(*lines: tuple[float, list[tuple[float, str]]], source: str = "text") -> PrefillResult:
    """Each line: (y, [(x, text), …]); a text's words are laid out from x, one space apart.
    Returns what the engine reads from those words (as a text layer, or as OCR read them)."""
    words: list[Word] = []
    for y, segments in lines:
        for x, text in segments:
            left = x
            for token in text.split(" "):
                width = CHAR * len(token)
                words.append(Word(token, left, y, left + width, y + HEIGHT, 0, source))
                left += width + CHAR
    result = PrefillResult()
    fill_from_rows(result, rows_from_words(words), own_siret=None, today=date(2026, 11, 29))
    return result


def spaced(x: float, letters: str, gap: float = 3.0) -> list[tuple[float, str]]:
    """A letter-spaced heading: each letter a word of its own."""
    placed, left = [], x
    for letter in letters:
        if letter == " ":
            left += 4 * gap
            continue
        placed.append((left, letter))
        left += CHAR + gap
    return placed


# --- text layers -----------------------------------------------------------------------------


def test_accents_kept_apart_by_latex_are_joined() -> None:
    result = page(
        (50, [(300, "Num´ero de facture : 2021-007-F")]),
        (64, [(300, "Date de facturation : 01/02/2021")]),
    )
    assert result.value("invoice_number") == "2021-007-F"


def test_typographic_hyphens_in_numbers_and_dates() -> None:
    result = page(
        (50, [(40, "Facture n° FA‐2026‐0042")]),
        (64, [(40, "Date : 18‐08‐2026")]),
    )
    assert result.value("invoice_number") == "FA-2026-0042"
    assert result.value("issue_date") == "2026-08-18"


def test_a_letter_spaced_heading_is_read_as_words() -> None:
    result = page(
        (40, spaced(40, "FACTURÉ À")),
        (54, [(40, "SIRET 21750001600019")]),
        (200, [(40, "Facture n° 7"), (300, "SIRET : 73282932000074")]),
    )
    assert result.value("buyer_siret") == "21750001600019"
    assert result.value("seller_siret") == "73282932000074"


# --- labels above their values ------------------------------------------------------------------


def test_column_headers_with_their_values_underneath() -> None:
    result = page(
        (40, [(40, "FACTURE")]),
        (90, [(40, "DATE"), (160, "RÉF. DEVIS"), (300, "N° FACTURE")]),
        (102, [(40, "D'ÉMISSION"), (160, "DEV-12"), (300, "F-2026-031")]),
        (114, [(40, "15/01/2026")]),
    )
    assert result.value("invoice_number") == "F-2026-031"
    assert result.value("issue_date") == "2026-01-15"


def test_a_label_whose_value_is_a_word_does_not_take_the_next_line() -> None:
    result = page(
        (50, [(300, "Numéro de bon de commande : Aucun")]),
        (64, [(40, "92400 Courbevoie"), (300, "Date de facturation : 01/02/2021")]),
    )
    assert result.value("order_reference") is None


# --- invoice numbers -----------------------------------------------------------------------------


def test_the_number_under_the_title() -> None:
    result = page(
        (190, [(400, "Date 01/02/2025")]),
        (197, [(57, "FACTURE"), (400, "Échéance 01/03/2025")]),
        (221, [(57, "2025-001"), (400, "Montant dû 7 600 €")]),
    )
    assert result.value("invoice_number") == "2025-001"


def test_the_number_beside_the_title_on_the_right() -> None:
    result = page(
        (15, [(22, "ATELIER DUPONT"), (480, "FACTURE")]),
        (45, [(470, "FAC-2026-001")]),
        (90, [(22, "Date : 15/01/2026")]),
    )
    assert result.value("invoice_number") == "FAC-2026-001"


def test_ordinal_signs_and_english_labels() -> None:
    for label in ("Facture Nº", "Facture nº", "FACTURE N°", "Invoice", "Invoice No."):
        result = page((40, [(40, f"{label} VT/2022/0001")]))
        assert result.value("invoice_number") == "VT/2022/0001", label


# --- dates ---------------------------------------------------------------------------------------


def test_year_first_dates_with_slashes() -> None:
    result = page((40, [(40, "Facture n° 42")]), (54, [(40, "Date : 2024/04/15")]))
    assert result.value("issue_date") == "2024-04-15"


def test_a_due_date_is_not_the_issue_date() -> None:
    result = page(
        (40, [(40, "Facture n° 42")]),
        (54, [(40, "Date limite de paiement : 30/04/2024")]),
        (68, [(40, "Émise le 31/03/2024")]),
    )
    assert result.value("issue_date") == "2024-03-31"


# --- totals ---------------------------------------------------------------------------------------


def test_a_bare_total_is_the_total_with_vat() -> None:
    result = page(
        (40, [(40, "Facture n° 1")]),
        (500, [(370, "Total HT"), (480, "835,00")]),
        (520, [(360, "TVA 20.0%"), (480, "167,00")]),
        (540, [(360, "TOTAL"), (470, "1 002,00 €")]),
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "835.00",
        "167.00",
        "1002.00",
    )


def test_subtotal_value_added_tax_and_total_in_currency() -> None:
    result = page(
        (40, [(300, "Facture n° 2022030201155")]),
        (670, [(50, "Devise : EUR"), (400, "Sous-total"), (500, "91,64 €")]),
        (686, [(340, "Taxe sur la valeur ajoutée 20%"), (500, "18,33 €")]),
        (697, [(50, "Carte de crédit 109,97 €"), (420, "Total (EUR)"), (500, "109,97 €")]),
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "91.64",
        "18.33",
        "109.97",
    )


def test_english_subtotal_tax_total() -> None:
    result = page(
        (40, [(40, "Invoice No. INV-7")]),
        (500, [(380, "Subtotal"), (480, "100.00")]),
        (515, [(380, "VAT 20%"), (480, "20.00")]),
        (530, [(380, "Total"), (480, "120.00")]),
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "100.00",
        "20.00",
        "120.00",
    )


def test_totals_in_a_box_with_labels_in_one_column_and_amounts_in_the_next() -> None:
    result = page(
        (40, [(40, "Facture n° 9")]),
        (500, [(300, "Total HT")]),
        (515, [(300, "TVA 20 %")]),
        (530, [(300, "Total TTC")]),
        (500, [(470, "1 250,00 €")]),
        (515, [(470, "250,00 €")]),
        (530, [(470, "1 500,00 €")]),
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "1250.00",
        "250.00",
        "1500.00",
    )


def test_a_share_capital_or_a_vat_number_is_not_the_vat_amount() -> None:
    result = page(
        (40, [(40, "Facture n° 5")]),
        (500, [(380, "Total HT"), (480, "500,00 €")]),
        (515, [(380, "Total TTC"), (480, "600,00 €")]),
        (760, [(40, "SAS au capital de 120 000 € - TVA intracommunautaire FR40303265045")]),
    )
    assert result.value("total_tva") == "100.00"


def test_a_credit_note_printed_negative_is_read_positive() -> None:
    """Chorus Pro takes a credit note's amounts positive: its type carries the sign
    (chorus-api.md, « Amounts are positive even for an AVOIR »), whether it prints « -120,00 »
    or a typographic minus « −120,00 »."""
    result = page(
        (40, [(40, "AVOIR n° AV-2026-003")]),
        (54, [(40, "Date : 12/03/2026")]),
        (500, [(380, "Total HT"), (480, "-100,00 €")]),
        (515, [(380, "TVA 20 %"), (480, "\u2212 20,00 €")]),
        (530, [(380, "Total TTC"), (480, "\u2212120,00 €")]),
        (545, [(380, "Net à déduire"), (480, "-120,00 €")]),
    )
    assert result.value("invoice_type") == "avoir"
    assert (
        result.value("total_ht"),
        result.value("total_tva"),
        result.value("total_ttc"),
        result.value("amount_due"),
    ) == ("100.00", "20.00", "120.00", "120.00")
    assert result.fields["total_ttc"].confidence >= 0.9  # HT + TVA = TTC held with the signs


def test_a_negative_line_on_an_invoice_keeps_its_minus_sign() -> None:
    result = page(
        (40, [(40, "Facture n° 2026-014")]),
        (500, [(380, "Remise"), (480, "\u221250,00 €")]),
        (515, [(380, "Total HT"), (480, "450,00 €")]),
        (530, [(380, "TVA 20 %"), (480, "90,00 €")]),
        (545, [(380, "Total TTC"), (480, "540,00 €")]),
        (560, [(380, "Déjà réglé"), (480, "\u2212540,00 €")]),
    )
    assert result.value("total_ttc") == "540.00"
    assert result.value("amount_due") == "0.00"


def test_whole_euro_amounts_with_e_for_euro() -> None:
    result = page(
        (40, [(40, "Facture n° 2025-001")]),
        (700, [(400, "Total HT 7 600 e")]),
        (716, [(400, "Total net de TVA 7 600 e")]),
        (750, [(400, "Montant dû 7 600 e")]),
        (790, [(190, "TVA non applicable - article 293 B du CGI")]),
    )
    assert (result.value("total_ht"), result.value("total_tva")) == ("7600.00", "0.00")
    assert (result.value("total_ttc"), result.value("amount_due")) == ("7600.00", "7600.00")


# --- parties and currency -------------------------------------------------------------------------


def test_fourteen_digits_of_a_longer_number_are_not_a_siret() -> None:
    result = page(
        (40, [(40, "Facture n° 1")]),
        (60, [(40, "SIRET : 317 288 389 00529 41211")]),
        (80, [(40, "RIB : 30004 02532 00010311260 06")]),
    )
    assert result.value("seller_siret") is None and result.value("buyer_siret") is None


def test_dollars_on_a_quebec_invoice_are_canadian() -> None:
    result = page(
        (40, [(40, "Facture n° 00042")]),
        (500, [(380, "TPS (5 %)"), (480, "0,47$")]),
        (515, [(380, "TVQ (9,975 %)"), (480, "0,94$")]),
    )
    assert result.value("currency") == "CAD"


def test_the_amount_to_settle_is_the_amount_due() -> None:
    result = page(
        (40, [(40, "Numéro de facture: IOP-7")]),
        (500, [(40, "Montant total HT"), (300, "972,00")]),
        (515, [(40, "Montant total TVA"), (300, "194,40")]),
        (530, [(40, "Montant TTC"), (300, "1 166,40")]),
        (545, [(40, "Montant à régler"), (300, "1166,40")]),
    )
    assert result.value("amount_due") == "1166.40"


def test_the_totals_that_add_up_win_over_the_last_ones_read() -> None:
    """A summary on page 1 whose text layer mixes its amounts up, and the detail further
    down: HT + TVA = TTC picks the amounts that agree."""
    result = page(
        (40, [(40, "Facture n° 1234567890")]),
        (300, [(220, "Montant total HT"), (400, "1 241,03 €")]),
        (315, [(220, "Montant TVA (sur les débits)"), (400, "238,82 €")]),
        (330, [(220, "Total TTC"), (400, "1 479,85 €")]),
        (700, [(21, "TVA à 20,00 %"), (400, "241,03 €")]),  # one rate's line, read last
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "1241.03",
        "238.82",
        "1479.85",
    )
    assert result.fields["total_tva"].confidence >= 0.9


def test_totals_that_nothing_checks_are_not_reported_as_sure() -> None:
    result = page(
        (40, [(40, "Facture n° 12")]),
        (500, [(380, "TVA 20 %"), (480, "241,03 €")]),
        (515, [(380, "Total TTC"), (480, "1 479,85 €")]),
    )
    assert result.value("total_ht") == "1238.82"  # derived: TTC − TVA
    assert all(
        result.fields[name].confidence < 0.9 for name in ("total_ht", "total_tva", "total_ttc")
    )


def test_more_vat_than_the_total_is_a_misreading() -> None:
    result = page(
        (40, [(40, "Facture n° 7")]),
        (500, [(380, "Total TVA"), (480, "18 608 261,18")]),
        (515, [(380, "Total TTC"), (480, "597,95 €")]),
    )
    assert (result.value("total_tva"), result.value("total_ht")) == (None, None)
    assert result.value("total_ttc") == "597.95"


# --- parties, wrapped labels, VAT tables (producer fixtures, issue 18) -------------------------

SELLER_SIRET = make_siret("83601221", "1400")
BUYER_SIRET = make_siret("21440184", "0019")


def test_the_sellers_siret_among_its_legal_mentions_in_the_footer() -> None:
    """An ERP or a telecom bill: the buyer's address block at the top carries « SIRET : »,
    the seller's SIRET is only in the footer, among the share capital and the RCS."""
    result = page(
        (40, [(40, "Menuiserie Le Gall"), (320, "MAIRIE DE SAINT-NAZAIRE")]),
        (54, [(40, "12 rue du Port"), (320, "Place François Blancho")]),
        (68, [(320, f"SIRET : {BUYER_SIRET}")]),
        (120, [(40, "Facture FAC/2026/00042")]),
        (780, [(40, f"Menuiserie Le Gall – SARL au capital de 10 000 € – SIRET {SELLER_SIRET}")]),
    )
    assert (result.value("seller_siret"), result.value("buyer_siret")) == (
        SELLER_SIRET,
        BUYER_SIRET,
    )


def test_the_buyers_vat_number_is_not_the_sellers() -> None:
    """Seller and buyer boxes each with SIRET and VAT: the seller's VAT number misread by OCR
    is repaired from its SIREN, the buyer's valid one is not taken instead."""
    seller_vat, buyer_vat = vat_number(SELLER_SIRET[:9]), vat_number(BUYER_SIRET[:9])
    spoiled = (
        seller_vat[:2] + seller_vat[2] + "O" + seller_vat[3:]
    )  # « FR8O6… »: a doubled key digit
    result = page(
        (40, [(40, "Vendeur"), (320, "Acheteur")]),
        (54, [(40, f"SIRET : {SELLER_SIRET}"), (320, f"SIRET : {BUYER_SIRET}")]),
        (68, [(40, f"N° TVA : {spoiled}"), (320, f"N° TVA : {buyer_vat}")]),
        (120, [(40, "Facture n° 2026-0042")]),
        source="ocr",
    )
    assert result.value("buyer_siret") == BUYER_SIRET
    assert result.value("seller_vat") == seller_vat


def test_an_amount_beside_a_label_wrapped_over_two_lines() -> None:
    """« Amount due / Net à » then « payer » in a narrow cell, the amount centred between."""
    result = page(
        (500, [(360, "Total TTC"), (480, "1 200,00 €")]),
        (515, [(360, "Amount due / Net à")]),
        (521, [(480, "1 200,00 €")]),
        (527, [(360, "payer")]),
    )
    assert result.value("amount_due") == "1200.00"


def test_values_under_a_row_of_column_headers() -> None:
    """An ERP's information band: « Date de facturation  Échéance  Votre commande » with the
    values on the line under each header."""
    result = page(
        (100, [(40, "Date de facturation"), (160, "Date d'échéance"), (260, "Votre commande")]),
        (114, [(40, "03/02/2026"), (160, "05/03/2026"), (260, "EJ4320675076")]),
    )
    assert result.value("issue_date") == "2026-02-03"
    assert result.value("order_reference") == "EJ4320675076"


def test_a_bare_numero_label_under_the_title() -> None:
    result = page(
        (40, [(40, "Clara Petit"), (420, "Facture")]),
        (56, [(40, "5 place des Carmes"), (420, "Numéro : F-2026-005")]),
        (70, [(40, "31000 TOULOUSE"), (420, "Date : 12/03/2026")]),
    )
    assert result.value("invoice_number") == "F-2026-005"


def test_totals_from_a_vat_table_when_the_labels_are_lost() -> None:
    """A till invoice: « Taux  Montant TVA  Total HT  Total TTC » headers unreadable, the rate
    row gives base, VAT and total that agree with each other."""
    result = page(
        (600, [(40, "A 20,00% 97,98 489,97 587,95")]),
        (614, [(40, "TOTAL 97,98 489,97 597,95")]),  # one digit misread on the total row
        source="ocr",
    )
    assert (result.value("total_ht"), result.value("total_tva"), result.value("total_ttc")) == (
        "489.97",
        "97.98",
        "587.95",
    )


def test_vat_lines_that_do_not_add_up_give_way_to_the_labelled_totals() -> None:
    """One VAT line misread (« 2.29781 € »): TVA is what the labelled HT and TTC leave."""
    result = page(
        (500, [(360, "Total HT"), (480, "23.814,40 €")]),
        (515, [(360, "TVA10%"), (480, "2.29781€")]),
        (530, [(360, "TVA 20 %"), (480, "167,26 €")]),
        (545, [(360, "Total TTC"), (480, "26.279,47 €")]),
        source="ocr",
    )
    assert result.value("total_tva") == "2465.07"
    assert result.fields["total_tva"].confidence < 0.9


def test_the_date_of_the_invoice_a_credit_note_cancels_is_not_its_date() -> None:
    result = page(
        (40, [(40, "AVOIR n° AV-2026-003")]),
        (54, [(40, "Avoir sur la facture n° F2026-010 du 02/02/2026")]),
    )
    assert result.value("issue_date") is None


def test_a_dollar_read_by_ocr_does_not_outweigh_the_euro() -> None:
    result = page(
        (500, [(360, "Total HT"), (480, "100,00 $")]),
        (515, [(360, "Total TTC"), (480, "120,00 €")]),
        source="ocr",
    )
    assert result.value("currency") == "EUR"


def test_votre_reference_is_the_order_when_nothing_else_names_one() -> None:
    result = page(
        (100, [(40, "Date d'émission : 12/03/2026")]),
        (114, [(40, "Votre référence : EJ1905649650")]),
    )
    assert result.value("order_reference") == "EJ1905649650"
    assert result.fields["order_reference"].confidence < 0.9


def test_a_siret_cut_by_the_width_of_its_box() -> None:
    """« SIRET 247 182 744 » at the end of a line of a narrow box, « 00307 » under it, with a
    line of the next column read in between."""
    result = page(
        (86, [(40, f"SIRET {SELLER_SIRET}"), (330, "CHU DE NANTES")]),
        (92, [(330, f"SIRET {BUYER_SIRET[:3]} {BUYER_SIRET[3:6]} {BUYER_SIRET[6:9]}")]),
        (98, [(40, "FR88681936571")]),
        (104, [(330, BUYER_SIRET[9:])]),
    )
    assert result.value("buyer_siret") == BUYER_SIRET


def test_a_large_amount_split_by_ocr_is_the_total_it_spells() -> None:
    result = page(
        (100, [(40, "Montant total à payer")]),
        (116, [(40, "31 17 1 ,92 €")]),
        (500, [(360, "Total HT"), (480, "25 976,60 €")]),
        (515, [(360, "TVA 20 %"), (480, "5 195,32 €")]),
        (530, [(360, "Total TTC"), (480, "31 171,92 €")]),
        source="ocr",
    )
    assert result.value("amount_due") == "31171.92"


def test_a_line_ocr_read_stays_one_row_when_its_boxes_stray() -> None:
    """OCR boxes differ in height (a tall « Date », a speck): the words of a line Tesseract
    read stay together, and are not mixed with the next column's line at a similar height."""
    line = (3, 1, 1)
    words = [
        Word("SIRET", 48, 96.2, 75, 104.3, 0, "ocr", (2, 1, 2)),
        Word("75935905277023", 87, 96.5, 160, 105.4, 0, "ocr", (2, 1, 2)),
        Word("Date", 200, 90.3, 222, 104.2, 0, "ocr", line),
        Word("d'émission", 225, 93.6, 270, 99.4, 0, "ocr", line),
        Word(":", 273, 93.6, 275, 98.9, 0, "ocr", line),
        Word("21/08/2026", 279, 91.4, 330, 99.5, 0, "ocr", line),
        Word("À", 200, 103.0, 205, 110.0, 0, "ocr", (3, 1, 2)),
        Word("régler", 208, 103.0, 235, 110.0, 0, "ocr", (3, 1, 2)),
        Word("avant", 238, 103.0, 262, 110.0, 0, "ocr", (3, 1, 2)),
        Word("le", 265, 103.0, 275, 110.0, 0, "ocr", (3, 1, 2)),
        Word("05/10/2026", 279, 103.0, 330, 110.0, 0, "ocr", (3, 1, 2)),
    ]
    rows = rows_from_words(words)
    assert any(row.text.endswith("Date d'émission : 21/08/2026") for row in rows)
    result = PrefillResult()
    fill_from_rows(result, rows, own_siret=None, today=date(2026, 11, 29))
    assert result.value("issue_date") == "2026-08-21"


def test_english_dates_month_first() -> None:
    assert page((40, [(40, "Invoice date: March 3, 2025")])).value("issue_date") == "2025-03-03"
    assert page((40, [(40, "Invoice date: 03/15/2025")])).value("issue_date") == "2025-03-15"


def test_the_vat_lines_of_another_bill_in_the_file_are_not_added() -> None:
    """A file with a second, example bill on page 2: the VAT total is the first bill's."""
    words = []
    for page_index, (vat, ttc) in enumerate((("20,00", "120,00"), ("40,00", "240,00"))):
        for y, label, amount in (
            (500, "Total HT", "100,00" if page_index == 0 else "200,00"),
            (515, "TVA 20 %", vat),
            (530, "Total TTC", ttc),
        ):
            words.append(Word(label.split()[0], 380, y, 400, y + HEIGHT, page_index, "text"))
            for offset, token in enumerate(label.split()[1:], start=1):
                words.append(
                    Word(
                        token,
                        400 + 20 * offset,
                        y,
                        415 + 20 * offset,
                        y + HEIGHT,
                        page_index,
                        "text",
                    )
                )
            words.append(Word(amount, 480, y, 520, y + HEIGHT, page_index, "text"))
    result = PrefillResult()
    fill_from_rows(result, rows_from_words(words), own_siret=None, today=date(2026, 11, 29))
    assert (result.value("total_tva"), result.value("total_ttc")) == ("40.00", "240.00")


def test_the_head_offices_siret_in_the_footer_is_not_the_invoicing_establishments() -> None:
    establishment = make_siret("83601221", "1400")
    head_office = make_siret("83601221", "0009")
    result = page(
        (40, [(40, "Menuiserie Le Gall – atelier de Lorient")]),
        (54, [(40, f"SIRET : {establishment}")]),
        (140, [(40, "Client"), (330, "Facture n° 2026-014")]),
        (156, [(40, f"SIRET : {BUYER_SIRET}")]),
        (790, [(40, f"Siège social : Menuiserie Le Gall, SIRET {head_office}, RCS Lorient")]),
    )
    assert result.value("seller_siret") == establishment


def test_english_totals_with_a_letter_lost_by_ocr() -> None:
    result = page(
        (300, [(360, "Total exc. VAT"), (480, "13 975,85 €")]),
        (318, [(360, "VAT 10 %"), (480, "651,27 EUR")]),
        (337, [(360, "VAT 20 %"), (480, "1.492,63 €")]),
        (356, [(360, "Total incl. VAT"), (480, "16 119,75 EUR")]),
        source="ocr",
    )
    assert (result.value("total_ht"), result.value("total_tva")) == ("13975.85", "2143.90")


def test_a_field_on_a_tilted_scan_is_framed_where_it_is_printed() -> None:
    """Rows are built on straightened coordinates; the frame shown to the user is not: on a
    scan tilted by 1 %, a value 450 pt to the right sits 4.5 pt lower than straightened."""
    from app.prefill.layout import rows_from_words

    slope = 0.01
    printed = [
        ("N°", 380.0, 100.0),
        ("facture", 400.0, 100.2),
        (":", 430.0, 100.3),
        ("F-2026-0042", 450.0, 100.5),
    ]
    words = [
        Word(text, x, y - slope * x, x + 30, y + 9 - slope * x, 0, "ocr", (1, 1, 1), slope * x)
        for text, x, y in printed
    ]
    [row] = rows_from_words(words)
    start = row.text.index("F-2026")
    x0, y0, _x1, y1 = row.bbox_of(start, start + 11, on_page=True)
    assert x0 == 450.0 and abs(y0 - 100.5) < 1e-6 and abs(y1 - 109.5) < 1e-6
    straight = row.bbox_of(start, start + 11)
    assert abs(straight[1] - (100.5 - 4.5)) < 1e-6


def test_the_client_s_vat_number_is_not_the_seller_s() -> None:
    """A seller under the VAT franchise prints no VAT number of its own; the only one on the
    page is its client's, beside the client's SIREN. A French VAT number holds its owner's
    SIREN, so it is not taken for the seller's."""
    seller = make_siret("81234567", "0001")
    client = make_siret("44300000", "0012")
    result = page(
        (40, [(40, "Facture n° 2027-0001")]),
        (54, [(40, "Date : 04/01/2027")]),
        (80, [(40, f"SIRET {seller}"), (300, "Client : SARL Les Tilleuls")]),
        (94, [(40, "TVA non applicable, art. 293 B du CGI"), (300, f"SIREN {client[:9]}")]),
        (108, [(300, f"TVA intracommunautaire : {vat_number(client[:9])}")]),
        (500, [(380, "Total"), (480, "600,00 €")]),
    )
    assert result.value("seller_siret") == seller
    assert result.value("seller_vat") is None
