"""The application facade: what the UI and the command line call.

Widgets never open a database session or an HTTP connection themselves; they ask this object.
Long operations take an optional ``progress`` callback so that the UI can adapt them to signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from app.credentials import Credentials, CredentialStore
from app.domain.environments import PISTE_ENDPOINTS, Endpoints, Environment
from app.domain.identifiers import siret_problem
from app.errors import BordereauError, ValidationProblem
from app.paths import AppPaths, resolve_database_url
from app.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from pathlib import Path

    from app.chorus.client import ChorusClient
    from app.chorus.schemas import StructureTrouvee
    from app.db import models
    from app.db.engine import Database
    from app.db.migrate import MigrationResult
    from app.deposit.certificate import DepositFacts
    from app.deposit.checks import CheckContext, Issue
    from app.deposit.history import HistoryLine
    from app.deposit.outbox import DepositOutcome, DraftSummary, Outbox
    from app.deposit.supplier import SupplierProfile
    from app.directory.importer import ImportReport
    from app.directory.store import DirectoryStore, Service, Structure
    from app.domain.invoice import AttachmentRef, Invoice
    from app.invoices.actions import RecycleChange
    from app.invoices.dashboard import Dashboard
    from app.invoices.listing import InvoiceSummary
    from app.invoices.views import InvoiceViews
    from app.prefill.engine import OcrPool
    from app.prefill.model import PrefillResult
    from app.simulator.server import Simulator
    from app.sync.invoices import SyncReport
    from app.tickets.catalogue import TicketStatus, TicketView
    from app.tickets.store import TicketRecord, TicketRow, TicketStore
    from app.tickets.templates import Template, TicketDraft, TicketFacts

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class AccountStatus:
    environment: Environment  # what the settings ask for
    effective: Environment  # what is used: demo when the account is incomplete
    supplier_siret: str | None
    client_id: str | None
    login: str | None
    has_secrets: bool
    keyring_problem: str | None
    keyring_description: str
    api_url: str | None = None
    token_url: str | None = None

    @property
    def mode_label(self) -> str:
        return self.effective.label


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


@dataclass(frozen=True, slots=True)
class AccountInput:
    environment: Environment
    supplier_siret: str
    client_id: str = ""
    client_secret: str = ""
    login: str = ""
    password: str = ""
    api_url: str | None = None
    token_url: str | None = None


class Services:
    def __init__(
        self,
        paths: AppPaths,
        *,
        database_url: str | None = None,
        credential_store: CredentialStore | None = None,
    ) -> None:
        self.paths = paths
        self.database_url = resolve_database_url(database_url, paths)
        self.credentials = credential_store or CredentialStore()
        self.settings: Settings = load_settings(paths.settings_file)
        self._database: Database | None = None
        self._database_ready = False  # upgraded, and the office's account taken from it
        self._demo: Simulator | None = None
        self._ocr: OcrPool | None = None
        self._directory: DirectoryStore | None = None
        self._demo_lock = threading.Lock()
        self._supplier_profiles: dict[Environment, SupplierProfile] = {}
        self.flux_wait_seconds = 90.0  # how long a send follows a Factur-X flux's integration

    # --- settings and storage ------------------------------------------------------------------

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)

    def open_database(self) -> MigrationResult:
        """Create or upgrade the database (a backup is taken before any upgrade)."""
        from app.db.engine import Database
        from app.db.migrate import upgrade_database

        self.paths.ensure()
        if self._database is None:
            self._database = Database(self.database_url)
        result = upgrade_database(self._database, self.paths.backups_dir)
        self._share_account(self._database)
        self._database_ready = True
        return result

    def _share_account(self, database: Database) -> None:
        """The account is the office's: a workstation that has not chosen demo mode takes
        it from the shared database; the first one configured puts it there."""
        from app.db.shared import set_shared_setting, shared_setting
        from app.settings import shared_account, with_shared_account

        stored = shared_setting(database, "account")
        if stored is not None and not self.settings.demo_chosen:
            self.settings = with_shared_account(self.settings, stored)
        elif stored is None and self.settings.environment is not Environment.DEMO:
            set_shared_setting(database, "account", shared_account(self.settings))

    def upgrade_notice(self) -> str | None:
        """Before :meth:`open_database`: how to back up a PostgreSQL database about to be
        upgraded (a SQLite file is copied by Bordereau itself)."""
        from app.db.engine import Database
        from app.db.migrate import upgrade_notice

        if self._database is None:
            self._database = Database(self.database_url)
        return upgrade_notice(self._database)

    @property
    def database(self) -> Database:
        if not self._database_ready:
            self.open_database()
        assert self._database is not None
        return self._database

    def close(self) -> None:
        if self._directory is not None:
            self._directory.close()
            self._directory = None
        if self._ocr is not None:
            self._ocr.close()
            self._ocr = None
        if self._demo is not None:
            self._demo.stop()
            self._demo = None
        if self._database is not None:
            self._database.dispose()
            self._database = None
            self._database_ready = False

    # --- account -------------------------------------------------------------------------------

    def account_status(self) -> AccountStatus:
        if not self._database_ready:  # the office's account is in the shared database
            try:
                self.open_database()
            except BordereauError as exc:
                log.warning("Compte du bureau illisible, réglages du poste utilisés : %s", exc)
        problem = self.credentials.backend_problem()
        environment = self.settings.environment
        client_id = login = None
        has_secrets = False
        if problem is None and environment is not Environment.DEMO:
            try:
                client_id, login = self.credentials.load_identifiers(environment)
                has_secrets = self.credentials.has_credentials(environment)
            except BordereauError as exc:
                problem = exc.message
        complete = has_secrets and bool(self.settings.supplier_siret)
        effective = environment if complete else Environment.DEMO
        return AccountStatus(
            environment=environment,
            effective=effective,
            supplier_siret=self.settings.supplier_siret,
            client_id=client_id,
            login=login,
            has_secrets=has_secrets,
            keyring_problem=problem,
            keyring_description=self.credentials.backend_description(),
            api_url=self.settings.api_url,
            token_url=self.settings.token_url,
        )

    def validate_account(self, account: AccountInput) -> list[str]:
        problems: list[str] = []
        if account.environment is Environment.DEMO:
            return problems
        siret_issue = siret_problem(account.supplier_siret)
        if siret_issue:
            problems.append(f"SIRET de votre structure : {siret_issue}")
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
        stored = None
        if self.credentials.backend_problem() is None:
            stored = self.credentials.load(account.environment)
        if stored is None:
            return account
        return replace(
            account,
            client_secret=account.client_secret or stored.client_secret,
            password=account.password or stored.password,
        )

    def save_account(self, account: AccountInput) -> None:
        """Secrets to the keyring; the rest to the settings file and, unless it is demo mode
        (a personal choice), to the shared database for every workstation of the office."""
        account = self._with_stored_secrets(account)
        problems = self.validate_account(account)
        if problems:
            raise ValidationProblem("\n".join(problems))
        database = self.database  # opened first: opening adopts the office's current account
        if account.environment is not Environment.DEMO:
            self.credentials.save(
                account.environment,
                Credentials(
                    client_id=account.client_id.strip(),
                    client_secret=account.client_secret,
                    login=account.login.strip(),
                    password=account.password,
                ),
            )
            self.settings.supplier_siret = account.supplier_siret
        self.settings.environment = account.environment
        self.settings.demo_chosen = account.environment is Environment.DEMO
        if account.environment is Environment.CUSTOM:
            self.settings.api_url = account.api_url
            self.settings.token_url = account.token_url
        self.save_settings()
        if account.environment is not Environment.DEMO:
            from app.db.shared import set_shared_setting
            from app.settings import shared_account

            set_shared_setting(database, "account", shared_account(self.settings))
        log.info("Compte enregistré pour l'environnement %s", account.environment.value)

    # --- platform ------------------------------------------------------------------------------

    def demo_platform(self) -> Simulator:
        """The embedded simulator, started on first use, on a free loopback port."""
        with self._demo_lock:
            if self._demo is None:
                from app.simulator.server import Simulator, SimulatorConfig

                state_file = self.paths.simulator_state_file
                fresh = not state_file.exists()
                config = SimulatorConfig(state_file=state_file)
                self._demo = Simulator(config)
                if fresh and self.settings.demo_sample:
                    from app.simulator.demo_account import seed_demo_account

                    with self._demo.state.lock:
                        seed_demo_account(self._demo.state)
                        self._demo.state.save_if_dirty()
                self._demo.start()
                log.info("Simulateur de démonstration démarré sur %s", self._demo.base_url)
            return self._demo

    def endpoints(self, environment: Environment) -> Endpoints:
        if environment is Environment.DEMO:
            demo = self.demo_platform()
            return Endpoints(api_url=demo.base_url, token_url=demo.token_url)
        if environment is Environment.CUSTOM:
            if not self.settings.api_url or not self.settings.token_url:
                raise ValidationProblem(
                    "Renseignez les URL de l'API et du jeton (Compte › Compte Chorus Pro)."
                )
            return Endpoints(api_url=self.settings.api_url, token_url=self.settings.token_url)
        return PISTE_ENDPOINTS[environment]

    def _credentials_for(self, environment: Environment) -> Credentials:
        if environment is Environment.DEMO:
            config = self.demo_platform().state.config
            return Credentials(
                config.client_id, config.client_secret, config.login, config.password
            )
        credentials = self.credentials.load(environment)
        if credentials is None:
            raise ValidationProblem(
                "Aucun identifiant Chorus Pro n'est enregistré pour cet environnement. "
                "Ouvrez Compte › Compte Chorus Pro."
            )
        return credentials

    def supplier_siret(self, environment: Environment) -> str:
        if environment is Environment.DEMO:
            return self.demo_platform().state.config.supplier_siret
        if not self.settings.supplier_siret:
            raise ValidationProblem(
                "Renseignez le SIRET de votre structure (Compte › Compte Chorus Pro)."
            )
        return self.settings.supplier_siret

    def chorus_client(
        self, environment: Environment | None = None, account: AccountInput | None = None
    ) -> ChorusClient:
        """A client for the configured account, or for ``account`` as typed (not yet saved)."""
        from app.chorus.client import ChorusClient, ChorusConfig

        env = account.environment if account else (environment or self.account_status().effective)
        if account is not None and env is not Environment.DEMO:
            stored = (
                self.credentials.load(env) if self.credentials.backend_problem() is None else None
            )
            credentials = Credentials(
                client_id=account.client_id or (stored.client_id if stored else ""),
                client_secret=account.client_secret or (stored.client_secret if stored else ""),
                login=account.login or (stored.login if stored else ""),
                password=account.password or (stored.password if stored else ""),
            )
            endpoints = (
                Endpoints(api_url=account.api_url or "", token_url=account.token_url or "")
                if env is Environment.CUSTOM
                else PISTE_ENDPOINTS[env]
            )
        else:
            endpoints = self.endpoints(env)
            credentials = self._credentials_for(env)
        return ChorusClient(
            ChorusConfig(
                api_url=endpoints.api_url,
                token_url=endpoints.token_url,
                client_id=credentials.client_id,
                client_secret=credentials.client_secret,
                login=credentials.login,
                password=credentials.password,
            )
        )

    # --- directory ---------------------------------------------------------------------------

    @property
    def directory(self) -> DirectoryStore:
        if self._directory is None:
            from app.directory.store import DirectoryStore

            self._directory = DirectoryStore(self.paths.directory_file)
        return self._directory

    def import_directory(
        self, source: Path, progress: Callable[[float, str], None] | None = None
    ) -> ImportReport:
        """Replace the local directory with the export ``source``; on any problem the current
        one stays (``DirectoryImportError`` carries the French reason)."""
        from app.directory.importer import import_export

        self.directory.close()
        report = import_export(source, self.paths.directory_file, progress)
        self.directory.forget_caches()
        log.info("Annuaire importé : %s", " ".join(report.lines()))
        return report

    def search_directory(self, query: str, limit: int = 20) -> list[Structure]:
        return self.directory.search(query, limit)

    def lookup_structure_online(self, siret: str) -> tuple[Structure, list[Service]] | None:
        """Ask the structures API (connected account) and remember the fresh answer."""
        from app.directory.store import Service, Structure

        with self.chorus_client() as client:
            found = client.find_structure_by_siret(siret)
            if found is None:
                return None
            details = client.consulter_structure(found.idStructureCPP)
            services = [
                Service(
                    code=item.codeService or "",
                    label=item.libelleService,
                    active=item.estActif,
                    id_service=item.idService,
                )
                for item in client.all_services(found.idStructureCPP)
                if item.codeService
            ]
            services = [
                replace(service, engagement_required=_engagement_required(client, found, service))
                for service in services
            ]
        info = details.informationGenerales
        address = details.adressePostaleDuSiege
        flags = details.parametres
        structure = Structure(
            siret=siret,
            name=(info.raisonSocialeStructure if info else None)
            or found.designationStructure
            or siret,
            label=info.libelleStructure if info else None,
            address=address.adresse if address else None,
            postal_code=address.codePostal if address else None,
            city=address.ville if address else None,
            active=(found.statut or "ACTIVE") == "ACTIVE",
            service_required=bool(flags and flags.codeServiceDoitEtreRenseigne),
            engagement_required=bool(flags and flags.numeroEJDoitEtreRenseigne),
            service_or_engagement=bool(flags and flags.gestionNumeroEJOuCodeService),
            payment_not_reported=bool(flags and flags.statutMiseEnPaiementNestPasRemonte),
            id_cpp=found.idStructureCPP,
        )
        self.directory.remember_online(structure, services)
        return self.directory.by_siret(siret) or structure, self.directory.services(siret)

    # --- deposit -----------------------------------------------------------------------------

    def outbox(self) -> Outbox:
        from app.deposit.outbox import Outbox

        return Outbox(
            self.database,
            self.paths.attachments_dir,
            self.account_status().effective.value,
            flux_wait_seconds=self.flux_wait_seconds,
        )

    def supplier_id(self, client: ChorusClient) -> int:
        """The supplier's idStructureCPP (``fournisseur.idFournisseur`` in soumettre)."""
        siret = self.supplier_siret(self.account_status().effective)
        for structure in client.structures_actives_fournisseur().listeStructures:
            if structure.identifiant == siret:
                return structure.idStructureCPP
        found = client.find_structure_by_siret(siret)
        if found is None:
            raise ValidationProblem(
                f"Chorus Pro ne trouve pas votre structure (SIRET {siret}) : vérifiez le SIRET "
                "dans Compte › Compte Chorus Pro."
            )
        return found.idStructureCPP

    def deposit_context(
        self,
        invoice: Invoice,
        *,
        document: Path | None = None,
        document_text: str | None = None,
        client: ChorusClient | None = None,
    ) -> CheckContext:
        """What the checks need: the recipient from the directory (online when connected and
        unknown locally), the numbers already sent, the document's text. Without ``client``
        nothing leaves the computer (fast enough to check as the user types)."""
        from app.chorus.errors import ChorusError
        from app.chorus.submission import find_submitted
        from app.deposit.checks import CheckContext

        siret = invoice.recipient.siret.replace(" ", "")
        recipient = self.directory.by_siret(siret) if len(siret) == 14 else None
        services = self.directory.services(siret, active_only=True) if recipient else []
        on_platform = False
        if client is not None:
            try:
                if recipient is None and len(siret) == 14:
                    found = self.lookup_structure_online(siret)
                    if found is not None:
                        recipient, all_services = found
                        services = [item for item in all_services if item.active]
                if invoice.number:
                    supplier = self.supplier_id(client)
                    on_platform = find_submitted(client, invoice.number, supplier) is not None
            except ChorusError as exc:
                log.info("Vérifications en ligne impossibles : %s", exc.message)
        if document_text is None and document is not None:
            from app.deposit.preview import pdf_text

            document_text = pdf_text(document)
        return CheckContext(
            today=datetime.now(UTC).date(),
            recipient=recipient,
            recipient_services=services,
            deposited_numbers=self.outbox().deposited_numbers(),
            number_on_platform=on_platform,
            document_text=document_text,
        )

    def check(self, invoice: Invoice, document_text: str | None = None) -> list[Issue]:
        """The checks that need no network: run as the user edits the form."""
        from app.deposit.checks import check_invoice

        return check_invoice(invoice, self.deposit_context(invoice, document_text=document_text))

    def check_online(self, invoice: Invoice, document_text: str | None = None) -> list[Issue]:
        """Every check, with the platform asked about the number and an unknown recipient;
        offline, the local checks alone."""
        from app.chorus.errors import ChorusError
        from app.deposit.checks import check_invoice

        try:
            with self.chorus_client() as client:
                context = self.deposit_context(invoice, document_text=document_text, client=client)
        except ChorusError as exc:
            log.info("Vérifications en ligne impossibles : %s", exc.message)
            context = self.deposit_context(invoice, document_text=document_text)
        return check_invoice(invoice, context)

    def recipient_info(self, siret: str) -> tuple[Structure | None, list[Service]]:
        """What the local directory knows of a SIRET: the structure and its active services."""
        siret = siret.replace(" ", "")
        if len(siret) != 14:
            return None, []
        structure = self.directory.by_siret(siret)
        return structure, self.directory.services(siret, active_only=True) if structure else []

    def store_attachment(
        self, source: Path, *, designation: str | None = None, type_code: str | None = None
    ) -> AttachmentRef:
        return self.outbox().store(source, designation=designation, type_code=type_code)

    def attachment_path(self, attachment: AttachmentRef) -> Path:
        return self.outbox().file_path(attachment)

    def save_draft(self, invoice: Invoice, draft_id: int | None = None) -> int:
        return self.outbox().save_draft(invoice, draft_id)

    def load_draft(self, invoice_id: int) -> Invoice:
        return self.outbox().load_draft(invoice_id)

    def drafts(self) -> list[DraftSummary]:
        return self.outbox().drafts()

    def delete_draft(self, invoice_id: int) -> None:
        self.outbox().delete_draft(invoice_id)

    def supplier_profile(self) -> SupplierProfile:
        """The user's structure on Chorus Pro: name, services, bank accounts (asked once per
        session; raises ``ChorusError`` offline)."""
        from app.deposit.supplier import fetch_supplier_profile

        environment = self.account_status().effective
        cached = self._supplier_profiles.get(environment)
        if cached is None:
            with self.chorus_client(environment) as client:
                cached = fetch_supplier_profile(client, self.supplier_siret(environment))
            self._supplier_profiles[environment] = cached
        return cached

    def deposit(
        self,
        invoice: Invoice,
        pdf: Path | None = None,
        progress: Callable[[str], None] | None = None,
        *,
        draft_id: int | None = None,
        facturx: bool = False,
    ) -> DepositOutcome:
        """Queue the checked invoice, then send it. It stays queued, « En attente d'envoi »,
        when the platform is away; a refusal brings it back as a draft. With ``facturx``
        the PDF gets the invoice's EN 16931 XML and goes through ``deposer/flux``."""
        from app.chorus.errors import ChorusError
        from app.deposit.claims import Claim
        from app.deposit.states import DEPOSIT, DEPOSIT_FLUX
        from app.domain.enums import ModeDepot

        outbox = self.outbox()
        if pdf is not None:
            invoice.main_attachment = outbox.store(pdf)
        if facturx:
            invoice.main_attachment = self.facturx_attachment(invoice)
            invoice.deposit_mode = ModeDepot.UPLOAD_API
        claim = Claim.new()
        entry_id = outbox.enqueue(
            invoice, None, draft_id, DEPOSIT_FLUX if facturx else DEPOSIT, claim=claim
        )
        try:
            with self.chorus_client() as client:
                outcome = outbox.send(
                    entry_id, client, self.supplier_id(client), progress, claim=claim
                )
        except ChorusError as exc:
            log.info("Dépôt en attente : %s", exc.message)
            return outbox.waiting(entry_id, exc.message, claim)
        if outcome is None:  # taken over by another sender after a lost lease
            return outbox.waiting(entry_id, "Son envoi a été repris par un autre poste.")
        return outcome

    def facturx_attachment(self, invoice: Invoice) -> AttachmentRef:
        """The invoice's PDF with its Factur-X XML embedded, kept in the data folder."""
        import tempfile
        from pathlib import Path

        from app.deposit.facturx_writer import Seller, cii_invoice, embed_facturx

        main = invoice.main_attachment
        if main is None:
            raise ValidationProblem("Joignez le PDF de la facture.")
        environment = self.account_status().effective
        siret = self.supplier_siret(environment)
        try:
            profile = self.supplier_profile()
            seller = Seller(siret, profile.name, profile.vat_number)
        except BordereauError:
            seller = Seller(siret, siret)
        xml = cii_invoice(invoice, seller)
        content = embed_facturx(self.attachment_path(main).read_bytes(), xml)
        stem = Path(main.file_name).stem[:36]
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"{stem}-facturx.pdf"
            target.write_bytes(content)
            return self.store_attachment(target, designation=main.designation)

    def deposit_facts(self, invoice_id: int) -> DepositFacts:
        from app.deposit.outbox import deposit_facts

        supplier = self.supplier_siret(self.account_status().effective)
        try:
            name = self.supplier_profile().name
        except BordereauError:  # offline: the certificate still states the SIRET
            name = supplier
        return deposit_facts(self.database, invoice_id, supplier, name)

    def export_certificate(self, invoice_id: int, target: Path) -> Path:
        from app.deposit.certificate import write_certificate

        return write_certificate(self.deposit_facts(invoice_id), target)

    def invoice_history(self, invoice_id: int) -> list[HistoryLine]:
        """The invoice's statuses, newest first: asked to Chorus Pro, else what is known here."""
        from app.deposit.history import history_of

        try:
            with self.chorus_client() as client:
                return history_of(self.database, invoice_id, client)
        except BordereauError as exc:
            log.info("Historique en ligne indisponible : %s", exc.message)
            return history_of(self.database, invoice_id, None)

    def has_waiting_invoices(self) -> bool:
        """Cheap enough for start-up: no ORM, no Chorus client imported."""
        from sqlalchemy import bindparam, text

        from app.deposit.states import UNFINISHED

        query = text("SELECT 1 FROM outbox_entries WHERE state IN :states LIMIT 1").bindparams(
            bindparam("states", expanding=True)
        )
        with self.database.engine.connect() as connection:
            found = connection.execute(query, {"states": list(UNFINISHED)}).first()
        return found is not None

    def resume_outbox(self, progress: Callable[[str], None] | None = None) -> list[DepositOutcome]:
        """Send what is waiting: after a restart (entries in doubt are reconciled first) or
        when the platform answers again."""
        outbox = self.outbox()
        pending = outbox.unfinished()
        if not pending:
            return []
        outcomes = []
        with self.chorus_client() as client:
            supplier = self.supplier_id(client)
            for entry_id in pending:
                outcome = outbox.send(entry_id, client, supplier, progress)
                if outcome is not None:  # None: another sender has it
                    outcomes.append(outcome)
        return outcomes

    # --- sync ---------------------------------------------------------------------------------

    def sync(self, progress: Callable[[str], None] | None = None) -> SyncReport:
        """What moved on Chorus Pro since the last sync (all of it the first time)."""
        from app.db.shared import set_shared_setting
        from app.sync.invoices import next_since, sync_invoices

        environment = self.account_status().effective
        with self.chorus_client(environment) as client:
            report = sync_invoices(
                self.database,
                client,
                environment.value,
                self.supplier_id(client),
                since=self.last_sync_day(environment),
                progress=progress,
            )
        set_shared_setting(
            self.database, f"last_sync:{environment.value}", next_since(report).isoformat()
        )
        return report

    def last_sync_day(self, environment: Environment) -> date | None:
        """The day the next sync starts from: the office's, in the shared database (this
        workstation's settings file held it before; an unreadable date means from the start)."""
        from app.db.shared import shared_setting

        stored = shared_setting(self.database, f"last_sync:{environment.value}")
        if stored is None:
            stored = self.settings.last_sync.get(environment.value)
        try:
            return date.fromisoformat(str(stored)) if stored else None
        except ValueError:
            log.warning("Date de dernière synchronisation illisible (%r) : tout est relu", stored)
            return None

    def invoices(self, status: str | None = None) -> list[InvoiceSummary]:
        """The local invoices with their payment deadline and late interest."""
        from app.invoices.listing import list_invoices
        from app.payments.rates import RateTable

        return list_invoices(
            self.database,
            self.account_status().effective.value,
            today=datetime.now(UTC).date(),
            rates=RateTable(self.settings.late_interest_rates),
            status=status,
        )

    # --- following invoices: lists, actions, dashboard ---------------------------------------

    def invoice_views(self) -> InvoiceViews:
        """The lists of Synthèse and Rechercher (queries fast enough for the UI thread)."""
        from app.invoices.views import InvoiceViews

        return InvoiceViews(self.database, self.account_status().effective.value)

    def invoice_summary(self, invoice_id: int) -> InvoiceSummary:
        """One invoice with its payment deadline and what a late payment owes."""
        from app.invoices.listing import summarize
        from app.payments.rates import RateTable

        with self.database.session() as session:
            from app.db import models

            row = session.get(models.Invoice, invoice_id)
            if row is None:
                raise ValidationProblem("Cette facture n'existe plus.")
            return summarize(
                row, datetime.now(UTC).date(), RateTable(self.settings.late_interest_rates)
            )

    def _recycled_invoice(self, invoice_id: int, change: RecycleChange) -> Invoice:
        from app.domain.invoice import Recipient
        from app.invoices.actions import invoice_of

        invoice = invoice_of(self.database, invoice_id)
        invoice.recipient = Recipient(
            siret=change.siret.replace(" ", ""), code_service=change.code_service or None
        )
        invoice.references.engagement_number = change.engagement_number or None
        return invoice

    def recycle_issues(self, invoice_id: int, change: RecycleChange) -> list[Issue]:
        """The new SIRET, service and engagement against the local directory (no network)."""
        from app.deposit.checks import recipient_issues

        invoice = self._recycled_invoice(invoice_id, change)
        return recipient_issues(invoice, self.deposit_context(invoice))

    def recycle_invoice(self, invoice_id: int, change: RecycleChange) -> str:
        """Check the new routing (the directory online when unknown here), then ``recycler``;
        returns the new status."""
        from app.deposit.checks import blocking, recipient_issues
        from app.invoices.actions import recycle

        invoice = self._recycled_invoice(invoice_id, change)
        with self.chorus_client() as client:
            context = self.deposit_context(invoice, client=client)
            problems = blocking(recipient_issues(invoice, context))
            if problems:
                raise ValidationProblem("\n".join(issue.message for issue in problems))
            name = context.recipient.name if context.recipient else None
            return recycle(self.database, client, invoice_id, change, name)

    def complete_invoice(self, invoice_id: int, files: list[Path], comment: str | None) -> str:
        """``completer`` with the files (kept in the data folder first) and the comment."""
        from app.invoices.actions import complete

        outbox = self.outbox()
        attachments = [outbox.store(path, designation=path.name) for path in files]
        with self.chorus_client() as client:
            return complete(self.database, client, outbox, invoice_id, attachments, comment)

    def acknowledge_rejection(self, invoice_id: int) -> None:
        from app.invoices.actions import acknowledge_rejection

        with self.chorus_client() as client:
            acknowledge_rejection(self.database, client, invoice_id)

    def replacement_draft(self, invoice_id: int) -> int:
        """After a rejection: a draft copied from the rejected invoice, with the next number."""
        from app.domain.text import french_date
        from app.invoices.actions import new_draft_from

        def note(old: models.Invoice) -> str:
            reason = f" (motif : {old.status_comment})" if old.status_comment else ""
            return (
                f"Remplace la facture {old.number} rejetée le "
                f"{french_date(old.status_at, '—')}{reason}. Le PDF joint est l'ancien : "
                "remplacez-le par la facture corrigée (Pièces jointes › Remplacer le PDF…)."
            )

        return new_draft_from(self.database, self.outbox(), invoice_id, note)

    def duplicate_invoice(self, invoice_id: int) -> int:
        """« Dupliquer »: a draft copied from the invoice, with the next number."""
        from app.invoices.actions import new_draft_from

        return new_draft_from(
            self.database,
            self.outbox(),
            invoice_id,
            lambda old: f"Copie de la facture {old.number}.",
        )

    def download_invoices(self, invoice_ids: list[int], target: Path) -> Path:
        """The PDF of one invoice (or Chorus Pro's ZIP of several) written to ``target``."""
        from app.invoices.actions import download

        if len(invoice_ids) == 1:
            try:
                return download(self.database, None, self.outbox(), invoice_ids, target)
            except ValidationProblem:
                pass  # not kept here: Chorus Pro has it
        with self.chorus_client() as client:
            return download(self.database, client, self.outbox(), invoice_ids, target)

    def export_invoices(self, invoice_ids: list[int], target: Path) -> Path:
        """« Exporter les résultats »: a CSV for LibreOffice and Excel, written atomically."""
        import io

        from app.files import write_atomically
        from app.invoices.listing import summaries_of, write_csv
        from app.payments.rates import RateTable

        buffer = io.StringIO(newline="")
        summaries = summaries_of(
            self.database,
            invoice_ids,
            today=datetime.now(UTC).date(),
            rates=RateTable(self.settings.late_interest_rates),
        )
        write_csv(summaries, buffer)
        return write_atomically(target, buffer.getvalue().encode("utf-8"))

    def dashboard(self) -> Dashboard:
        from app.invoices.dashboard import build_dashboard
        from app.payments.rates import RateTable

        return build_dashboard(
            self.database,
            self.account_status().effective.value,
            today=datetime.now(UTC).date(),
            rates=RateTable(self.settings.late_interest_rates),
        )

    # --- sollicitations (support requests for the Chorus Pro portal) -------------------------

    def tickets(self) -> TicketStore:
        from app.tickets.store import TicketStore

        return TicketStore(self.database, self.account_status().effective.value)

    def ticket_facts(self, invoice_id: int) -> TicketFacts:
        """What a sollicitation about the invoice can state (dates, amounts, reasons)."""
        from app.payments.rates import RateTable
        from app.tickets.facts import invoice_facts

        facts = invoice_facts(
            self.database,
            invoice_id,
            today=datetime.now(UTC).date(),
            rates=RateTable(self.settings.late_interest_rates),
        )
        if not facts.supplier_siret:  # imported from the portal: the account's structure
            siret, name = self._supplier_identity()
            facts = replace(facts, supplier_siret=siret, supplier_name=name)
        structure, _services = self.recipient_info(facts.invoice.recipient_siret)
        if structure is not None:
            facts = replace(
                facts,
                service_required=structure.service_required,
                engagement_required=structure.engagement_required,
            )
        return facts

    def ticket_templates(self, invoice_id: int) -> list[Template]:
        from app.tickets.templates import templates_for

        return templates_for(self.ticket_facts(invoice_id))

    def ticket_from_invoice(self, invoice_id: int, template: Template) -> int:
        """A draft sollicitation written from the invoice's facts; files sent with
        « Compléter » are joined to a « pièces transmises » one."""
        from app.domain.invoice import AttachmentRef
        from app.invoices.actions import COMPLETION_ROLE
        from app.tickets.templates import Template, draft_from

        draft = draft_from(template, self.ticket_facts(invoice_id))
        files: list[AttachmentRef] = []
        if template is Template.SUSPENDED_DOCUMENTS:
            with self.database.session() as session:
                from app.db import models

                row = session.get(models.Invoice, invoice_id)
                assert row is not None
                files = [
                    AttachmentRef(item.file_name, item.sha256, item.size)
                    for item in row.attachments
                    if item.role == COMPLETION_ROLE
                ]
        return self.tickets().create(draft, files)

    def new_ticket(self) -> int:
        """A blank sollicitation with the user's structure filled in."""
        from app.tickets.templates import TicketDraft

        siret, name = self._supplier_identity()
        return self.tickets().create(TicketDraft(supplier_siret=siret, supplier_name=name))

    def _supplier_identity(self) -> tuple[str, str]:
        """The account's SIRET and the name Chorus Pro gave it (empty when not known)."""
        from sqlalchemy import select

        from app.db import models

        environment = self.account_status().effective
        try:
            siret = self.supplier_siret(environment)
        except ValidationProblem:
            return "", ""  # no account yet: the user types it
        with self.database.session() as session:
            name = session.scalar(
                select(models.SupplierStructure.name).where(
                    models.SupplierStructure.environment == environment.value,
                    models.SupplierStructure.siret == siret,
                )
            )
        if not name:
            try:
                name = self.supplier_profile().name  # asked once per session
            except BordereauError:
                name = ""  # offline: the user types it
        return siret, name

    def ticket(self, ticket_id: int) -> TicketRecord:
        return self.tickets().get(ticket_id)

    def save_ticket(self, ticket_id: int, draft: TicketDraft) -> None:
        self.tickets().update(ticket_id, draft)

    def track_ticket(self, ticket_id: int, portal_number: str, status: TicketStatus) -> None:
        self.tickets().track(ticket_id, portal_number, status)

    def add_ticket_note(self, ticket_id: int, text: str) -> None:
        self.tickets().add_note(ticket_id, text)

    def add_ticket_file(self, ticket_id: int, source: Path) -> None:
        """Keep a copy in the data folder first: the user may move or delete the original."""
        self.tickets().add_file(ticket_id, self.store_attachment(source))

    def ticket_file_path(self, ticket_id: int, file_id: int) -> Path:
        from app.domain.invoice import AttachmentRef

        record = self.ticket(ticket_id)
        item = next((f for f in record.files if f.id == file_id), None)
        if item is None:
            raise ValidationProblem("Cette pièce jointe n'existe plus.")
        return self.attachment_path(AttachmentRef(item.file_name, item.sha256, item.size))

    def remove_ticket_file(self, ticket_id: int, file_id: int) -> None:
        self.tickets().remove_file(ticket_id, file_id)

    def delete_ticket(self, ticket_id: int) -> None:
        self.tickets().delete(ticket_id)

    def ticket_rows(self, view: TicketView | None = None, query: str = "") -> list[TicketRow]:
        return self.tickets().rows(view, query)

    def ticket_counts(self) -> dict[TicketView, int]:
        return self.tickets().counts()

    def ticket_portal_text(self, ticket_id: int) -> str:
        from app.tickets.export import portal_text

        return portal_text(self.ticket(ticket_id))

    def export_tickets(self, rows: list[TicketRow], target: Path) -> Path:
        from app.files import write_atomically
        from app.tickets.export import csv_bytes

        return write_atomically(target, csv_bytes(rows))

    def export_ticket_letter(self, ticket_id: int, target: Path) -> Path:
        from app.tickets.export import write_letter

        return write_letter(self.ticket(ticket_id), target, datetime.now(UTC).astimezone().date())

    def support_portal_url(self) -> str:
        from app.domain.environments import Environment
        from app.tickets.catalogue import PORTAL_SUPPORT_URL

        environment = self.account_status().effective
        key = "qualification" if environment is Environment.QUALIFICATION else "production"
        return PORTAL_SUPPORT_URL[key]

    # --- prefill -----------------------------------------------------------------------------

    def prefill(
        self,
        path: Path,
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PrefillResult:
        """Read an invoice PDF. Raises ``UnreadableInvoiceError`` (French message) when the
        file cannot be read; gaps in what was read come back as warnings."""
        from app.prefill.engine import OcrPool, prefill

        if self._ocr is None:
            self._ocr = OcrPool()
        own_siret = self.settings.supplier_siret
        if own_siret is None and self.account_status().effective is Environment.DEMO:
            from app.simulator.seed import DEMO_SUPPLIER_SIRET

            own_siret = DEMO_SUPPLIER_SIRET
        return prefill(
            path,
            own_siret=own_siret,
            progress=progress,
            cancelled=cancelled,
            ocr=self._ocr,
        )

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
        env = account.environment if account else (environment or self.account_status().effective)
        try:
            if account is not None and env is not Environment.DEMO:
                siret = account.supplier_siret
                problems = self.validate_account(self._with_stored_secrets(account))
                if problems:
                    raise ValidationProblem("\n".join(problems))
            else:
                siret = self.supplier_siret(env)
            client = self.chorus_client(env, account)
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
                f"Il expire dans {max(days, 0)} jour(s) : pensez à le renouveler dans Chorus Pro."
                if days >= 0
                else "Il a expiré : renouvelez-le dans Chorus Pro.",
            )


def _engagement_required(client: ChorusClient, found: StructureTrouvee, service: Service) -> bool:
    """``consulter/service`` says whether this (active) service needs an engagement."""
    if service.id_service is None or not service.active:
        return False
    parametres = client.consulter_service(found.idStructureCPP, service.id_service).parametres
    return bool(parametres and parametres.numeroEngagement)
