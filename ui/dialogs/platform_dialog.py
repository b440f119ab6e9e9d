"""« Plateforme agréée »: the user's PA (its name, the Flow and Directory addresses, the
OAuth2 pair it gave — the secret goes to the keyring only) or the demonstration one, and
« Tester la connexion »: health, token, and the user's SIREN in the reform's directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import BordereauError
from ui.dialogs.account_dialog import KEEP_SECRET_PLACEHOLDER as KEEP_SECRET
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:
    from app.pa.service import PlatformService, PlatformTest


class PlatformDialog(QDialog):
    saved = Signal()

    def __init__(self, platform: PlatformService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.platform = platform
        self.workers = WorkerPool()
        self.setObjectName("platform_dialog")
        self.setWindowTitle("Plateforme agréée")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Depuis la réforme, vos factures aux entreprises passent par une plateforme agréée "
            "(PA) que vous choisissez. Elle vous donne ses adresses d'API et un identifiant "
            "client avec son secret. Les structures publiques restent sur Chorus Pro."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        layout.addWidget(intro)

        self.demo = QRadioButton("Plateforme de &démonstration (aucune facture réelle)")
        self.demo.setObjectName("pa_demo")
        self.own = QRadioButton("&Ma plateforme agréée")
        self.own.setObjectName("pa_own")
        choice = QButtonGroup(self)
        for button in (self.demo, self.own):
            choice.addButton(button)
            layout.addWidget(button)

        self.fields = QGroupBox("Ma plateforme")
        form = QFormLayout(self.fields)
        self.name = self._field(form, "&Nom de la plateforme :", "pa_name", "ex. MaPlateforme")
        self.flow_url = self._field(
            form, "Service des &flux :", "pa_flow_url", "https://…/flow-service"
        )
        self.directory_url = self._field(
            form, "&Annuaire :", "pa_directory_url", "https://…/directory-service"
        )
        self.token_url = self._field(form, "&Jeton OAuth2 :", "pa_token_url", "https://…/token")
        self.client_id = self._field(form, "&Identifiant client :", "pa_client_id", "client_id")
        self.secret = self._field(form, "&Secret client :", "pa_secret", "client_secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.fields)

        self.result_label = QLabel()
        self.result_label.setObjectName("pa_result")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("&Tester la connexion")
        self.test_button.setObjectName("pa_tester")
        self.test_button.setDefault(True)
        self.test_button.clicked.connect(self.save_and_test)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.demo.toggled.connect(lambda demo: self.fields.setEnabled(not demo))
        self.load()

    @staticmethod
    def _field(form: QFormLayout, label: str, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        form.addRow(label, edit)
        return edit

    def load(self) -> None:
        connection = self.platform.connection()
        if connection is None:
            self.demo.setChecked(True)
            self.fields.setEnabled(False)
            return
        self.own.setChecked(True)
        self.name.setText(connection.name)
        self.flow_url.setText(connection.flow_url)
        self.directory_url.setText(connection.directory_url)
        self.token_url.setText(connection.token_url)
        self.client_id.setText(connection.client_id)
        self.secret.setPlaceholderText(KEEP_SECRET)

    def _save(self) -> bool:
        """The connection typed (the secret kept when left empty); False when refused."""
        from app.pa.service import PlatformConnection

        if self.demo.isChecked():
            self.platform.forget()
            return True
        connection = PlatformConnection(
            self.name.text(),
            self.flow_url.text(),
            self.directory_url.text(),
            self.token_url.text(),
            self.client_id.text(),
        )
        try:
            self.platform.configure(connection, self.secret.text() or None)
        except BordereauError as exc:
            self._show(exc.message, "error")
            return False
        self.secret.clear()
        self.secret.setPlaceholderText(KEEP_SECRET)
        self.saved.emit()
        return True

    def save_and_test(self) -> Worker | None:
        if not self._save():
            return None
        self.test_button.setEnabled(False)
        self._show("Test en cours : santé de la plateforme, jeton, annuaire…", "hint")
        worker = Worker(lambda _progress: self.platform.test())
        worker.signals.succeeded.connect(self._tested)
        worker.signals.failed.connect(self._failed)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _tested(self, report: PlatformTest) -> None:
        self.test_button.setEnabled(True)
        steps = [
            ("Plateforme joignable", report.health),
            ("Identifiants acceptés (jeton)", report.token),
            ("Votre SIREN dans l'annuaire", report.directory_status == "Enabled"),
        ]
        reached = {"santé": 0, "jeton": 1, "annuaire": 2}.get(report.failed or "", 3)
        lines = [
            f"{'✔' if ok else '✘'} {name}"
            for index, (name, ok) in enumerate(steps)
            if index <= reached
        ]
        self._show("\n".join([f"{report.platform} :", *lines, report.message]),
                   "ok" if report.ok else "error")  # fmt: skip

    def _failed(self, error: object) -> None:
        self.test_button.setEnabled(True)
        self._show(error.message if isinstance(error, BordereauError) else str(error), "error")

    def _show(self, text: str, role: str) -> None:
        self.result_label.setText(text)
        self.result_label.setProperty("role", role)
        self.result_label.style().unpolish(self.result_label)
        self.result_label.style().polish(self.result_label)
