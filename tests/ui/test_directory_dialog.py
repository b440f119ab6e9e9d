"""The « Annuaire » dialog: results as you type, requirements, services, the choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.identifiers import STATE_SIRET
from app.services import Services
from tests.support.directory_export import write_export
from tests.support.ui_input import type_text
from ui.dialogs.directory_dialog import DirectoryDialog
from ui.main_window import MainWindow


@pytest.fixture
def imported(services: Services, tmp_path: Path) -> Services:
    export = tmp_path / "annuaire.xlsx"
    write_export(export, structures=400, services=600, seed=3)
    services.directory.import_export(export)
    return services


def test_typing_shows_results_and_the_state_requirements(
    qtbot: QtBot, window: MainWindow, imported: Services
) -> None:
    dialog = window.open_directory_dialog()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "annuaire_dialog"
    assert "structures dans l'annuaire local" in dialog.status.text()
    qtbot.keyClicks(dialog.query, "factur electroniqu")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=5000)
    assert STATE_SIRET in dialog.results.item(0).text()
    assert "[code service et engagement]" in dialog.results.item(0).text()
    assert "Code service et numéro d'engagement obligatoires" in dialog.requirement.text()
    assert dialog.service_list.count() == 40
    dialog.service_list.setCurrentRow(2)
    picked = dialog.service_list.item(2).text().split(" — ")[0]
    with qtbot.waitSignal(dialog.chosen) as chosen:
        dialog.accept()
    structure, code = chosen.args
    assert structure.siret == STATE_SIRET and code == picked and code.startswith("MIN")
    assert window.tabs.currentWidget() is window.deposer
    # No invoice open yet: the recipient waits for the next one dropped.
    assert window.deposer.pending_recipient is not None
    pending, pending_code = window.deposer.pending_recipient
    assert "SERVICES DE L'ETAT" in pending.name and pending_code == picked


def test_demo_mode_has_a_small_directory_to_search(qtbot: QtBot, services: Services) -> None:
    dialog = DirectoryDialog(services.directory)
    qtbot.addWidget(dialog)
    assert "d'exemple" in dialog.status.text() and "Importez" in dialog.status.text()
    type_text(dialog.query, "lycée")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=3000)
    assert "LYCEE" in dialog.results.item(0).text().upper()


def test_an_empty_directory_says_how_to_fill_it(qtbot: QtBot, services: Services) -> None:
    from app.directory.service import DEMO_SOURCE

    services.directory.count()  # demo mode: seeded; a real account would remove them
    services.context.directory.forget_source(DEMO_SOURCE)
    dialog = DirectoryDialog(services.directory)
    qtbot.addWidget(dialog)
    assert "pas encore importé" in dialog.status.text()
    qtbot.keyClicks(dialog.query, "110 002 011 00044")
    qtbot.waitUntil(lambda: dialog.online_button.isVisibleTo(dialog), timeout=3000)


def test_importing_from_the_dialog_reports_progress(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    export = tmp_path / "annuaire.xlsx"
    write_export(export, structures=300, services=400, seed=5)
    dialog = DirectoryDialog(services.directory)
    qtbot.addWidget(dialog)
    dialog.start_import(export)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20000)  # the import is over
    assert "300 structures" in dialog.status.text() or "structures dans" in dialog.status.text()
    assert services.directory.count() >= 299


def test_a_bad_export_is_explained_in_the_dialog(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    bad = tmp_path / "annuaire.xlsx"
    bad.write_bytes(b"not a zip")
    dialog = DirectoryDialog(services.directory)
    qtbot.addWidget(dialog)
    dialog.start_import(bad)
    # The worker may end before a late waitSignal connects: wait for what the user sees.
    qtbot.waitUntil(
        lambda: "n'est pas un classeur XLSX lisible" in dialog.status.text(), timeout=20000
    )
    assert dialog.import_button.isEnabled()
