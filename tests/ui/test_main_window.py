from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import keyring
import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from app.credentials import SERVICE_NAME
from app.domain.environments import Environment
from app.services import Services
from app.settings import load_settings
from app.simulator.seed import DEMO_SUPPLIER_SIRET
from app.simulator.server import Simulator, SimulatorConfig
from ui.dialogs.account_dialog import AccountDialog
from ui.main_window import MainWindow

EXPECTED_TABS = [
    ("tab_synthese", "Synthèse"),
    ("tab_rechercher", "Rechercher"),
    ("tab_tableau_de_bord", "Tableau de bord"),
    ("tab_deposer", "Déposer"),
]


def test_four_tabs_in_order_with_french_titles(window: MainWindow) -> None:
    tabs = window.tabs
    found = [
        (tabs.widget(i).objectName(), tabs.tabText(i).replace("&", "")) for i in range(tabs.count())
    ]
    assert found == EXPECTED_TABS


def test_each_tab_shows_a_real_empty_state(window: MainWindow) -> None:
    for index in range(window.tabs.count()):
        tab = window.tabs.widget(index)
        if tab is window.deposer:  # its empty state is the drop zone
            assert tab.stack.currentWidget() is tab.start_page
            assert tab.drop_zone.choose_button.text().replace("&", "") == "Choisir un fichier…"
            continue
        title = tab.findChild(QLabel, "empty_state_title")
        text = tab.findChild(QLabel, "empty_state_text")
        assert title is not None and len(title.text()) > 10
        assert text is not None and len(text.text()) > 60


def test_demo_mode_is_visible(window: MainWindow) -> None:
    assert window.demo_banner.isVisible()
    assert window.mode_label.text() == "Mode : Démonstration"
    assert window.sync_label.text()


def test_synthese_action_leads_to_deposer(window: MainWindow, qtbot: QtBot) -> None:
    button = window.synthese.empty_state.action_button
    assert button is not None
    qtbot.mouseClick(button, qtbot_left())
    assert window.tabs.currentWidget() is window.deposer


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_menus_are_french_and_complete(window: MainWindow) -> None:
    titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert titles == ["Fichier", "Compte", "Aide"]
    from PySide6.QtGui import QAction

    names = {action.objectName() for action in window.findChildren(QAction)}
    assert {
        "action_deposer",
        "action_quitter",
        "action_compte",
        "action_journaux",
        "action_a_propos",
    } <= names


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    config = SimulatorConfig(
        client_id="ui-client",
        client_secret="ui-secret-987",
        login="TECH_UI@cpro.fr",
        password="ui-password-654",
    )
    with Simulator(config) as running:
        yield running


def fill_custom_account(dialog: AccountDialog, simulator: Simulator, qtbot: QtBot) -> None:
    dialog.environment.setCurrentIndex(dialog.environment.findData(Environment.CUSTOM.value))
    for widget, value in (
        (dialog.supplier_siret, DEMO_SUPPLIER_SIRET),
        (dialog.client_id, "ui-client"),
        (dialog.client_secret, "ui-secret-987"),
        (dialog.login, "TECH_UI@cpro.fr"),
        (dialog.password, "ui-password-654"),
        (dialog.api_url, simulator.base_url),
        (dialog.token_url, simulator.token_url),
    ):
        widget.clear()
        qtbot.keyClicks(widget, value)


def test_account_dialog_saves_to_keyring_and_reads_back(
    window: MainWindow, simulator: Simulator, qtbot: QtBot
) -> None:
    dialog = window.open_account_dialog()
    qtbot.waitExposed(dialog)
    fill_custom_account(dialog, simulator, qtbot)
    assert dialog.api_url.isVisible()
    with qtbot.waitSignal(dialog.saved):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    assert keyring.get_password(SERVICE_NAME, "custom:client_secret") == "ui-secret-987"
    assert keyring.get_password(SERVICE_NAME, "custom:password") == "ui-password-654"
    settings_text = window.services.context.paths.settings_file.read_text("utf-8")
    assert "ui-secret-987" not in settings_text and "ui-password-654" not in settings_text
    assert (
        load_settings(window.services.context.paths.settings_file).environment is Environment.CUSTOM
    )
    assert not window.demo_banner.isVisible()
    assert window.mode_label.text() == "Mode : Simulateur / personnalisé"

    again = window.open_account_dialog()
    assert again.selected_environment() is Environment.CUSTOM
    assert again.client_id.text() == "ui-client"
    assert again.login.text() == "TECH_UI@cpro.fr"
    assert again.supplier_siret.text() == DEMO_SUPPLIER_SIRET
    assert again.client_secret.text() == ""  # never shown back
    assert "enregistré" in again.client_secret.placeholderText()
    again.reject()


def test_account_dialog_tests_the_connection(
    window: MainWindow, simulator: Simulator, qtbot: QtBot
) -> None:
    dialog = window.open_account_dialog()
    fill_custom_account(dialog, simulator, qtbot)
    qtbot.mouseClick(dialog.test_button, qtbot_left())
    qtbot.waitUntil(
        lambda: dialog.result_label.text().startswith("Connexion réussie."), timeout=15000
    )
    assert "Structure trouvée" in dialog.result_label.text()

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "faux")
    qtbot.mouseClick(dialog.test_button, qtbot_left())
    qtbot.waitUntil(
        lambda: dialog.result_label.text().startswith("La connexion a échoué."), timeout=15000
    )
    assert "compte technique" in dialog.result_label.text()
    dialog.reject()


def test_invalid_siret_is_shown_and_nothing_saved(
    window: MainWindow, simulator: Simulator, qtbot: QtBot
) -> None:
    dialog = window.open_account_dialog()
    fill_custom_account(dialog, simulator, qtbot)
    dialog.supplier_siret.setText("12345678901234")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert "clé de contrôle" in dialog.result_label.text()
    assert keyring.get_password(SERVICE_NAME, "custom:client_secret") is None
    dialog.reject()


def test_sync_runs_at_start_and_says_what_changed(qtbot: QtBot, services: Services) -> None:
    from app.domain.invoice import Invoice, Recipient, Totals, VatLine
    from app.simulator.seed import siret_for
    from tests.conftest import CORPUS_SAMPLES
    from tests.support.chorus import admin

    admin(services.context.demo_platform(), "comportements", {"prochains": ["suspendue"]})
    invoice = Invoice(
        number="NOTIF-1",
        issue_date=date(2026, 11, 20),
        recipient=Recipient(siret_for(4, "2129"), "CULTURE", "COMMUNE DE BREST"),
        totals=Totals(
            Decimal("80.00"), Decimal("0.00"), Decimal("80.00"), amount_due=Decimal("80.00")
        ),
        vat_lines=[VatLine(Decimal(0), Decimal("80.00"), Decimal("0.00"))],
    )
    assert services.deposit.submit(invoice, CORPUS_SAMPLES / "inv_101_003.pdf").state == "done"
    services.sync.run()
    admin(services.context.demo_platform(), "horloge", {"jours": 40})

    window = MainWindow(services)  # auto_sync: the first sync starts shortly after
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.synchronised, timeout=30000) as signal:
        pass
    report = signal.args[0]
    assert any(change.number == "NOTIF-1" for change in report.changes)
    assert window.sync_label.text().startswith("Synchronisé à ")
    assert (
        window.last_notification is not None and "NOTIF-1 : Suspendue" in window.last_notification
    )
    qtbot.waitUntil(window.sync_timer.isActive, timeout=5000)  # the next one is planned


def test_no_field_takes_the_focus_from_the_wheel(window: MainWindow, qtbot: QtBot) -> None:
    """Spin boxes, dates and combo boxes take the focus from a click or Tab, never from a
    wheel turned over them (a real wheel would otherwise change them while the user
    scrolls: tests/acceptance/test_real_input.py shows it with the system's own events)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

    window.open_invoice_editor()
    window.open_restore_dialog()
    qtbot.wait(50)
    fields = [
        widget
        for widget in QApplication.allWidgets()
        if isinstance(widget, QAbstractSpinBox | QComboBox)
    ]
    assert len(fields) > 10
    assert all(field.focusPolicy() == Qt.FocusPolicy.StrongFocus for field in fields)


def test_a_date_never_takes_the_wheel_even_with_the_focus(window: MainWindow, qtbot: QtBot) -> None:
    """« Déclarer encaissée » opens with the focus on its date: a wheel turned over it must
    not move the day (a date changes only when it is typed or picked)."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QVBoxLayout

    from tests.support.ui_input import wheel

    dialog = QDialog(window)
    layout = QVBoxLayout(dialog)
    when = QDateEdit(QDate(2026, 12, 7))
    choice = QComboBox()
    choice.addItems(["un", "deux", "trois"])
    layout.addWidget(when)
    layout.addWidget(choice)
    dialog.show()
    qtbot.waitExposed(dialog)
    when.setFocus()
    qtbot.waitUntil(when.hasFocus)
    wheel(when, -3)
    assert when.date() == QDate(2026, 12, 7)
    choice.setFocus()  # a choice the user tabbed into does take it: that is deliberate
    qtbot.waitUntil(choice.hasFocus)
    wheel(choice, -1)
    assert choice.currentIndex() == 1
    dialog.close()
