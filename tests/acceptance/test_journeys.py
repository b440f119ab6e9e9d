"""A newcomer's journeys in demo mode, with real clicks and keys (issue 21)."""

from __future__ import annotations

import base64

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.invoices.rows import WorkCategory
from app.services import Services
from app.simulator.seed import siret_for
from tests.conftest import CORPUS_SAMPLES
from tests.support.ui_input import click, click_button, type_text
from ui.main_window import MainWindow
from ui.tabs.synthese import SyntheseTab

TEXT_INVOICE = CORPUS_SAMPLES / "inv_101_003.pdf"


def _select(qtbot: QtBot, tab: SyntheseTab, category: WorkCategory) -> None:
    for row in range(tab.model.rowCount()):
        found = tab.model.row_of(row)
        if found is not None and found.category is category:
            rect = tab.table.visualRect(tab.model.index(row, 0))
            QTest.mouseClick(
                tab.table.viewport(),
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                rect.center(),
            )
            qtbot.waitUntil(lambda: tab.current_row() is not None)
            return
    raise AssertionError(f"aucune facture {category} dans la Synthèse")


def test_recycle_with_a_wrong_then_the_right_service(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    synthese = demo_window.synthese
    demo_window.tabs.setCurrentWidget(synthese)
    _select(qtbot, synthese, WorkCategory.RECYCLE)
    row = synthese.current_row()
    assert row is not None and "service ENFANCE" in (row.status_comment or "")
    synthese.recycle_selected()
    dialog = synthese.recycle_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)

    # A service the demo directory does not know: refused at its field, before sending.
    combo = dialog.service_combo
    combo.lineEdit().selectAll()
    type_text(combo.lineEdit(), "FINANCES")
    qtbot.waitUntil(lambda: not dialog.ok_button.isEnabled(), timeout=3000)
    assert "FINANCES" in dialog.issues_label.text() or dialog.issues_label.isVisible()

    # A service the directory still lists but the platform has just closed: Chorus Pro
    # refuses; the dialog stays open, what was typed is kept, the reason is at the field.
    platform = services.context.demo_platform().state
    pessac = next(s for s in platform.directory if s.name == "COMMUNE DE PESSAC")
    tech = next(s for s in pessac.services if s.code == "SERV_TECH")
    tech.active = False
    combo.lineEdit().selectAll()
    type_text(combo.lineEdit(), "SERV_TECH")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=3000)
    click(dialog.ok_button)
    error = dialog.field_errors["service"]
    qtbot.waitUntil(error.isVisible, timeout=20000)
    assert dialog.isVisible() and "service" in error.text().lower()
    assert combo.currentText() == "SERV_TECH"

    # The service the reason names: recycled, the dialog closes, the list follows.
    combo.lineEdit().selectAll()
    type_text(combo.lineEdit(), "ENFANCE")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=3000)
    click(dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    qtbot.waitUntil(lambda: not synthese.busy, timeout=20000)
    recycled = next(i for i in platform.invoices.values() if i.number == row.number)
    assert recycled.status not in ("A_RECYCLER", "EN_ATTENTE_RECYCLAGE_FOURNISSEUR")


def test_the_demo_directory_finds_a_lycee_and_knows_the_sample_recipients(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    dialog = demo_window.open_directory_dialog()
    qtbot.waitUntil(dialog.isVisible)
    type_text(dialog.query, "lycée")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=3000)
    assert "LYCEE" in dialog.results.item(0).text().upper()
    dialog.reject()
    for summary in services.invoices.summaries()[:5]:
        structure, _services = services.directory.recipient_info(summary.recipient_siret)
        assert structure is not None, summary.recipient_siret


def test_an_invoice_of_another_seller_is_said_at_the_supplier(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.show_deposer()
    demo_window.open_files([TEXT_INVOICE])
    tab = demo_window.deposer
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    warning = tab.form.seller_warning
    qtbot.waitUntil(warning.isVisible, timeout=20000)
    text = warning.text()
    seller = tab.prefill_result.fields["seller_siret"].value  # type: ignore[union-attr]
    assert f"SIRET {seller}" in text and "pas par" in text
    account = services_siret = demo_window.services.deposit.account_siret()
    assert account and f"SIRET {services_siret}" in text


def test_the_dashboard_counts_what_the_synthese_lists(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    synthese = demo_window.synthese
    listed = synthese.model.rowCount()
    assert listed >= 3  # to recycle, suspended, a recent rejection (an old one is hidden)
    dashboard = demo_window.tableau_de_bord
    demo_window.tabs.setCurrentWidget(dashboard)
    dashboard.board = None
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=20000)
    assert dashboard.card_to_do.detail.text() == f"{listed} factures"


def test_visualiser_without_a_pdf_application_opens_bordereau_s_viewer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    from ui.dialogs.pdf_viewer_dialog import PdfViewerDialog

    demo_window.open_external = lambda _url: False  # this computer has no PDF application
    rechercher = demo_window.rechercher
    demo_window.tabs.setCurrentWidget(rechercher)
    rechercher.refresh()
    qtbot.waitUntil(lambda: rechercher.model.rowCount() > 0, timeout=20000)
    rect = rechercher.table.visualRect(rechercher.model.index(0, 0))
    click(rechercher.table.viewport(), rect.center())
    QTest.keyClick(
        rechercher.table,
        Qt.Key.Key_O,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: bool(demo_window.viewers), timeout=20000)
    viewer = demo_window.viewers[0]
    assert isinstance(viewer, PdfViewerDialog) and viewer.isVisible()
    assert viewer.preview.page_count >= 1


def test_reading_a_scan_tints_what_cannot_be_checked_and_forgets_the_last_invoice(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    from tests.conftest import REPO_ROOT

    scan = REPO_ROOT / "tests" / "fixtures" / "producers" / "prod_000_erp_scan.pdf"
    tab = demo_window.deposer
    demo_window.open_files([TEXT_INVOICE])
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    qtbot.waitUntil(tab.form.seller_warning.isVisible, timeout=20000)
    tab.form.recipient_siret.selectAll()
    type_text(tab.form.recipient_siret, siret_for(4, "2129"))
    qtbot.waitUntil(lambda: tab.form.recipient_name.text() == "COMMUNE DE BREST", timeout=5000)
    click(tab.close_button)
    click_button(tab.close_question, "Fermer sans enregistrer")

    steps: list[str] = []
    demo_window.open_files([scan])
    tab._prefill_worker.signals.progress.connect(lambda _f, text: steps.append(text))  # type: ignore[union-attr]
    # While the scan is read, nothing of the previous invoice is shown.
    assert tab.form.number.text() == "" and tab.form.recipient_name.text() == "—"
    assert not tab.form.seller_warning.isVisible()
    assert not any(box.widget.property("to_check") for box in tab.form.boxes.values())
    qtbot.waitUntil(lambda: tab.prefill_result is not None, timeout=60000)
    assert any("page 1/1" in step for step in steps), steps
    engagement = tab.form.boxes["references.engagement_number"].widget
    assert engagement.property("to_check")
    assert "lu sur un scan" in engagement.toolTip()


def test_reject_then_new_invoice_then_replace_the_pdf_then_send(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    from tests.support.file_chooser import answer_file_chooser

    # An invoice is being prepared and was never saved.
    deposer = demo_window.deposer
    demo_window.open_files([TEXT_INVOICE])
    qtbot.waitUntil(lambda: deposer.prefill_result is not None, timeout=60000)
    unsaved_number = deposer.form.number.text()

    synthese = demo_window.synthese
    demo_window.tabs.setCurrentWidget(synthese)
    _select(qtbot, synthese, WorkCategory.REJECTED)
    rejected = synthese.current_row()
    assert rejected is not None
    click(synthese.action_buttons["traiter_rejet"])
    click_button(synthese.question, "Traiter le rejet")
    qtbot.waitUntil(lambda: synthese.question.text().startswith("Préparer"), timeout=20000)
    click_button(synthese.question, "Créer une nouvelle facture")

    # The open invoice is not dropped: asked, kept as a draft, then the new draft opens.
    box = deposer.close_question
    assert box is not None and box.isVisible()
    click_button(box, "Enregistrer en brouillon")
    qtbot.waitUntil(lambda: deposer.draft_id is not None and deposer.is_open, timeout=20000)
    assert demo_window.tabs.currentWidget() is deposer
    drafts = {d.number for d in services.deposit.drafts()}
    assert unsaved_number in drafts
    notice = deposer.edit_page.draft_notice
    assert notice.isVisible()
    text = deposer.edit_page.draft_notice_text.text()
    assert f"Remplace la facture {rejected.number}" in text and "l'ancien" in text
    assert "n'a plus de PDF" not in text
    assert deposer.current_path is not None  # the old PDF, from Chorus Pro

    # « Remplacer le PDF… » right there.
    answer_file_chooser(str(TEXT_INVOICE))
    click(deposer.edit_page.replace_pdf_button)
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=20000)
    assert deposer.current_path is not None and deposer.current_path.suffix == ".pdf"

    # And it goes.
    qtbot.waitUntil(deposer.send_button.isEnabled, timeout=20000)
    click(deposer.send_button)
    qtbot.waitUntil(
        lambda: deposer.confirm_dialog is not None and deposer.confirm_dialog.isVisible(),
        timeout=20000,
    )
    click(deposer.confirm_dialog.send_button)
    qtbot.waitUntil(lambda: deposer.stack.currentWidget() is deposer.result_page, timeout=30000)
    assert deposer.outcome is not None and deposer.outcome.state == "done", deposer.outcome


def test_reprendre_opens_a_draft_without_pdf_and_offers_to_attach_one(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    from datetime import date
    from decimal import Decimal

    from app.domain.invoice import Invoice, Recipient, Totals

    draft_id = services.deposit.save_draft(
        Invoice(
            number="SANS-PDF-1",
            issue_date=date(2026, 11, 21),
            recipient=Recipient(siret_for(4, "2129"), "CULTURE", "COMMUNE DE BREST"),
            totals=Totals(Decimal("90.00"), Decimal("0"), Decimal("90.00")),
        )
    )
    demo_window.refresh_views()
    synthese = demo_window.synthese
    demo_window.tabs.setCurrentWidget(synthese)
    for row in range(synthese.model.rowCount()):
        found = synthese.model.row_of(row)
        if found is not None and found.id == draft_id:
            synthese.table.selectRow(row)
    click(synthese.action_buttons["reprendre"])
    deposer = demo_window.deposer
    qtbot.waitUntil(lambda: deposer.draft_id == draft_id, timeout=5000)
    assert demo_window.tabs.currentWidget() is deposer
    assert deposer.form.number.text() == "SANS-PDF-1"
    assert deposer.edit_page.draft_notice.isVisible()
    assert deposer.edit_page.replace_pdf_button.isVisible()
    assert "pas encore de PDF" in deposer.edit_page.draft_notice_text.text()
    assert any("PDF" in issue.message for issue in deposer.issues if issue.blocking)


def test_outcomes_are_said_in_the_window_with_the_next_step(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    bar = demo_window.message_bar
    # Compléter a suspended invoice: said in the bar, where the user is looking.
    synthese = demo_window.synthese
    demo_window.tabs.setCurrentWidget(synthese)
    _select(qtbot, synthese, WorkCategory.SUSPENDED)
    click(synthese.action_buttons["completer"])
    dialog = synthese.complete_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.comment_edit.setFocus()
    type_text(dialog.comment_edit, "Bon de livraison signé joint par courrier.")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=3000)
    click(dialog.ok_button)
    qtbot.waitUntil(bar.isVisible, timeout=20000)
    assert "complétée" in bar.text.text() and bar.property("kind") == "success"

    # A sync that fails: said in the bar, with « Réessayer maintenant ».
    platform = services.context.demo_platform()
    platform.state.faults.configure({"taux": 1.0, "types": ["403"]})
    demo_window.synchronise()
    qtbot.waitUntil(lambda: bar.property("kind") == "error", timeout=20000)
    assert "Synchronisation impossible" in bar.text.text()
    assert bar.action_button.isVisible() and bar.action_button.text() == "Réessayer maintenant"
    platform.state.faults.configure({"taux": 0.0})
    qtbot.waitUntil(lambda: not demo_window._syncing, timeout=20000)
    click(bar.action_button)
    qtbot.waitUntil(lambda: "Synchronisé" in demo_window.sync_label.text(), timeout=20000)
    assert not bar.isVisible()


def test_a_late_payment_claim_from_the_dashboard(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    dashboard = demo_window.tableau_de_bord
    demo_window.tabs.setCurrentWidget(dashboard)
    dashboard.board = None
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=20000)
    table = dashboard.late_table
    assert table.rowCount() >= 1  # the demo year has invoices paid late
    rect = table.visualItemRect(table.item(0, 0))
    click(table.viewport(), rect.center())
    number = table.item(0, 0).text()
    click(dashboard.claim_button)
    qtbot.waitUntil(
        lambda: demo_window.sollicitations is not None and demo_window.sollicitations.isVisible(),
        timeout=20000,
    )
    letter = demo_window.sollicitations.description_edit.toPlainText()
    assert number in letter and "intérêts moratoires" in letter and "40" in letter
    demo_window.sollicitations.close()


def test_factur_x_ticked_with_a_click_is_checked_confirmed_and_deposited(
    qtbot: QtBot, demo_window: MainWindow, services: Services
) -> None:
    """Issue 25: « Envoyer au format Factur-X » ticked with a click; the confirmation says
    the format; the file the platform receives passes the official EN 16931 rules."""
    from facturx import get_xml_from_pdf

    from app.deposit.official_rules import official_broken_rules

    deposer = demo_window.deposer
    services.context.flux_wait_seconds = 0  # the platform integrates 30 s later: not waited for
    demo_window.open_files([TEXT_INVOICE])
    qtbot.waitUntil(lambda: deposer.prefill_result is not None, timeout=60000)
    found = services.directory.lookup_online(siret_for(4, "2129"))  # Brest, in the directory
    assert found is not None
    deposer.set_recipient(found[0], "CULTURE")
    qtbot.waitUntil(deposer.send_button.isEnabled, timeout=20000)
    box = deposer.facturx_box
    assert not box.isChecked()
    click(box, box.rect().center())
    assert box.isChecked()
    qtbot.wait(600)  # the debounced checks, Factur-X's rules included, run again
    assert not [issue for issue in deposer.issues if issue.blocking]
    click(deposer.send_button)
    qtbot.waitUntil(
        lambda: deposer.confirm_dialog is not None and deposer.confirm_dialog.isVisible(),
        timeout=30000,
    )
    rows = deposer.confirm_dialog.findChildren(QLabel)
    assert any("Factur-X" in label.text() for label in rows)
    click(deposer.confirm_dialog.send_button)
    qtbot.waitUntil(lambda: deposer.stack.currentWidget() is deposer.result_page, timeout=60000)
    assert deposer.outcome is not None and deposer.outcome.state in {"done", "waiting"}
    assert "Factur-X" in deposer.result_title.text()
    platform = services.context.demo_platform().state
    with platform.lock:
        [flux] = platform.fluxes.values()
        assert flux.syntax == "IN_DP_E2_CII_FACTURX" and flux.final_state == "IN_INTEGRE"
        sent = platform.invoices[flux.invoice_ids[0]]
        assert sent.main_attachment_id is not None
        pdf = base64.b64decode(platform.attachments[sent.main_attachment_id].content_b64)
    _name, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert official_broken_rules(xml) == []
