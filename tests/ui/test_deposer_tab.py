"""The Déposer tab end to end: drop a PDF, check what was read, send it, see the result."""

from __future__ import annotations

import json
import warnings
from decimal import Decimal
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db import models
from app.deposit.supplier import Choice, SupplierProfile
from app.domain.enums import TypeFacture
from app.domain.identifiers import STATE_SIRET
from app.domain.invoice import Invoice, Supplier
from app.services import Services
from app.simulator.seed import siret_for
from tests.conftest import CORPUS_SAMPLES
from tests.support.ui_input import click_button
from ui.dialogs.confirm_deposit_dialog import ConfirmDepositDialog
from ui.main_window import MainWindow
from ui.widgets.deposit_form import DepositForm

CORPUS = CORPUS_SAMPLES
TEXT_INVOICE = CORPUS / "inv_101_003.pdf"
BREST = siret_for(4, "2129")  # service_or_engagement: CULTURE is enough


def drop(target: QWidget, *paths: Path) -> None:
    """What the file manager does: the drag enters the widget, then drops."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    position = QPointF(target.width() / 2, target.height() / 2)
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # Qt 6 still builds drag-enter events from a QPoint
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(target, QDropEvent(position, actions, mime, buttons, modifiers))


def wait_filled(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.deposer
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)


def confirm_dialog(window: MainWindow) -> ConfirmDepositDialog | None:
    found = window.deposer.findChildren(ConfirmDepositDialog)
    visible = [dialog for dialog in found if dialog.isVisible()]
    return visible[-1] if visible else None


def test_drop_fill_choose_recipient_and_send(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    truth = json.loads(TEXT_INVOICE.with_suffix(".truth.json").read_text("utf-8"))
    tab = window.deposer
    window.show_deposer()
    drop(tab.drop_zone, TEXT_INVOICE)
    wait_filled(qtbot, window)
    form = tab.form
    assert tab.stack.currentWidget() is tab.edit_page
    assert form.number.text() == truth["invoice_number"]
    assert isinstance(form.total_ht.value(), Decimal)  # money is never a float, even in Qt
    assert str(form.total_ht.value()) == truth["total_ht"]
    assert str(form.total_tva.value()) == truth["total_tva"]
    assert str(form.ttc_after.value()) == truth["total_ttc"]
    assert form.issue_date.date().toString("yyyy-MM-dd") == truth["issue_date"]
    assert tab.preview.page_count >= 1
    # The fields read are framed on the preview; selecting one says where it came from.
    form.number.setFocus()
    qtbot.waitUntil(lambda: "Numéro de facture : lu dans le texte du PDF" in tab.field_info.text())
    assert "confiance" in tab.field_info.text()

    # The recipient, from the directory (looked up online on the simulated platform).
    form.search_button.click()
    dialog = window.directory_dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.query, BREST)
    qtbot.waitUntil(lambda: dialog.online_button.isVisibleTo(dialog), timeout=5000)
    dialog.online_button.click()
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=20000)
    dialog.results.setCurrentRow(0)
    codes = [
        dialog.service_list.item(i).text().split(" — ")[0]
        for i in range(dialog.service_list.count())
    ]
    dialog.service_list.setCurrentRow(codes.index("CULTURE"))
    dialog.accept()
    assert form.recipient_siret.text() == BREST
    assert form.recipient_name.text() == "COMMUNE DE BREST"
    assert form.service_code() == "CULTURE"
    form.engagement.clear()
    tab.run_checks()
    assert [i for i in tab.issues if i.blocking] == []

    tab.send_button.click()
    qtbot.waitUntil(lambda: confirm_dialog(window) is not None, timeout=20000)
    confirm = confirm_dialog(window)
    assert confirm is not None
    assert confirm.values["Numéro de facture"] == truth["invoice_number"]
    assert confirm.values["Destinataire"].startswith("COMMUNE DE BREST (SIRET ")
    confirm.send_button.click()
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.result_page, timeout=30000)
    assert "déposée" in tab.result_title.text()
    assert tab.outcome is not None and tab.outcome.state == "done"

    with services.context.database.session() as session:
        row = session.scalars(
            select(models.Invoice).where(models.Invoice.number == truth["invoice_number"])
        ).one()
        assert row.status == "DEPOSEE"
        assert row.chorus_invoice_id == tab.outcome.chorus_invoice_id
        assert row.recipient_siret == BREST and row.code_service == "CULTURE"
    simulated = services.context.demo_platform().state.invoices[tab.outcome.chorus_invoice_id]
    assert simulated.number == truth["invoice_number"] and simulated.status == "DEPOSEE"
    assert str(simulated.total_ttc) == truth["total_ttc"]

    certificate = tab.export_certificate(Path(services.context.paths.data_dir) / "certificat.pdf")
    assert certificate is not None
    with pymupdf.open(certificate) as document:
        flags = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES
        text = document[0].get_text(flags=flags)
    assert "Certificat de dépôt" in text and truth["invoice_number"] in text
    assert str(tab.outcome.chorus_invoice_id) in text and "COMMUNE DE BREST" in text
    assert "DÉMONSTRATION — sans valeur" in text  # the banner
    assert "DÉMONSTRATION - sans valeur" in text  # and across the page

    tab.follow_button.click()
    qtbot.waitUntil(lambda: getattr(window, "history_dialog", None) is not None, timeout=20000)
    assert window.history_dialog.table.item(0, 1).text() == "Déposée"


def test_refuses_what_is_not_a_pdf(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    sheet = tmp_path / "devis.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    window.show_deposer()
    drop(window.deposer.drop_zone, sheet)
    message = window.deposer.drop_zone.message
    assert message.isVisible()
    assert "« devis.xlsx »" in message.text() and "que des factures au format PDF" in message.text()
    assert window.deposer.stack.currentWidget() is window.deposer.start_page


def test_a_corrupt_pdf_is_refused_and_the_next_one_is_read(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    broken = tmp_path / "abimee.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    window.show_deposer()
    messages: list[str] = []
    window.deposer.status_message.connect(messages.append)
    drop(window.deposer.drop_zone, broken, CORPUS / "inv_101_007.pdf")
    wait_filled(qtbot, window)
    assert window.deposer.current_path == CORPUS / "inv_101_007.pdf"
    assert window.deposer.form.number.text()
    assert any("abimee.pdf" in text and "PDF" in text for text in messages), messages


def test_several_files_are_queued_one_after_another(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.deposer
    window.show_deposer()
    first, second = CORPUS / "inv_101_007.pdf", CORPUS / "inv_101_011.pdf"
    drop(tab.drop_zone, first, second)
    wait_filled(qtbot, window)
    assert tab.current_path == first
    assert tab.queue == [second]
    assert "1 autre facture à préparer" in tab.queue_label.text()
    tab.close_current()  # read but never saved: asked first
    assert tab.close_question is not None and tab.close_question.isVisible()
    click_button(tab.close_question, "Fermer sans enregistrer")
    wait_filled(qtbot, window)
    assert tab.current_path == second and tab.queue == []


def test_checks_are_shown_at_their_fields(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.deposer
    window.open_files([TEXT_INVOICE])
    wait_filled(qtbot, window)
    form = tab.form
    form.number.setText("F 2026#1")
    form.recipient_siret.setText("21290004700012")
    form.ttc_after.setText("1,00")
    tab.run_checks()
    number_box = form.boxes["number"]
    assert number_box.message.isVisible()
    assert "lettres, des chiffres" in number_box.message.text()
    assert form.number.property("issue") == "error"
    assert "clé de contrôle" in form.boxes["recipient.siret"].message.text()
    assert "TTC après remise" in form.boxes["totals.total_ttc_after_discount"].message.text()
    # « Valider et envoyer » does not open the confirmation: it lists what to correct.
    tab.validate_and_send()
    qtbot.waitUntil(lambda: not tab.busy, timeout=20000)
    assert confirm_dialog(window) is None
    assert "points à corriger avant l'envoi" in tab.banner.text()


def test_state_recipient_fills_the_state_siret(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.deposer
    window.open_files([TEXT_INVOICE])
    wait_filled(qtbot, window)
    tab.form.state_yes.click()
    assert tab.form.recipient_siret.text() == STATE_SIRET
    assert tab.form.recipient_siret.isReadOnly()
    tab.form.state_no.click()
    assert tab.form.recipient_siret.text() == ""


def test_a_draft_survives_a_restart(qtbot: QtBot, window: MainWindow, services: Services) -> None:
    tab = window.deposer
    window.open_files([TEXT_INVOICE])
    wait_filled(qtbot, window)
    tab.form.number.setText("BROUILLON-7")
    tab.form.engagement.setText("EJ-42")
    tab.form.invoice_type.setCurrentIndex(tab.form.invoice_type.findData(TypeFacture.FACTURE))
    draft_id = tab.save_draft()
    assert draft_id is not None
    window.close()

    reopened = MainWindow(services, auto_sync=False)
    qtbot.addWidget(reopened)
    drafts = reopened.deposer.drafts_list
    qtbot.waitUntil(lambda: drafts.count() == 1)  # loaded just after the lists
    assert "BROUILLON-7" in drafts.item(0).text()
    reopened.deposer.resume_selected_draft()
    form = reopened.deposer.form
    assert reopened.deposer.stack.currentWidget() is reopened.deposer.edit_page
    assert form.number.text() == "BROUILLON-7" and form.engagement.text() == "EJ-42"
    assert reopened.deposer.preview.page_count >= 1


def test_factur_x_is_offered_and_followed(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    services.context.flux_wait_seconds = 0  # the simulated platform integrates 30 s later
    tab = window.deposer
    window.open_files([CORPUS / "inv_101_007.pdf"])
    wait_filled(qtbot, window)
    structure, _ = services.directory.recipient_info(BREST)
    if structure is None:
        found = services.directory.lookup_online(BREST)
        assert found is not None
        structure = found[0]
    tab.set_recipient(structure, "CULTURE")
    tab.form.number.setText("FX-ONGLET-1")
    tab.form.engagement.clear()
    assert not tab.facturx_box.isChecked()  # plain PDF stays the default
    tab.facturx_box.setChecked(True)
    tab.validate_and_send()
    qtbot.waitUntil(lambda: confirm_dialog(window) is not None, timeout=20000)
    confirm = confirm_dialog(window)
    assert confirm is not None
    confirm.send_button.click()
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.result_page, timeout=30000)
    assert "Factur-X FX-ONGLET-1 déposé" in tab.result_title.text()
    [flux] = services.context.demo_platform().state.fluxes.values()
    assert flux.syntax == "IN_DP_E2_CII_FACTURX"


def test_a_recipient_chosen_first_applies_to_the_next_invoice(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    found = services.directory.lookup_online(BREST)
    assert found is not None
    window.deposer.set_recipient(found[0], "CULTURE")
    window.open_files([TEXT_INVOICE])
    wait_filled(qtbot, window)
    form = window.deposer.form
    assert form.recipient_siret.text() == BREST and form.service_code() == "CULTURE"
    assert form.recipient_name.text() == "COMMUNE DE BREST"


def test_a_scan_is_kept_when_tesseract_lacks_french(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No OCR: the scan is not refused; the banner says why and how to fix it, and the
    fields are open for typing."""
    empty = tmp_path / "tessdata_vide"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))  # the OCR workers start after this
    scan = tmp_path / "scan.pdf"
    with pymupdf.open(TEXT_INVOICE) as source, pymupdf.open() as image_only:
        for page in source:
            copy = image_only.new_page(width=page.rect.width, height=page.rect.height)
            copy.insert_image(copy.rect, pixmap=page.get_pixmap(dpi=100))
        image_only.save(scan)
    tab = window.deposer
    window.show_deposer()
    drop(tab.drop_zone, scan)
    wait_filled(qtbot, window)
    assert tab.stack.currentWidget() is tab.edit_page and tab.current_path == scan
    assert tab.banner.isVisible()
    assert "Lecture optique impossible" in tab.banner.text()
    assert "tesseract-ocr-fra" in tab.banner.text()
    assert not tab.form.number.isReadOnly() and tab.form.number.text() == ""


def test_a_draft_keeps_its_supplier_service_and_account_whenever_the_profile_arrives(
    qtbot: QtBot,
) -> None:
    """A draft opened before Chorus Pro answered (or offline) keeps its supplier service and
    bank account; when the profile comes, they are the ones selected, not the defaults."""
    profile = SupplierProfile(
        siret="81234567600017",
        name="ATELIER MARTIN",
        id_structure_cpp=9001,
        services=[Choice(501, "Atelier"), Choice(502, "Formations")],
        bank_accounts=[Choice(77001, "Compte courant"), Choice(77002, "Compte pro")],
    )
    form = DepositForm()
    qtbot.addWidget(form)
    draft = Invoice(supplier=Supplier(id_service=502, bank_account_id=77002))
    form.set_invoice(draft)
    assert form.invoice().supplier.id_service == 502  # saved as it was, profile or not
    form.set_supplier(None, "Chorus Pro n'a pas pu être joint.")
    assert form.invoice().supplier.bank_account_id == 77002
    form.set_supplier(profile)
    assert form.supplier_service.currentText() == "Formations"
    assert form.supplier_bank.currentText() == "Compte pro"
    form.set_supplier(profile)  # the cached profile, applied again: the draft's choice stays
    assert form.invoice().supplier.bank_account_id == 77002

    form.set_invoice(Invoice())  # a new invoice: no service, the first account
    assert form.invoice().supplier.id_service is None
    assert form.invoice().supplier.bank_account_id == 77001


def test_the_pdf_of_an_invoice_being_prepared_can_be_replaced(
    qtbot: QtBot, window: MainWindow, services: Services, tmp_path: Path
) -> None:
    """A replacement or a copy starts with the old PDF: « Remplacer le PDF… » swaps it, the
    typed fields stay, a bad file is refused without losing the current one."""
    tab = window.deposer
    window.open_files([TEXT_INVOICE])
    wait_filled(qtbot, window)
    tab.form.number.setText("F-CORRIGEE")
    assert tab.form.main_replace.isVisible()

    broken = tmp_path / "abimee.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    tab.replace_main_pdf(broken)
    assert "Le PDF n'a pas été remplacé" in tab.banner.text()
    main = tab.form.invoice().main_attachment
    assert main is not None and main.file_name == TEXT_INVOICE.name
    assert tab.preview.page_count >= 1

    corrected = CORPUS / "inv_101_007.pdf"
    tab.replace_main_pdf(corrected)
    main = tab.form.invoice().main_attachment
    assert main is not None and main.file_name == corrected.name
    assert tab.form.number.text() == "F-CORRIGEE"
    assert corrected.name in tab.file_label.text() and corrected.name in tab.form.main_label.text()
    draft_id = tab.save_draft(quiet=True)
    assert draft_id is not None
    saved = services.deposit.load_draft(draft_id).main_attachment
    assert saved is not None and saved.file_name == corrected.name
    assert services.deposit.attachment_path(saved).read_bytes() == corrected.read_bytes()


def test_a_recipient_s_rule_is_said_the_same_way_in_the_directory_and_the_form(
    qtbot: QtBot, services: Services
) -> None:
    """Commune de Brest: « code service ou numéro d'engagement » in the directory's list, its
    detail and the form; choosing the PORT service (which asks for an engagement) says so,
    and a deposit with PORT but no engagement is refused at the engagement's field."""
    from datetime import date

    from app.deposit.checks import CheckContext, blocking, recipient_issues
    from app.domain.invoice import Recipient
    from ui.dialogs.directory_dialog import structure_line

    [brest] = services.directory.search("brest", 5)
    line = structure_line(brest)
    assert "[code service ou engagement]" in line
    form = DepositForm()
    qtbot.addWidget(form)
    brest_services = services.directory.services(brest.siret, active_only=True)
    form.set_recipient_info(brest, brest_services)
    assert form.requirement.text() == "Code service ou numéro d'engagement obligatoire"
    form.code_service.setCurrentIndex(form.code_service.findData("PORT"))
    assert "le service PORT exige un numéro d'engagement" in form.requirement.text()
    form.code_service.setCurrentIndex(form.code_service.findData("CULTURE"))
    assert form.requirement.text() == "Code service ou numéro d'engagement obligatoire"

    port_alone = Invoice(recipient=Recipient(siret=brest.siret, code_service="PORT"))
    context = CheckContext(date.today(), brest, brest_services)
    [issue] = blocking(recipient_issues(port_alone, context))
    assert issue.field == "references.engagement_number"
    culture_alone = Invoice(recipient=Recipient(siret=brest.siret, code_service="CULTURE"))
    assert blocking(recipient_issues(culture_alone, context)) == []
