"""The Sollicitations window with the demo account: drafts made in one click from the
dashboard, the Synthèse and Rechercher; edits saved as typed; tracking and the three views;
copy, CSV, letter and delete."""

from __future__ import annotations

import csv
from pathlib import Path

import pymupdf
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.money import format_eur
from app.invoices.rows import WorkCategory
from app.services import Services
from app.tickets.catalogue import TicketStatus, TicketView
from ui.main_window import MainWindow
from ui.windows.sollicitations import SollicitationsWindow


def plain(text: str) -> str:
    """Qt's editors give non-breaking spaces back as plain ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def demo_window(qtbot: QtBot, services: Services) -> MainWindow:
    services.context.settings.demo_sample = True
    services.sync.run()
    window = MainWindow(services, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def menu_labels(window: MainWindow, tab: str) -> dict[str, object]:
    menu = getattr(window, tab).ticket_menu
    menu.aboutToShow.emit()
    return {action.text(): action for action in menu.actions()}


def test_drafts_come_from_each_list_in_one_click(qtbot: QtBot, services: Services) -> None:
    window = demo_window(qtbot, services)

    # Tableau de bord › En retard › « Préparer une réclamation… »
    board = window.tableau_de_bord
    board.refresh()
    qtbot.waitUntil(lambda: board.board is not None, timeout=20000)
    assert board.board is not None
    unpaid = board.board.unpaid_late[0]
    numbers = [board.late_table.item(r, 0).text() for r in range(board.late_table.rowCount())]  # type: ignore[union-attr]
    row = numbers.index(unpaid.number)
    board.late_table.selectRow(row)
    board.claim_button.click()
    tickets = window.sollicitations
    assert isinstance(tickets, SollicitationsWindow) and tickets.isVisible()
    assert tickets.objectName() == "sollicitations_window"
    assert tickets.record is not None and tickets.record.draft.template == "retard_paiement"
    description = plain(tickets.description_edit.toPlainText())
    assert plain(f"intérêts moratoires de {format_eur(unpaid.schedule.interest)}") in description
    assert plain(f"Soit un total de {format_eur(unpaid.schedule.owed)}") in description
    assert tickets.object_number_edit.text() == unpaid.number
    assert tickets.supplier_siret_edit.text() and tickets.supplier_name_edit.text()

    # Synthèse › a rejected invoice › Sollicitation › Question sur un rejet
    synthese = window.synthese
    window.tabs.setCurrentWidget(synthese)
    rejected = next(
        r
        for r in range(synthese.model.rowCount())
        if (found := synthese.model.row_of(r)) and found.category is WorkCategory.REJECTED
    )
    synthese.table.selectRow(rejected)
    actions = menu_labels(window, "synthese")
    assert "Question sur un rejet…" in actions
    actions["Question sur un rejet…"].trigger()  # type: ignore[attr-defined]
    assert tickets.record is not None and tickets.record.draft.template == "question_rejet"
    assert "a été rejetée le" in tickets.description_edit.toPlainText()

    # Rechercher › one invoice › Sollicitation › Demande de code service
    rechercher = window.rechercher
    window.tabs.setCurrentWidget(rechercher)
    rechercher.refresh()
    rechercher.table.selectRow(0)
    actions = menu_labels(window, "rechercher")
    label = "Demande de code service / numéro d'engagement…"
    actions[label].trigger()  # type: ignore[attr-defined]
    assert tickets.record is not None and tickets.record.draft.template == "demande_code_service"
    assert tickets.view_buttons[TicketView.ACTION_REQUIRED].text() == "Actions requises · 3"


def test_editing_tracking_and_exports(
    qtbot: QtBot, window: MainWindow, services: Services, tmp_path: Path
) -> None:
    action = window.findChild(QAction, "action_sollicitations")
    assert action is not None and action.shortcut().toString() == "Ctrl+Shift+L"
    action.trigger()
    tickets = window.sollicitations
    assert tickets is not None and tickets.isVisible()
    assert tickets.list_stack.currentWidget() is tickets.empty_state
    ticket_id = tickets.new_ticket()
    assert ticket_id is not None and tickets.list_stack.currentWidget() is tickets.table

    # typed text is saved after a pause, without an « Enregistrer »
    qtbot.keyClicks(tickets.title_edit, "Code service du lycee Jean Moulin")
    tickets.description_edit.setPlainText("Madame, Monsieur,\n\nQuel code service ?")
    qtbot.waitUntil(lambda: tickets.status_label.text() == "Enregistré.", timeout=5000)
    assert services.tickets.get(ticket_id).draft.title == "Code service du lycee Jean Moulin"

    # a wrong portal number is refused in French and changes nothing
    tickets.portal_edit.setText("12345")
    tickets.save_tracking()
    assert "CPROCS" in tickets.last_error
    assert isinstance(tickets.error_box, QMessageBox)
    tickets.error_box.close()
    assert services.tickets.get(ticket_id).portal_number == ""

    tickets.portal_edit.setText("CPROCS0077")
    tickets.save_tracking()
    assert services.tickets.get(ticket_id).status is TicketStatus.OPEN
    assert tickets.status_combo.currentData() == TicketStatus.OPEN.value
    assert tickets.view_buttons[TicketView.ACTION_REQUIRED].text() == "Actions requises · 0"

    tickets.note_edit.setText("Relance par téléphone.")
    tickets.add_note()
    assert tickets.notes_list.item(0).text().endswith("Relance par téléphone.")

    tickets.status_combo.setCurrentIndex(tickets.status_combo.findData(TicketStatus.CLOSED.value))
    tickets.save_tracking()
    assert tickets.current_view() is TicketView.CLOSED  # the window follows the ticket
    assert [row.id for row in tickets.rows] == [ticket_id]

    # search, copy, CSV, letter
    tickets.search_edit.setText("introuvable")
    tickets.reload()
    assert tickets.rows == [] and tickets.editor_stack.currentIndex() == 0
    tickets.search_edit.setText("jean moulin")
    tickets.reload()
    assert [row.id for row in tickets.rows] == [ticket_id]
    tickets.copy_for_portal()
    assert QApplication.clipboard().text() == services.tickets.portal_text(ticket_id)
    exported = tickets.export_csv(tmp_path / "liste.csv")
    assert exported is not None
    with exported.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream, delimiter=";"))
    assert lines[1][:3] == ["CPROCS0077", "Fermé", "Code service du lycee Jean Moulin"]
    letter = tickets.export_letter(tmp_path / "courrier.pdf")
    assert letter is not None
    with pymupdf.open(letter) as document:
        assert "Quel code service ?" in document[0].get_text()

    # delete asks first
    tickets.confirm_delete()
    box = tickets.question
    next(b for b in box.buttons() if b.text() == "Supprimer").click()
    assert services.tickets.rows() == []
