"""The account use case: check what the user typed, save it (secrets to the keyring, the rest
to the settings and the office's shared database), test the connection step by step."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.context import AccountInput, AccountStatus, AppContext
from app.credentials import Credentials
from app.domain.environments import Environment
from app.domain.identifiers import siret_problem
from app.domain.text import counted
from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from app.chorus.client import ChorusClient

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    message: str


@dataclass(slots=True)
class ConnectionReport:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, message: str) -> None:
        self.checks.append(CheckResult(name, ok, message))


def bank_problems(iban: str, bic: str) -> list[str]:
    """The IBAN and BIC a Factur-X paid by transfer carries (EN 16931 BT-84, BT-86): both
    optional, each checked when given."""
    from stdnum import bic as stdnum_bic
    from stdnum import iban as stdnum_iban

    problems = []
    if iban.strip() and not stdnum_iban.is_valid(iban):
        problems.append(
            "IBAN de votre structure : il n'est pas valide (vérifiez-le sur votre RIB : "
            "FR76 suivi de 23 caractères pour un compte français)."
        )
    if bic.strip() and not stdnum_bic.is_valid(bic):
        problems.append("BIC de votre banque : il n'est pas valide (8 ou 11 caractères).")
    return problems


class AccountService:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    def status(self) -> AccountStatus:
        return self.context.account_status()

    def validate(self, account: AccountInput) -> list[str]:
        problems: list[str] = []
        if account.environment is Environment.DEMO:
            return problems
        siret_issue = siret_problem(account.supplier_siret)
        if siret_issue:
            problems.append(f"SIRET de votre structure : {siret_issue}")
        problems.extend(bank_problems(account.iban, account.bic))
        for value, label in (
            (account.client_id, "l'identifiant client PISTE (client_id)"),
            (account.client_secret, "le secret client PISTE"),
            (account.login, "le login du compte technique"),
            (account.password, "le mot de passe du compte technique"),
        ):
            if not value.strip():
                problems.append(f"Renseignez {label}.")
        if account.environment is Environment.CUSTOM:
            for url, label in (
                (account.api_url, "l'URL de l'API"),
                (account.token_url, "l'URL du jeton"),
            ):
                if not url or not url.startswith(("http://", "https://")):
                    problems.append(f"Renseignez {label} (elle commence par https://).")
        return problems

    def _with_stored_secrets(self, account: AccountInput) -> AccountInput:
        """Empty secret fields mean "keep what the keyring holds"."""
        if account.environment is Environment.DEMO or (account.client_secret and account.password):
            return account
        credentials = self.context.credentials
        stored = None
        if credentials.backend_problem() is None:
            stored = credentials.load(account.environment)
        if stored is None:
            return account
        return replace(
            account,
            client_secret=account.client_secret or stored.client_secret,
            password=account.password or stored.password,
        )

    def save(self, account: AccountInput) -> None:
        """Secrets to the keyring; the rest to the settings file and, unless it is demo mode
        (a personal choice), to the shared database for every workstation of the office."""
        context = self.context
        account = self._with_stored_secrets(account)
        problems = self.validate(account)
        if problems:
            raise ValidationProblem("\n".join(problems))
        database = context.database  # opened first: opening adopts the office's current account
        settings = context.settings
        if account.environment is not Environment.DEMO:
            context.credentials.save(
                account.environment,
                Credentials(
                    client_id=account.client_id.strip(),
                    client_secret=account.client_secret,
                    login=account.login.strip(),
                    password=account.password,
                ),
            )
            settings.supplier_siret = account.supplier_siret
            settings.supplier_iban = account.iban or None
            settings.supplier_bic = account.bic or None
        settings.environment = account.environment
        settings.demo_chosen = account.environment is Environment.DEMO
        if account.environment is Environment.CUSTOM:
            settings.api_url = account.api_url
            settings.token_url = account.token_url
        context.save_settings()
        if account.environment is not Environment.DEMO:
            from app.db.shared import set_shared_setting
            from app.settings import shared_account

            set_shared_setting(database, "account", shared_account(settings))
        log.info("Compte enregistré pour l'environnement %s", account.environment.value)

    def test_connection(
        self,
        environment: Environment | None = None,
        progress: Progress | None = None,
        *,
        account: AccountInput | None = None,
    ) -> ConnectionReport:
        """Token, health check, then the supplier structure; each step said in French."""
        report = ConnectionReport()
        say = progress or (lambda _message: None)
        env = account.environment if account else (environment or self.status().effective)
        try:
            if account is not None and env is not Environment.DEMO:
                siret = account.supplier_siret
                problems = self.validate(self._with_stored_secrets(account))
                if problems:
                    raise ValidationProblem("\n".join(problems))
            else:
                siret = self.context.supplier_siret(env)
            client = self.context.chorus_client(env, account)
        except BordereauError as exc:
            report.add("Configuration", False, exc.message)
            return report
        with client:
            say("Demande d'un jeton PISTE…")
            if not _step(report, "Jeton PISTE", client.fetch_token, "Jeton obtenu."):
                return report
            say("Vérification de la disponibilité de Chorus Pro…")
            if not _step(report, "Disponibilité", client.healthcheck, "Chorus Pro répond."):
                return report
            say("Recherche de votre structure…")
            _check_supplier_structure(client, siret, report)
        return report


def _step(report: ConnectionReport, name: str, action: Callable[[], object], success: str) -> bool:
    try:
        action()
    except BordereauError as exc:
        report.add(name, False, exc.message)
        return False
    report.add(name, True, success)
    return True


def _check_supplier_structure(client: ChorusClient, siret: str, report: ConnectionReport) -> None:
    try:
        found = client.find_structure_by_siret(siret)
        if found is None:
            report.add(
                "Structure",
                False,
                f"Aucune structure Chorus Pro n'a le SIRET {siret}. Vérifiez le SIRET saisi.",
            )
            return
        details = client.consulter_structure(found.idStructureCPP)
        mine = client.structures_actives_fournisseur().listeStructures
    except BordereauError as exc:
        report.add("Structure", False, exc.message)
        return
    name = (
        details.informationGenerales and details.informationGenerales.raisonSocialeStructure
    ) or siret
    if not any(item.idStructureCPP == found.idStructureCPP for item in mine):
        report.add(
            "Structure",
            False,
            f"Le compte technique n'est pas rattaché à « {name} ». Rattachez-le à la structure "
            "dans Chorus Pro (Raccordements).",
        )
        return
    report.add("Structure", True, f"Structure trouvée : {name} (SIRET {siret}).")
    expiry_text = (
        details.informationGenerales
        and details.informationGenerales.dateExpirationMotPasseCompteTech
    )
    if expiry_text:
        from app.chorus.dates import parse_chorus_datetime

        expiry = parse_chorus_datetime(expiry_text)
        days = (expiry - datetime.now(UTC)).days if expiry else None
        if days is not None and days < 30:
            report.add(
                "Mot de passe du compte technique",
                days >= 0,
                f"Il expire dans {counted(max(days, 0), 'jour')} : pensez à le renouveler dans "
                "Chorus Pro."
                if days >= 0
                else "Il a expiré : renouvelez-le dans Chorus Pro.",
            )
