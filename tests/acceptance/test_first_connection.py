"""A first connection through « Connecter mon compte », against a Chorus Pro simulator on
loopback: a mistake named at its step, corrected, then the account saved (issue 21)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from app.domain.environments import Environment
from app.services import Services
from app.simulator.server import Simulator
from tests.support.ui_input import click, type_text
from ui.main_window import MainWindow


@pytest.fixture
def platform() -> Iterator[Simulator]:
    with Simulator() as running:
        yield running


def _next(qtbot: QtBot, wizard: QWizard) -> None:
    before = wizard.currentId()
    click(wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.currentId() != before, timeout=3000)


def test_first_connection_through_the_assistant(
    qtbot: QtBot, window: MainWindow, services: Services, platform: Simulator
) -> None:
    config = platform.state.config
    from PySide6.QtWidgets import QPushButton

    banner_button = next(
        b for b in window.demo_banner.findChildren(QPushButton) if "Connecter" in b.text()
    )
    click(banner_button)  # « Connecter mon compte… » on the demo banner
    wizard = window.connect_wizard
    qtbot.waitUntil(wizard.isVisible)

    # Where: « Autre adresse », the simulator's.
    page = wizard.environment_page
    click(page.custom)
    _next_blocked = wizard.currentId()
    click(wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == _next_blocked and page.problem.isVisible()  # URLs missing
    type_text(page.api_url, platform.base_url)
    type_text(page.token_url, platform.token_url)
    _next(qtbot, wizard)

    # PISTE, then the technical account (with a wrong password), then the structure.
    type_text(wizard.piste_page.client_id, config.client_id)
    type_text(wizard.piste_page.client_secret, config.client_secret)
    _next(qtbot, wizard)
    type_text(wizard.technical_page.login, config.login)
    type_text(wizard.technical_page.password, "pas-le-bon")
    _next(qtbot, wizard)
    type_text(wizard.structure_page.siret, "123")
    click(wizard.button(QWizard.WizardButton.NextButton))
    assert "SIRET" in wizard.structure_page.problem.text()
    wizard.structure_page.siret.clear()
    type_text(wizard.structure_page.siret, config.supplier_siret)
    _next(qtbot, wizard)

    # The test names the failing step; « Terminer » waits until it works.
    test_page = wizard.test_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    click(test_page.test_button)
    qtbot.waitUntil(lambda: "échoué" in test_page.result.text(), timeout=20000)
    assert "« Structure »" in test_page.result.text()
    assert "compte technique" in test_page.result.text()
    assert not finish.isEnabled()

    click(wizard.button(QWizard.WizardButton.BackButton))
    click(wizard.button(QWizard.WizardButton.BackButton))
    wizard.technical_page.password.clear()
    type_text(wizard.technical_page.password, config.password)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    click(test_page.test_button)
    qtbot.waitUntil(lambda: "réussie" in test_page.result.text(), timeout=20000)
    qtbot.waitUntil(finish.isEnabled)
    click(finish)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=5000)

    status = services.account.status()
    assert status.effective is Environment.CUSTOM
    assert services.context.settings.supplier_siret == config.supplier_siret
    assert "Compte Chorus Pro enregistré" in window.message_bar.text.text()
    # The secrets are in the keyring only.
    settings_text = services.context.paths.settings_file.read_text("utf-8")
    assert config.client_secret not in settings_text and config.password not in settings_text


def test_the_guide_explains_the_words(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.open_guide()
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.browser.toPlainText()
    for word in ("PISTE", "Compte technique", "Qualification", "code service", "Ctrl+O"):
        assert word in text
