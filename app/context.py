"""The composition root: what every use case shares. Paths, settings, the credentials, the
database (opened and upgraded on first use), the Chorus Pro client for the effective
account, the embedded demo platform, the local directory, the outbox and the OCR pool.

Parts are built lazily, behind a lock, since background workers share the context.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.credentials import Credentials, CredentialStore
from app.domain.environments import PISTE_ENDPOINTS, Endpoints, Environment
from app.errors import BordereauError, ValidationProblem
from app.paths import AppPaths, resolve_database_url
from app.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:
    from app.chorus.client import ChorusClient
    from app.db.backups import Backup
    from app.db.engine import Database
    from app.db.guard import KnownDatabase
    from app.db.migrate import MigrationResult
    from app.deposit.outbox import Outbox
    from app.deposit.supplier import SupplierProfile
    from app.directory.store import DirectoryStore
    from app.invoicing.recovery import RestoreReport
    from app.prefill.engine import OcrPool
    from app.simulator.pa import PaSimulator
    from app.simulator.server import Simulator

log = logging.getLogger(__name__)
# Above this size, the database's check at opening runs in the background (about 1.5 GB/s
# from the page cache, bench/issued_records.py), awaited before the first issue.
BACKGROUND_CHECK_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AccountStatus:
    environment: Environment  # what the settings ask for
    effective: Environment  # what is used: demo when the account is incomplete
    supplier_siret: str | None
    client_id: str | None
    login: str | None
    has_secrets: bool
    # the keyring is detected when first asked (about 0.1 s): never before the first frame
    credentials: CredentialStore = field(repr=False, compare=False)
    secrets_problem: str | None = None  # the keyring answered, but not with the secrets
    api_url: str | None = None
    token_url: str | None = None
    iban: str | None = None
    bic: str | None = None

    @property
    def mode_label(self) -> str:
        return self.effective.label

    @property
    def keyring_problem(self) -> str | None:
        return self.credentials.backend_problem() or self.secrets_problem

    @property
    def keyring_description(self) -> str:
        return self.credentials.backend_description()


@dataclass(frozen=True, slots=True)
class AccountInput:
    """The account as typed in the account dialog or on the command line."""

    environment: Environment
    supplier_siret: str
    client_id: str = ""
    client_secret: str = ""
    login: str = ""
    password: str = ""
    api_url: str | None = None
    token_url: str | None = None
    iban: str = ""  # the structure's bank account, written in a Factur-X paid by transfer
    bic: str = ""


class AppContext:
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
        self._known_database: KnownDatabase | None = None
        self.database_identity: str | None = None  # app/db/guard.py
        self.database_damage: str | None = None  # what quick_check found, in French
        self._integrity_check: threading.Thread | None = None  # a large database's
        self._demo: Simulator | None = None
        self._demo_pa: PaSimulator | None = None
        self._ocr: OcrPool | None = None
        self._directory: DirectoryStore | None = None
        self._lock = threading.RLock()
        self._supplier_profiles: dict[Environment, SupplierProfile] = {}
        self.flux_wait_seconds = 90.0  # how long a send follows a Factur-X flux's integration

    # --- settings and storage ------------------------------------------------------------------

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)

    def _make_database(self) -> Database:
        """The database object — never before the guard has checked that a database which
        issued invoices is still there (opening a SQLite file creates it)."""
        from app.db.engine import Database
        from app.db.guard import check_before_opening

        if self._database is None:
            self._known_database = check_before_opening(
                self.paths.config_dir, self.database_url, self.paths.backups_dir
            )
            self._database = Database(self.database_url)
        return self._database

    def open_database(self) -> MigrationResult:
        """Check, create or upgrade the database (a backup is taken before any upgrade): a
        damaged SQLite file is opened read-only, one that is not the database this
        workstation issued invoices into is refused (``app/db/guard.py``)."""
        from app.db.migrate import upgrade_database

        with self._lock:
            self.paths.ensure()
            database = self._make_database()
            self.database_damage = self._damage_now_or_soon(database)
            if self.database_damage is None:
                result = upgrade_database(database, self.paths.backups_dir)
            else:
                from app.db.migrate import MigrationResult

                revision = self._readable_revision(database)
                result = MigrationResult(revision, revision or "", None)
                database.read_only = True
            self._guard(database)
            if self.database_damage is None:
                self._share_account(database)
                self._keep_archive(database)
            self._database_ready = True
            return result

    def _damage_now_or_soon(self, database: Database) -> str | None:
        """SQLite's quick_check: at once on a database of usual size (about 0.1 s for
        150 MB); on a larger one in the background, awaited before the first issue."""
        file = database.file
        if file is None or not file.exists() or file.stat().st_size == 0:
            return None
        if file.stat().st_size <= BACKGROUND_CHECK_BYTES:
            return self._damage(database)

        def check() -> None:
            found = self._damage(database)
            if found is not None:
                self.database_damage = found
                database.read_only = True

        self._integrity_check = threading.Thread(target=check, name="quick-check", daemon=True)
        self._integrity_check.start()
        return None

    def _damage(self, database: Database) -> str | None:
        """SQLite's check of every page, then the issued PDFs against their sha256 (inside
        a stored file, damage is invisible to SQLite)."""
        from app.db.integrity import damage_of, damaged_message

        file = database.file
        assert file is not None
        found = damage_of(file)
        if found is None:
            found = self._altered_pdfs(database)
        if found is None:
            return None
        log.error("Base de données endommagée (%s) : %s", file, found)
        return damaged_message(file, self.paths.backups_dir)

    @staticmethod
    def _altered_pdfs(database: Database) -> str | None:
        from sqlalchemy import inspect
        from sqlalchemy.exc import SQLAlchemyError

        from app.invoicing.keeping import altered_pdfs

        try:
            with database.engine.connect() as connection:
                if not inspect(connection).has_table("written_invoices"):
                    return None  # new, or from before invoices were written here
            altered = altered_pdfs(database)
        except SQLAlchemyError as exc:  # unreadable here: damaged all the same
            return str(exc)
        if not altered:
            return None
        return "PDF émis altérés : " + ", ".join(altered[:10])

    def _readable_revision(self, database: Database) -> str | None:
        from sqlalchemy.exc import SQLAlchemyError

        from app.db.integrity import DatabaseDamagedError
        from app.db.migrate import current_revision

        try:
            return current_revision(database)
        except SQLAlchemyError as exc:
            raise DatabaseDamagedError(self.database_damage or str(exc)) from exc

    def _guard(self, database: Database) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from app.db.guard import check_opened

        try:
            known = check_opened(
                self.paths.config_dir, database, self._known_database, self.paths.backups_dir
            )
        except SQLAlchemyError as exc:
            from app.db.errors import database_error

            raise database_error(exc, self.database_url) from exc
        self.database_identity = known.database_id

    def _keep_archive(self, database: Database) -> None:
        """Issued invoices whose archive copy a kill prevented get it now."""
        from app.invoicing.keeping import archive_missing

        try:
            archive_missing(database, self.paths.archive_dir)
        except OSError:
            log.warning("Archives des factures émises incomplètes", exc_info=True)

    # --- backups ----------------------------------------------------------------------------

    @property
    def backups_dir(self) -> Path:
        """Where the database's copies go: the folder the user chose, or the data folder's."""
        chosen = self.settings.backup_dir
        return Path(chosen).expanduser() if chosen else self.paths.backups_dir

    def set_backups_dir(self, folder: Path) -> None:
        """Put the automatic copies in ``folder`` (another disk, a synchronised folder): it
        must be writable, and the copies already taken move with the next backup."""
        from app.errors import ValidationProblem

        folder = folder.expanduser().resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".bordereau-essai"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            from app.invoicing.export import os_reason

            raise ValidationProblem(
                f"Les sauvegardes ne peuvent pas aller dans {folder} ({os_reason(exc)})."
            ) from exc
        self.settings.backup_dir = str(folder)
        self.save_settings()

    def daily_backup(self) -> Path | None:
        """Today's automatic copy of a SQLite database, when none was taken in the last day."""
        from app.db.backups import backup_due, take_backup

        file = self.database.file
        if file is None or self.database_damage is not None or not backup_due(self.backups_dir):
            return None
        return take_backup(file, self.backups_dir)

    def backups(self) -> list[Backup]:
        from app.db.backups import list_backups

        return list_backups(self.backups_dir)

    def restore_backup(self, backup: Path | None) -> RestoreReport:
        """Put ``backup`` (None: nothing but the archives) in place of the SQLite database,
        then take back from the archive every invoice issued since; the database is closed
        for it and opened again."""
        from app.invoicing.recovery import restore_database

        with self._lock:
            if self._database is not None:
                self._database.dispose()
            self._database = None
            self._database_ready = False
            report = restore_database(
                backup,
                database_url=self.database_url,
                backups_dir=self.backups_dir,
                archive_root=self.paths.archive_dir,
                config_dir=self.paths.config_dir,
            )
            self.open_database()
            return report

    def require_writable(self) -> None:
        """Refuse, with the way out, what would write into a damaged database."""
        database = self.database
        if self._integrity_check is not None:
            self._integrity_check.join()
        if self.database_damage is not None or database.read_only:
            from app.db.integrity import DatabaseDamagedError

            raise DatabaseDamagedError(self.database_damage or "La base est en lecture seule.")

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
        from app.db.migrate import upgrade_notice

        with self._lock:
            return upgrade_notice(self._make_database())

    @property
    def database(self) -> Database:
        if not self._database_ready:
            self.open_database()
        assert self._database is not None
        return self._database

    @property
    def directory(self) -> DirectoryStore:
        """The local copy of the public structures' directory (a SQLite file of its own)."""
        with self._lock:
            if self._directory is None:
                from app.directory.store import DirectoryStore

                self._directory = DirectoryStore(self.paths.directory_file)
            return self._directory

    def ocr_pool(self) -> OcrPool:
        with self._lock:
            if self._ocr is None:
                from app.prefill.engine import OcrPool

                self._ocr = OcrPool()
            return self._ocr

    def outbox(self) -> Outbox:
        from app.deposit.outbox import Outbox

        return Outbox(
            self.database,
            self.paths.attachments_dir,
            self.account_status().effective.value,
            flux_wait_seconds=self.flux_wait_seconds,
        )

    def close(self) -> None:
        with self._lock:
            if self._directory is not None:
                self._directory.close()
                self._directory = None
            if self._ocr is not None:
                self._ocr.close()
                self._ocr = None
            if self._demo is not None:
                self._demo.stop()
                self._demo = None
            if self._demo_pa is not None:
                self._demo_pa.stop()
                self._demo_pa = None
            if self._database is not None:
                self._database.dispose()
                self._database = None
                self._database_ready = False
                self._known_database = None

    # --- the account ---------------------------------------------------------------------------

    def account_status(self) -> AccountStatus:
        """The account configured and the one in use (demo while it is incomplete); cheap
        enough for the window's debounced checks (the keyring is read once a minute)."""
        if not self._database_ready:  # the office's account is in the shared database
            try:
                self.open_database()
            except BordereauError as exc:
                log.warning("Compte du bureau illisible, réglages du poste utilisés : %s", exc)
        environment = self.settings.environment
        problem = None
        client_id = login = None
        has_secrets = False
        if environment is not Environment.DEMO and self.credentials.backend_problem() is None:
            try:
                summary = self.credentials.summary(environment)
                client_id, login, has_secrets = (
                    summary.client_id,
                    summary.login,
                    summary.has_secrets,
                )
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
            credentials=self.credentials,
            secrets_problem=problem,
            api_url=self.settings.api_url,
            token_url=self.settings.token_url,
            iban=self.settings.supplier_iban,
            bic=self.settings.supplier_bic,
        )

    def supplier_siret(self, environment: Environment) -> str:
        if environment is Environment.DEMO:
            return self.demo_platform().state.config.supplier_siret
        if not self.settings.supplier_siret:
            raise ValidationProblem(
                "Renseignez le SIRET de votre structure (Compte › Compte Chorus Pro)."
            )
        return self.settings.supplier_siret

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

    def known_supplier_profile(self, environment: Environment) -> SupplierProfile | None:
        """The profile already asked this session, without asking again (no network)."""
        return self._supplier_profiles.get(environment)

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
            self._remember_seller(cached)
        return cached

    def _remember_seller(self, profile: SupplierProfile) -> None:
        """Keep the name and VAT number Chorus Pro gives the structure, for a Factur-X
        written while it cannot be asked."""
        if (self.settings.supplier_name, self.settings.supplier_vat) == (
            profile.name,
            profile.vat_number,
        ):
            return
        self.settings.supplier_name = profile.name
        self.settings.supplier_vat = profile.vat_number
        try:
            self.save_settings()
        except OSError:
            log.warning("Nom de la structure non enregistré", exc_info=True)

    # --- the platform --------------------------------------------------------------------------

    def demo_platform(self) -> Simulator:
        """The embedded simulator, started on first use, on a free loopback port."""
        with self._lock:
            if self._demo is None:
                from app.simulator.server import Simulator, SimulatorConfig

                state_file = self.paths.simulator_state_file
                fresh = not state_file.exists()
                # the demo integrates a flux in a few seconds, as a quiet Chorus Pro does
                config = SimulatorConfig(state_file=state_file, flux_settle_seconds=4.0)
                self._demo = Simulator(config)
                if fresh and self.settings.demo_sample:
                    from app.simulator.demo_account import seed_demo_account

                    with self._demo.state.lock:
                        seed_demo_account(self._demo.state)
                        self._demo.state.save_if_dirty()
                self._demo.start()
                log.info("Simulateur de démonstration démarré sur %s", self._demo.base_url)
            return self._demo

    def demo_pa(self) -> PaSimulator:
        """The demo Plateforme Agréée, started on first use on a free loopback port, with a
        directory that knows the demo supplier, the demo companies, and one company that
        cannot be reached."""
        with self._lock:
            if self._demo_pa is None:
                from app.simulator.pa import (
                    PaConfig,
                    PaSimulator,
                    seed_demo_directory,
                    seed_demo_incoming,
                )
                from app.simulator.pa_lifecycle import DEMO_SCHEDULE

                self._demo_pa = PaSimulator(
                    PaConfig(
                        state_file=self.paths.platform_simulator_state_file,
                        lifecycle_schedule=DEMO_SCHEDULE,
                    )
                )
                seed_demo_directory(self._demo_pa.state)
                seed_demo_incoming(self._demo_pa.state)
                self._demo_pa.start()
                log.info("Plateforme agréée de démonstration sur %s", self._demo_pa.base_url)
            return self._demo_pa

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
