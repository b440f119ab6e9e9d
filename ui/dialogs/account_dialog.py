"""« Compte Chorus Pro »: environment, identifiers, and « Tester la connexion »."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.account.service import AccountService, ConnectionReport
from app.context import AccountInput
from app.domain.environments import Environment
from app.errors import BordereauError
from ui.workers import Worker, WorkerPool

KEEP_SECRET_PLACEHOLDER = "enregistré — laisser vide pour le conserver"


class AccountDialog(QDialog):
    saved = Signal()

    def __init__(self, account: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account = account
        self.workers = WorkerPool()
        self.setObjectName("account_dialog")
        self.setWindowTitle("Compte Chorus Pro")
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Pour envoyer de vraies factures, Bordereau a besoin de votre application PISTE "
            "(piste.gouv.fr) et d'un compte technique Chorus Pro. Sans compte, Bordereau "
            "fonctionne en démonstration."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        layout.addWidget(intro)

        form = QFormLayout()
        self.environment = QComboBox()
        self.environment.setObjectName("account_environment")
        for environment in Environment:
            self.environment.addItem(environment.label, environment.value)
        form.addRow("&Environnement :", self.environment)
        self.supplier_siret = QLineEdit()
        self.supplier_siret.setObjectName("account_supplier_siret")
        self.supplier_siret.setPlaceholderText("14 chiffres")
        self.supplier_siret.setMaxLength(17)
        form.addRow("&SIRET de votre structure :", self.supplier_siret)
        self.iban = QLineEdit()
        self.iban.setObjectName("account_iban")
        self.iban.setPlaceholderText("FR76 …, facultatif")
        self.iban.setToolTip(
            "Le compte où vous êtes payé : un Factur-X réglé par virement doit le porter."
        )
        form.addRow("&IBAN (Factur-X) :", self.iban)
        self.bic = QLineEdit()
        self.bic.setObjectName("account_bic")
        self.bic.setPlaceholderText("8 ou 11 caractères, facultatif")
        self.bic.setMaxLength(14)
        form.addRow("BI&C :", self.bic)
        layout.addLayout(form)

        self.credentials_box = QGroupBox("Identifiants")
        creds = QFormLayout(self.credentials_box)
        self.client_id = QLineEdit()
        self.client_id.setObjectName("account_client_id")
        creds.addRow("&Client PISTE (client_id) :", self.client_id)
        self.client_secret = QLineEdit()
        self.client_secret.setObjectName("account_client_secret")
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        creds.addRow("Secret &PISTE :", self.client_secret)
        self.login = QLineEdit()
        self.login.setObjectName("account_login")
        self.login.setPlaceholderText("TECH_1_…@cpro.fr")
        creds.addRow("&Login du compte technique :", self.login)
        self.password = QLineEdit()
        self.password.setObjectName("account_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        creds.addRow("&Mot de passe du compte technique :", self.password)
        self.api_url = QLineEdit()
        self.api_url.setObjectName("account_api_url")
        self.api_url.setPlaceholderText("http://127.0.0.1:8080")
        self.token_url = QLineEdit()
        self.token_url.setObjectName("account_token_url")
        self.token_url.setPlaceholderText("http://127.0.0.1:8080/api/oauth/token")
        self.api_url_label = QLabel("URL de l'&API :")
        self.api_url_label.setBuddy(self.api_url)
        self.token_url_label = QLabel("URL du &jeton :")
        self.token_url_label.setBuddy(self.token_url)
        creds.addRow(self.api_url_label, self.api_url)
        creds.addRow(self.token_url_label, self.token_url)
        layout.addWidget(self.credentials_box)

        self.keyring_label = QLabel()
        self.keyring_label.setObjectName("account_keyring")
        self.keyring_label.setWordWrap(True)
        layout.addWidget(self.keyring_label)

        self.test_button = QPushButton("&Tester la connexion")
        self.test_button.setObjectName("account_test")
        self.test_button.clicked.connect(self.start_test)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result_label = QLabel()
        self.result_label.setObjectName("account_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Enregistrer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.environment.currentIndexChanged.connect(self._update_visibility)
        self.load()

    # --- state --------------------------------------------------------------------------

    def selected_environment(self) -> Environment:
        value = self.environment.currentData()
        return Environment(value) if value else Environment.DEMO

    def load(self) -> None:
        status = self.account.status()
        self.environment.setCurrentIndex(self.environment.findData(status.environment.value))
        self.supplier_siret.setText(status.supplier_siret or "")
        self.iban.setText(status.iban or "")
        self.bic.setText(status.bic or "")
        self.client_id.setText(status.client_id or "")
        self.login.setText(status.login or "")
        placeholder = KEEP_SECRET_PLACEHOLDER if status.has_secrets else ""
        self.client_secret.setPlaceholderText(placeholder)
        self.password.setPlaceholderText(placeholder)
        self.api_url.setText(status.api_url or "")
        self.token_url.setText(status.token_url or "")
        if status.keyring_problem:
            self.keyring_label.setText(status.keyring_problem)
            self.keyring_label.setProperty("role", "warning")
        else:
            self.keyring_label.setText(
                f"Les secrets sont enregistrés dans le {status.keyring_description}, jamais "
                "dans un fichier de Bordereau."
            )
            self.keyring_label.setProperty("role", "hint")
        self._update_visibility()

    def _update_visibility(self) -> None:
        environment = self.selected_environment()
        real = environment is not Environment.DEMO
        self.credentials_box.setEnabled(real)
        self.supplier_siret.setEnabled(real)
        self.iban.setEnabled(real)
        self.bic.setEnabled(real)
        custom = environment is Environment.CUSTOM
        for widget in (self.api_url, self.token_url, self.api_url_label, self.token_url_label):
            widget.setVisible(custom)
        keyring_ok = self.account.status().keyring_problem is None
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(keyring_ok or not real)

    def account_input(self) -> AccountInput:
        return AccountInput(
            environment=self.selected_environment(),
            supplier_siret="".join(ch for ch in self.supplier_siret.text() if ch.isdigit()),
            client_id=self.client_id.text().strip(),
            client_secret=self.client_secret.text(),
            login=self.login.text().strip(),
            password=self.password.text(),
            api_url=self.api_url.text().strip() or None,
            token_url=self.token_url.text().strip() or None,
            iban=self.iban.text().strip(),
            bic=self.bic.text().strip(),
        )

    def _show_result(self, text: str, role: str) -> None:
        self.result_label.setText(text)
        self.result_label.setProperty("role", role)
        self.result_label.style().unpolish(self.result_label)
        self.result_label.style().polish(self.result_label)

    # --- actions ------------------------------------------------------------------------

    def save(self) -> None:
        try:
            self.account.save(self.account_input())
        except BordereauError as exc:
            self._show_result(exc.message, "error")
            return
        self.saved.emit()
        self.accept()

    def start_test(self) -> None:
        account = self.account_input()
        self.test_button.setEnabled(False)
        self._show_result("Test en cours…", "hint")
        worker = Worker(
            lambda progress: self.account.test_connection(progress=progress, account=account)
        )
        worker.signals.progress.connect(lambda message: self._show_result(message, "hint"))
        worker.signals.succeeded.connect(self._test_finished)
        worker.signals.failed.connect(self._test_failed)
        worker.signals.done.connect(lambda: self.test_button.setEnabled(True))
        self.workers.start(worker)

    def _test_finished(self, report: ConnectionReport) -> None:
        lines = [
            f"{'✔' if check.ok else '✘'} {check.name} : {check.message}" for check in report.checks
        ]
        headline = "Connexion réussie." if report.ok else "La connexion a échoué."
        self._show_result("\n".join([headline, *lines]), "ok" if report.ok else "error")

    def _test_failed(self, error: object) -> None:
        message = (
            error.message
            if isinstance(error, BordereauError)
            else "Erreur inattendue pendant le test."
        )
        self._show_result(message, "error")

    def done(self, result: int) -> None:
        self.workers.wait(15000)
        super().done(result)
