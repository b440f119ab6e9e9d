"""« Connecter mon compte »: the three things a real account needs, one page each, in words a
micro-entrepreneur knows, then « Tester la connexion » naming the step that fails."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.account.service import AccountService, ConnectionReport, bank_problems
from app.context import AccountInput
from app.domain.environments import Environment
from app.domain.identifiers import siret_problem
from app.errors import BordereauError
from ui.workers import Worker, WorkerPool, error_text

PISTE_URL = "https://piste.gouv.fr"
PORTALS = {
    Environment.QUALIFICATION: "https://chorus-pro-qualif.gouv.fr",
    Environment.PRODUCTION: "https://portail.chorus-pro.gouv.fr",
}


def _text(html: str) -> QLabel:
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


def _problem_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setProperty("issue", True)
    label.hide()
    return label


class _Page(QWizardPage):
    """A page whose « Suivant » says in French what is missing instead of doing nothing."""

    def __init__(self, title: str, intro: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(_text(intro))
        self.problem = _problem_label("assistant_probleme")

    def problems(self) -> list[str]:
        return []

    def validatePage(self) -> bool:
        problems = self.problems()
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))
        return not problems


class EnvironmentPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "Connecter votre compte Chorus Pro",
            "Pour déposer de vraies factures, Bordereau a besoin de trois choses, une par "
            "page de cet assistant :<ol>"
            "<li>une <b>application PISTE</b> : PISTE est le guichet de l'État par lequel les "
            "logiciels parlent à Chorus Pro ; votre application y a un identifiant et un "
            "secret ;</li>"
            "<li>un <b>compte technique</b> Chorus Pro : un identifiant réservé aux logiciels, "
            "créé dans Chorus Pro et rattaché à votre structure ;</li>"
            "<li>le <b>SIRET</b> de votre structure.</li></ol>"
            "Choisissez d'abord où vous voulez travailler :",
        )
        self.choices = QButtonGroup(self)
        self.qualification = QRadioButton(
            "Qualification — l'espace d'essai de Chorus Pro : rien n'y est payé, idéal pour "
            "une première fois"
        )
        self.production = QRadioButton("Production — vos vraies factures, à de vrais acheteurs")
        self.custom = QRadioButton("Autre adresse (avancé : un simulateur, un serveur de test)")
        for button in (self.qualification, self.production, self.custom):
            button.setObjectName(f"assistant_{button.text().split()[0].lower()}")
            self.choices.addButton(button)
            self.layout_.addWidget(button)
        self.qualification.setChecked(True)
        advanced = QWidget()
        form = QFormLayout(advanced)
        self.api_url = QLineEdit()
        self.api_url.setObjectName("assistant_url_api")
        self.api_url.setPlaceholderText("https://…")
        self.token_url = QLineEdit()
        self.token_url.setObjectName("assistant_url_jeton")
        self.token_url.setPlaceholderText("https://…/api/oauth/token")
        form.addRow("Adresse de l'API :", self.api_url)
        form.addRow("Adresse du jeton :", self.token_url)
        self.advanced = advanced
        advanced.setVisible(False)
        self.custom.toggled.connect(advanced.setVisible)
        self.layout_.addWidget(advanced)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.problem)

    def environment(self) -> Environment:
        if self.production.isChecked():
            return Environment.PRODUCTION
        if self.custom.isChecked():
            return Environment.CUSTOM
        return Environment.QUALIFICATION

    def problems(self) -> list[str]:
        if self.environment() is not Environment.CUSTOM:
            return []
        return [
            f"Renseignez {label} (elle commence par https:// ou http://)."
            for edit, label in (
                (self.api_url, "l'adresse de l'API"),
                (self.token_url, "l'adresse du jeton"),
            )
            if not edit.text().strip().startswith(("http://", "https://"))
        ]


class PistePage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "1. Votre application PISTE",
            f"Sur <a href='{PISTE_URL}'>piste.gouv.fr</a> (c'est gratuit) :<ol>"
            "<li>créez un compte, puis une <b>application</b> dans l'espace « Sandbox » pour "
            "la Qualification, ou « Production » pour la Production ;</li>"
            "<li>abonnez-la aux API <b>Factures</b>, <b>Structures</b> et <b>Transverses</b> de "
            "Chorus Pro, et acceptez leurs conditions d'utilisation ;</li>"
            "<li>dans l'application, onglet « Identifiants OAuth », copiez l'<b>identifiant "
            "client</b> (client_id, une longue suite de lettres et de chiffres) et le "
            "<b>secret</b>.</li></ol>",
        )
        form = QFormLayout()
        self.client_id = QLineEdit()
        self.client_id.setObjectName("assistant_client_id")
        self.client_id.setPlaceholderText("par exemple 3f2c7a9e-…")
        self.client_secret = QLineEdit()
        self.client_secret.setObjectName("assistant_secret")
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Identifiant client (client_id) :", self.client_id)
        form.addRow("Secret :", self.client_secret)
        self.layout_.addLayout(form)
        self.layout_.addWidget(
            _text(
                "<i>Le secret sera rangé dans le trousseau de votre système, nulle part "
                "ailleurs.</i>"
            )
        )
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.problem)

    def problems(self) -> list[str]:
        return [
            f"Renseignez {label}, copié depuis votre application sur piste.gouv.fr."
            for edit, label in (
                (self.client_id, "l'identifiant client"),
                (self.client_secret, "le secret"),
            )
            if not edit.text().strip()
        ]


class TechnicalAccountPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "2. Votre compte technique Chorus Pro",
            "Un <b>compte technique</b> est l'identifiant que Chorus Pro donne à un logiciel "
            "(pas à une personne). Le gestionnaire principal de votre structure le crée sur le "
            f"portail Chorus Pro (<a href='{PORTALS[Environment.QUALIFICATION]}'>Qualification"
            f"</a> ou <a href='{PORTALS[Environment.PRODUCTION]}'>Production</a>) :<ol>"
            "<li>menu <b>Raccordements</b> › « Demande de raccordement » par API ;</li>"
            "<li>création du compte technique, <b>rattaché à votre structure</b> ;</li>"
            "<li>notez son <b>login</b> (il ressemble à TECH_1_xxxx@cpro.fr) et son <b>mot de "
            "passe</b>, qui expire : Chorus Pro vous demandera de le renouveler.</li></ol>",
        )
        form = QFormLayout()
        self.login = QLineEdit()
        self.login.setObjectName("assistant_login")
        self.login.setPlaceholderText("TECH_1_…@cpro.fr")
        self.password = QLineEdit()
        self.password.setObjectName("assistant_mot_de_passe")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Login du compte technique :", self.login)
        form.addRow("Mot de passe :", self.password)
        self.layout_.addLayout(form)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.problem)

    def problems(self) -> list[str]:
        return [
            f"Renseignez {label} du compte technique."
            for edit, label in ((self.login, "le login"), (self.password, "le mot de passe"))
            if not edit.text().strip()
        ]


class StructurePage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "3. Votre structure",
            "Le <b>SIRET</b> (14 chiffres) de votre entreprise, tel qu'il figure sur vos "
            "factures et sur votre avis de situation INSEE. L'IBAN est facultatif : il est "
            "écrit dans les factures Factur-X payées par virement.",
        )
        form = QFormLayout()
        self.siret = QLineEdit()
        self.siret.setObjectName("assistant_siret")
        self.siret.setPlaceholderText("123 456 789 00012")
        self.iban = QLineEdit()
        self.iban.setObjectName("assistant_iban")
        self.iban.setPlaceholderText("FR76 …")
        self.bic = QLineEdit()
        self.bic.setObjectName("assistant_bic")
        form.addRow("SIRET :", self.siret)
        form.addRow("IBAN (facultatif) :", self.iban)
        form.addRow("BIC (facultatif) :", self.bic)
        self.layout_.addLayout(form)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.problem)

    def siret_digits(self) -> str:
        return "".join(char for char in self.siret.text() if char.isdigit())

    def problems(self) -> list[str]:
        issue = siret_problem(self.siret_digits())
        found = [f"SIRET : {issue}"] if issue else []
        return found + bank_problems(self.iban.text(), self.bic.text())


class TestPage(QWizardPage):
    """« Tester la connexion »: each step with its outcome; « Terminer » once it works."""

    tested = Signal(bool)

    def __init__(self, wizard: ConnectWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("4. Tester la connexion")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _text(
                "Bordereau va demander un jeton à PISTE, vérifier que Chorus Pro répond, puis "
                "chercher votre structure avec le compte technique. Si une étape échoue, elle "
                "est nommée, avec ce qu'il faut corriger (bouton « Précédent »)."
            )
        )
        self.test_button = QPushButton("&Tester la connexion")
        self.test_button.setObjectName("assistant_tester")
        self.test_button.clicked.connect(self.owner.test)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = QLabel()
        self.result.setObjectName("assistant_resultat")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.passed = False

    def isComplete(self) -> bool:
        return self.passed

    def show_report(self, report: ConnectionReport) -> None:
        lines = [f"{'✔' if c.ok else '✘'} {c.name} : {c.message}" for c in report.checks]
        failed = next((check.name for check in report.checks if not check.ok), None)
        headline = (
            "Connexion réussie : cliquez sur « Terminer » pour enregistrer votre compte."
            if report.ok
            else f"La connexion a échoué à l'étape « {failed} »."
        )
        self.result.setText("\n".join([headline, *lines]))
        self.result.setProperty("role", "ok" if report.ok else "error")
        self.passed = report.ok
        self.completeChanged.emit()


class ConnectWizard(QWizard):
    saved = Signal()

    def __init__(self, account: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account = account
        self.workers = WorkerPool()
        self.setObjectName("assistant_connexion")
        self.setWindowTitle("Connecter mon compte Chorus Pro")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(640, 520)
        self.environment_page = EnvironmentPage()
        self.piste_page = PistePage()
        self.technical_page = TechnicalAccountPage()
        self.structure_page = StructurePage()
        self.test_page = TestPage(self)
        for page in (
            self.environment_page,
            self.piste_page,
            self.technical_page,
            self.structure_page,
            self.test_page,
        ):
            self.addPage(page)
        for button, text in (
            (QWizard.WizardButton.NextButton, "&Suivant >"),
            (QWizard.WizardButton.BackButton, "< &Précédent"),
            (QWizard.WizardButton.FinishButton, "Te&rminer"),
            (QWizard.WizardButton.CancelButton, "Annuler"),
        ):
            self.setButtonText(button, text)

    def account_input(self) -> AccountInput:
        environment = self.environment_page.environment()
        custom = environment is Environment.CUSTOM
        return AccountInput(
            environment=environment,
            supplier_siret=self.structure_page.siret_digits(),
            client_id=self.piste_page.client_id.text().strip(),
            client_secret=self.piste_page.client_secret.text(),
            login=self.technical_page.login.text().strip(),
            password=self.technical_page.password.text(),
            api_url=self.environment_page.api_url.text().strip() if custom else None,
            token_url=self.environment_page.token_url.text().strip() if custom else None,
            iban=self.structure_page.iban.text().strip(),
            bic=self.structure_page.bic.text().strip(),
        )

    def test(self) -> Worker:
        page = self.test_page
        page.test_button.setEnabled(False)
        page.passed = False
        page.completeChanged.emit()
        page.result.setText("Test en cours…")
        account = self.account_input()
        worker = Worker(
            lambda progress: self.account.test_connection(progress=progress, account=account)
        )
        worker.signals.progress.connect(page.result.setText)
        worker.signals.succeeded.connect(page.show_report)
        worker.signals.failed.connect(lambda error: page.result.setText(error_text(error)))
        worker.signals.done.connect(lambda: page.test_button.setEnabled(True))
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def accept(self) -> None:
        try:
            self.account.save(self.account_input())
        except BordereauError as exc:
            self.test_page.result.setText(exc.message)
            return
        self.saved.emit()
        super().accept()

    def done(self, result: int) -> None:
        self.workers.wait(15000)
        super().done(result)
