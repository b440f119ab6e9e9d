"""Saisir une facture (issue 24), as a person does it: from Déposer, click « Saisir une
facture… », type who sells and who buys, type the lines in the table, ask to issue — the
missing mention is said at its field — fix it, confirm, and the invoice is numbered, its
PDF/A-3 Factur-X written; a public customer's goes to Chorus Pro with one more click."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from app.deposit.official_rules import official_broken_rules
from app.services import Services
from app.simulator.seed import siret_for
from tests.support.ui_input import click, click_button, type_text
from ui.main_window import MainWindow
from ui.windows.invoice_editor import InvoiceEditor


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the issued PDFs go (the user's Documents folder, here a temporary one)."""
    monkeypatch.setenv("HOME", str(tmp_path / "maison"))
    return tmp_path / "maison" / "Documents"


def fill(edit: QLineEdit, text: str) -> None:
    click(edit)
    edit.selectAll()
    type_text(edit, text)


def type_cell(table: QTableWidget, row: int, column: int, text: str) -> None:
    """Click the cell, F2 to edit it, type, Enter: as in a spreadsheet."""
    table.scrollTo(table.model().index(row, column))
    rect = table.visualRect(table.model().index(row, column))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.keyClick(table.viewport(), Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), type(editor)
    editor.selectAll()
    type_text(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.qWait(50)  # a person's next action comes later: the closed editor goes first


def open_editor(qtbot: QtBot, window: MainWindow) -> InvoiceEditor:
    window.show_deposer()
    button = window.deposer.start_page.findChild(
        type(window.deposer.close_button), "saisir_facture"
    )
    assert button is not None and button.isVisible()
    click(button)
    editor = window.invoice_editor
    assert editor is not None
    qtbot.waitExposed(editor)
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def issue_to_brest(
    qtbot: QtBot, window: MainWindow, services: Services
) -> tuple[InvoiceEditor, str]:
    """An invoice to Commune de Brest (a structure the demo Chorus Pro knows), typed in the
    editor and issued; the editor and the number."""
    editor = open_editor(qtbot, window)
    type_the_seller(editor)
    found = services.directory.lookup_online(siret_for(4, "2129"))
    assert found is not None
    editor.set_public_customer(found[0], "CULTURE")  # what the directory dialog hands back
    fill(editor.customer_street, "2 rue Frézier")
    fill(editor.customer_postcode, "29200")
    fill(editor.customer_city, "Brest")
    type_cell(editor.lines_table, 0, 0, "Atelier d'écriture")
    type_cell(editor.lines_table, 0, 3, "300")
    issue(qtbot, editor)
    return editor, (editor.issued.invoice.number or "") if editor.issued else ""


def type_the_seller(editor: InvoiceEditor) -> None:
    fill(editor.seller_name, "Marie Martin")
    fill(editor.seller_street, "12 rue des Lilas")
    fill(editor.seller_postcode, "33000")
    fill(editor.seller_city, "Bordeaux")
    fill(editor.seller_iban, "FR76 3000 6000 0112 3456 7890 189")


def issue(qtbot: QtBot, editor: InvoiceEditor) -> None:
    """« Émettre la facture… » clicked, confirmed, and the invoice issued."""
    click(editor.issue_button)
    confirm(qtbot, editor)
    qtbot.waitUntil(lambda: editor.issued is not None, timeout=30000)


def confirm(qtbot: QtBot, editor: InvoiceEditor) -> None:
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(editor, "confirm_box", None), QMessageBox)
            and editor.confirm_box.isVisible()
        )
    )
    assert "ne peut plus être modifiée" in editor.confirm_box.text()
    click_button(editor.confirm_box, "Émettre")


def test_an_invoice_for_a_company_typed_checked_and_issued(
    qtbot: QtBot, window: MainWindow, services: Services, documents: Path
) -> None:
    from PIL import Image

    from tests.support.file_chooser import answer_file_chooser

    editor = open_editor(qtbot, window)
    assert not editor.problems_label.isVisible()  # an empty form is not scolded
    type_the_seller(editor)
    logo = documents.parent / "logo.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (240, 80), (30, 90, 160)).save(logo)
    answer_file_chooser(str(logo))
    click_button(editor, "Choisir un logo…")
    qtbot.waitUntil(lambda: editor.logo is not None)
    assert editor.logo_label.pixmap() is not None and not editor.logo_label.pixmap().isNull()
    editor.activateWindow()  # back from the file chooser
    qtbot.waitUntil(editor.isActiveWindow)
    click(editor.company_choice, QPoint(8, editor.company_choice.height() // 2))
    assert editor.company_choice.isChecked() and not editor.customer_siret.isEnabled()
    fill(editor.customer_name, "SARL Les Tilleuls")
    fill(editor.customer_street, "3 place du Marché")
    fill(editor.customer_postcode, "33600")
    fill(editor.customer_city, "Pessac")
    table = editor.lines_table
    type_cell(table, 0, 0, "Création du site vitrine")
    type_cell(table, 0, 3, "1 200,00")
    click(editor.findChild(type(editor.issue_button), "ajouter_ligne"))
    type_cell(table, 1, 0, "Formation à la mise à jour")
    type_cell(table, 1, 1, "3,5")
    type_cell(table, 1, 3, "60")
    qtbot.waitUntil(lambda: "1 410,00" in editor.totals_label.text().replace("\u202f", " "))
    fill(editor.global_charge, "35,00")  # travel costs, on the whole invoice
    qtbot.waitUntil(lambda: "1 445,00" in editor.totals_label.text().replace("\u202f", " "))

    click(editor.issue_button)  # the customer's SIREN is missing: said, at its field
    qtbot.waitUntil(editor.problems_label.isVisible)
    assert "SIREN du client" in editor.problems_label.text()
    assert editor.customer_siren.property("issue") == "error"
    assert QApplication.focusWidget() is editor.customer_siren
    type_text(editor.customer_siren, "443061841")
    QTest.keyClick(editor.customer_siren, Qt.Key.Key_Tab)
    assert editor.customer_vat.text() == "FR64443061841"  # derived from the SIREN
    qtbot.waitUntil(lambda: not editor.problems_label.isVisible())

    issue(qtbot, editor)
    issued = editor.issued
    assert issued is not None and issued.invoice.number
    assert f"Facture {issued.invoice.number} émise" in editor.result_label.text()
    assert editor.save_as_button.isVisible() and editor.chorus_button.isVisible()
    assert editor.chorus_button.text().replace("&", "") == "Envoyer par la plateforme agréée"
    written = editor.saved_path
    assert written is not None and written.parent == documents / "Bordereau" / "Factures"
    _name, xml = get_xml_from_pdf(written.read_bytes(), check_xsd=True)
    assert official_broken_rules(xml) == []
    import pymupdf

    with pymupdf.open(written) as printed:
        assert printed[0].get_images(), "the logo is printed at the top of the page"
    assert b"Formation \xc3\xa0 la mise \xc3\xa0 jour" in xml
    assert b"<ram:ChargeTotalAmount>35.00</ram:ChargeTotalAmount>" in xml
    assert b"<ram:Reason>Frais de d\xc3\xa9placement</ram:Reason>" in xml
    assert not editor.issue_button.isEnabled()  # issued: it does not change any more
    # the profile is kept for the next invoice
    assert services.invoicing.seller_profile() is not None
    editor.close()


def test_an_invoice_for_a_public_structure_goes_to_chorus_pro(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    services.context.flux_wait_seconds = 0  # the platform integrates later: not waited for
    editor = open_editor(qtbot, window)
    type_the_seller(editor)
    brest = siret_for(4, "2129")
    found = services.directory.lookup_online(brest)
    assert found is not None
    editor.set_public_customer(found[0], "CULTURE")  # what the directory dialog hands back
    fill(editor.customer_street, "2 rue Frézier")
    fill(editor.customer_postcode, "29200")
    fill(editor.customer_city, "Brest")
    fill(editor.contract, "M-2026-17")
    type_cell(editor.lines_table, 0, 0, "Atelier d'écriture à la médiathèque")
    type_cell(editor.lines_table, 0, 3, "450")
    issue(qtbot, editor)
    assert editor.issued is not None and editor.issued.invoice.contract == "M-2026-17"
    _name, xml = get_xml_from_pdf(editor.issued.pdf, check_xsd=True)
    assert b"<ram:IssuerAssignedID>M-2026-17</ram:IssuerAssignedID>" in xml  # BT-12
    assert editor.chorus_button.isVisible()
    click(editor.chorus_button)
    qtbot.waitUntil(
        lambda: (
            "Chorus Pro" in editor.result_label.text()
            and ("déposée" in editor.result_label.text() or "attente" in editor.result_label.text())
        ),
        timeout=30000,
    )
    platform = services.context.demo_platform()
    with platform.state.lock:
        [flux] = platform.state.fluxes.values()
    assert flux.syntax == "IN_DP_E2_CII_FACTURX"
    editor.close()


def test_an_issued_invoice_is_credited_in_one_click_and_a_draft_taken_up(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    """Fichier › Factures écrites (by its mnemonics): an issued invoice is corrected by a
    credit note with one click and a confirmation; a draft opens again in the editor."""
    from dataclasses import replace

    from tests.support.written_invoices import written_invoice

    made = replace(written_invoice(10), number=None)  # franchise en base, a company, 3 lines
    issued = services.invoicing.write_new(made, today=made.issue_date)
    draft_id = services.invoicing.save_draft(
        replace(made, customer=replace(made.customer, name="SCI Brouillon"))
    )

    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu = QApplication.activePopupWidget()
    assert menu is not None
    QTest.keyClick(menu, Qt.Key.Key_F)
    listing = window.written_invoices
    assert listing is not None
    qtbot.waitExposed(listing)
    table = listing.table
    numbers = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert numbers == ["(brouillon)", issued.invoice.number]

    row = numbers.index(issued.invoice.number)
    QTest.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(row, 2)).center(),
    )
    assert listing.credit_button.isEnabled()
    click(listing.credit_button)
    qtbot.waitUntil(lambda: listing.credit_dialog.isVisible())
    lines = listing.credit_dialog.findChild(QTableWidget, "lignes_avoir")
    assert lines is not None and lines.rowCount() == len(made.lines) == 3
    total = listing.credit_dialog.findChild(QLabel, "total_avoir")
    assert total is not None
    whole = total.text()
    for index in range(1, lines.rowCount()):  # a partial credit note: the first line only
        rect = lines.visualItemRect(lines.item(index, 0))
        QTest.mouseClick(
            lines.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(rect.left() + 10, rect.center().y()),
        )
    assert lines.item(1, 0).checkState() == Qt.CheckState.Unchecked
    assert total.text() != whole  # the total follows the ticks
    click_button(listing.credit_dialog, "Émettre l'avoir")
    qtbot.waitUntil(lambda: "Avoir" in listing.status.text())
    kinds = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert kinds.count("Avoir") == 1
    credit_number = next(
        table.item(r, 0).text()
        for r in range(table.rowCount())
        if table.item(r, 1).text() == "Avoir"
    )
    assert (
        f"Avoir {credit_number} émis pour la facture {issued.invoice.number}"
        in listing.status.text()
    )
    credit = services.invoicing.issued(credit_number).invoice
    assert credit.credited_number == issued.invoice.number
    assert credit.lines == made.lines[:1]  # only what was left ticked

    draft_row = [table.item(r, 0).text() for r in range(table.rowCount())].index("(brouillon)")
    QTest.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(draft_row, 2)).center(),
    )
    assert listing.open_button.text().replace("&", "") == "Reprendre"
    click(listing.open_button)
    editor = window.invoice_editor
    assert editor is not None and editor.draft_id == draft_id
    assert editor.customer_name.text() == "SCI Brouillon"
    assert editor.lines_table.rowCount() == len(made.lines)
    assert editor.company_choice.isChecked()
    assert editor.issue_button.isEnabled() and editor.issued is None  # a draft: no number yet
    editor.close()
    listing.close()


def test_the_next_invoice_takes_its_customer_and_lines_from_what_was_invoiced(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    """An issued invoice is remembered: its customer is offered as its name is typed, its
    lines are in the catalogue; Fichier › Clients et catalogue corrects a price and forgets
    a customer."""
    from dataclasses import replace

    from tests.support.written_invoices import written_invoice

    made = replace(written_invoice(10), number=None)  # a company, three lines
    services.invoicing.write_new(made, today=made.issue_date)

    editor = open_editor(qtbot, window)
    click(editor.customer_name)
    type_text(editor.customer_name, made.customer.name[:6])
    popup = editor.customer_name.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert editor.customer_name.text() == made.customer.name
    assert editor.company_choice.isChecked()
    assert editor.customer_siren.text() == made.customer.siren
    assert editor.customer_city.text() == made.customer.address.city

    rows_before = editor.lines_table.rowCount()
    click(editor.catalogue_button)
    menu = editor.catalogue_menu
    qtbot.waitUntil(menu.isVisible)
    wanted = made.lines[0]
    action = next(
        a for a in menu.actions() if a.text().startswith(wanted.description.replace("&", "&&"))
    )
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert rows_before == 1  # a new invoice starts with one empty line…
    assert editor.lines_table.rowCount() == 1  # …which the catalogue's line takes the place of
    added = editor.lines()[-1]
    assert (added.description, added.unit, added.unit_price) == (
        wanted.description,
        wanted.unit,
        wanted.unit_price,
    )
    editor.close()  # typed work: asked first
    qtbot.waitUntil(lambda: editor.close_question.isVisible())
    click_button(editor.close_question, "Fermer sans enregistrer")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu_bar_menu = QApplication.activePopupWidget()
    assert menu_bar_menu is not None
    QTest.keyClick(menu_bar_menu, Qt.Key.Key_L)
    book = window.address_book
    assert book is not None
    qtbot.waitExposed(book)
    qtbot.waitUntil(book.isActiveWindow)
    names = [book.customers_table.item(r, 0).text() for r in range(book.customers_table.rowCount())]
    assert names == [made.customer.name]
    book.tabs.setCurrentIndex(1)
    items = book.items_table
    row = [items.item(r, 0).text() for r in range(items.rowCount())].index(wanted.description)
    type_cell(items, row, 2, "99,50")
    price = dict(
        (line.description, line.unit_price) for _id, line in services.invoicing.catalogue()
    )
    assert price[wanted.description] == Decimal("99.50")
    book.tabs.setCurrentIndex(0)
    QTest.mouseClick(
        book.customers_table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=book.customers_table.visualRect(book.customers_table.model().index(0, 1)).center(),
    )
    click_button(book.tabs.currentWidget(), "Oublier")
    assert services.invoicing.customers() == []
    book.close()


def test_a_reform_rule_broken_by_what_was_typed_is_said_at_its_field(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    """The customer's electronic address typed with a space: the reform's BR-FR-23 stops the
    invoice before it is numbered, names the rule, tints the field and gives it the
    keyboard once the message is read."""
    editor = open_editor(qtbot, window)
    type_the_seller(editor)
    click(editor.company_choice, QPoint(8, editor.company_choice.height() // 2))
    fill(editor.customer_name, "SARL Les Tilleuls")
    fill(editor.customer_street, "3 place du Marché")
    fill(editor.customer_postcode, "33600")
    fill(editor.customer_city, "Pessac")
    fill(editor.customer_siren, "443061841")
    qtbot.waitUntil(lambda: "443061841" in editor.customer_address.placeholderText())
    fill(editor.customer_address, "443061841 compta")
    type_cell(editor.lines_table, 0, 0, "Création du site vitrine")
    type_cell(editor.lines_table, 0, 3, "1 200,00")
    click(editor.issue_button)
    confirm(qtbot, editor)
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(editor, "refused_box", None), QMessageBox)
            and editor.refused_box.isVisible()
        ),
        timeout=30000,
    )
    assert "BR-FR-23_BT-49" in editor.refused_box.text()
    assert "adresse électronique du client" in editor.refused_box.text()
    assert editor.customer_address.property("issue") == "error"
    click_button(editor.refused_box, "OK")
    # the field the editor gives the keyboard to (its window's focus, active again)
    qtbot.waitUntil(lambda: editor.focusWidget() is editor.customer_address)
    assert editor.issued is None and services.invoicing.issued_list() == []
    editor.customer_address.selectAll()  # back to the default, the SIREN: erased
    QTest.keyClick(editor.customer_address, Qt.Key.Key_Delete)
    assert editor.customer_address.text() == ""
    issue(qtbot, editor)


def test_a_public_customer_s_credit_note_is_saved_and_deposited_from_the_list(
    qtbot: QtBot, window: MainWindow, services: Services, documents: Path
) -> None:
    """The credit note of a public customer's invoice: its PDF in Documents/Bordereau/
    Factures like an invoice's, then « Déposer sur Chorus Pro » where it is listed."""
    from dataclasses import replace

    from tests.support.written_invoices import written_invoice

    made = next(
        replace(invoice, number=None)
        for invoice in map(written_invoice, range(40))
        if invoice.customer.kind.value == "public" and not invoice.is_credit_note
        and invoice.customer.code_service == "CULTURE"
    )  # fmt: skip
    brest = replace(made.customer, siret=siret_for(4, "2129"), name="COMMUNE DE BREST")
    made = replace(made, customer=brest)  # a structure the demo Chorus Pro knows
    issued = services.invoicing.write_new(made, today=made.issue_date)
    listing = window.open_written_invoices()
    qtbot.waitExposed(listing)
    table = listing.table
    listing.table.selectRow(0)
    click(listing.credit_button)
    qtbot.waitUntil(lambda: listing.credit_dialog.isVisible())
    click_button(listing.credit_dialog, "Émettre l'avoir")
    qtbot.waitUntil(lambda: "Avoir" in listing.status.text())
    credit_number = next(
        table.item(r, 0).text()
        for r in range(table.rowCount())
        if table.item(r, 1).text() == "Avoir"
    )
    saved = documents / "Bordereau" / "Factures" / f"Avoir {credit_number}.pdf"
    assert saved.is_file() and "Déposer sur Chorus Pro" in listing.status.text()
    assert listing.deposit_button.isEnabled()  # the credit note is the one selected
    services.context.flux_wait_seconds = 10  # the demo platform integrates at its pace
    click(listing.deposit_button)
    qtbot.waitUntil(lambda: listing.send_question.isVisible())
    click_button(listing.send_question, "Envoyer")
    qtbot.waitUntil(
        lambda: (
            "envoyée à Chorus Pro" in listing.status.text()
            or "part dès que" in listing.status.text()
        ),
        timeout=30_000,
    )
    assert issued.invoice.number


def test_figures_in_french_no_rate_in_franchise_and_no_hint_once_issued(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Issue 32: « 12.5 » typed shows « 12,5 » beside « 38,50 »; in VAT franchise the greyed
    rate cell is blank, not « 20 % »; an issued invoice shows no greyed hint that could read as
    a value."""
    from app.invoicing.model import VatRegime

    editor = open_editor(qtbot, window)
    type_cell(editor.lines_table, 0, 0, "Pose de plinthes")
    type_cell(editor.lines_table, 0, 1, "12.5")
    type_cell(editor.lines_table, 0, 3, "38.5")
    assert editor.lines_table.item(0, 1).text() == "12,5"
    assert editor.lines_table.item(0, 3).text() == "38,50"

    rate = editor.lines_table.cellWidget(0, 5)
    assert isinstance(rate, QComboBox)
    regime = editor.regime
    franchise = regime.findData(VatRegime.FRANCHISE)
    standard = regime.findData(VatRegime.STANDARD)
    regime.setCurrentIndex(standard)
    assert rate.isEnabled() and rate.currentText() == "20 %"
    regime.setCurrentIndex(franchise)
    assert not rate.isEnabled() and rate.currentText() == ""
    regime.setCurrentIndex(standard)
    assert rate.currentText() == "20 %"  # the rate chosen before comes back
    regime.setCurrentIndex(franchise)

    type_the_seller(editor)
    click(editor.company_choice)
    fill(editor.customer_name, "SARL Les Tilleuls")
    fill(editor.customer_street, "3 place du Marché")
    fill(editor.customer_postcode, "33600")
    fill(editor.customer_city, "Pessac")
    fill(editor.customer_siren, "443061841")
    assert editor.contract.placeholderText()  # a hint while typing
    issue(qtbot, editor)
    hints = [field.objectName() for field in editor.body.findChildren(QLineEdit)
             if field.placeholderText()]  # fmt: skip
    assert hints == []
    editor.close()


def test_a_sent_invoice_says_where_to_follow_it(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    """Issue 32: the demo Chorus Pro integrates a flux in seconds, the steps are shown, and the
    end says where the invoice is — « Voir dans Rechercher », reached with the keyboard."""
    editor, number = issue_to_brest(qtbot, window, services)
    click(editor.chorus_button)
    qtbot.waitUntil(lambda: "Intégration du flux" in editor.result_label.text(), timeout=20000)
    qtbot.waitUntil(lambda: "envoyée à Chorus Pro" in editor.result_label.text(), timeout=40000)
    assert "Voir dans Rechercher" in editor.result_label.text()

    editor.result_label.setFocus()
    QTest.keyClick(editor.result_label, Qt.Key.Key_Tab)  # to the link
    QTest.keyClick(editor.result_label, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.rechercher)
    assert window.rechercher.search_edit.text() == number
    model = window.rechercher.model
    qtbot.waitUntil(
        lambda: any(
            (row := model.row_of(index)) is not None and row.number == number
            for index in range(model.rowCount())
        ),
        timeout=20000,
    )
    editor.close()
