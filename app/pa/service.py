"""The user's Plateforme Agréée: its connection (a name, the Flow and Directory URLs, the
OAuth2 client id in the settings, the secret in the keyring only), the client for it — the
demo PA when none is connected — and « Tester la connexion »: health check, token, and the
user's own SIREN looked up in the directory."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.errors import BordereauError, ValidationProblem

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.context import AppContext
    from app.deposit.outbox import DepositOutcome
    from app.invoicing.storage import IssuedInvoice
    from app.pa.channel import StatusSent
    from app.pa.client import PaClient
    from app.pa.lifecycle_sync import LifecycleReport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlatformConnection:
    name: str
    flow_url: str
    directory_url: str
    token_url: str
    client_id: str


@dataclass(frozen=True, slots=True)
class PlatformTest:
    """What « Tester la connexion » found, step by step; ``failed`` names the step."""

    platform: str
    demo: bool
    health: bool = False
    token: bool = False
    own_siren: str | None = None
    directory_status: str | None = None  # Enabled, Disabled, Upcoming; None: unknown
    failed: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.failed is None

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def _check_url(url: str, what: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValidationProblem(
            f"L'adresse {what} doit commencer par https:// (reçu : « {url[:60]} »)."
        )
    return url


class PlatformService:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    def connection(self) -> PlatformConnection | None:
        settings = self.context.settings
        values = (
            settings.pa_name,
            settings.pa_flow_url,
            settings.pa_directory_url,
            settings.pa_token_url,
            settings.pa_client_id,
        )
        if not all(values):
            return None
        return PlatformConnection(*values)  # type: ignore[arg-type]

    def configure(self, connection: PlatformConnection, secret: str | None) -> PlatformConnection:
        """Keep the connection (the secret in the keyring, nowhere else; None: the one kept
        for this client id)."""
        if not connection.name.strip():
            raise ValidationProblem("Donnez le nom de votre plateforme agréée.")
        if not connection.client_id.strip():
            raise ValidationProblem("L'identifiant client (client_id) est obligatoire.")
        if secret is None:
            secret = self.context.credentials.load_platform_secret(connection.client_id.strip())
        if not secret:
            raise ValidationProblem("Le secret client (client_secret) est obligatoire.")
        checked = PlatformConnection(
            connection.name.strip(),
            _check_url(connection.flow_url, "du service des flux"),
            _check_url(connection.directory_url, "de l'annuaire"),
            _check_url(connection.token_url, "du jeton"),
            connection.client_id.strip(),
        )
        self.context.credentials.save_platform_secret(checked.client_id, secret)
        settings = self.context.settings
        settings.pa_name = checked.name
        settings.pa_flow_url = checked.flow_url
        settings.pa_directory_url = checked.directory_url
        settings.pa_token_url = checked.token_url
        settings.pa_client_id = checked.client_id
        self.context.save_settings()
        return checked

    def forget(self) -> None:
        """Back to the demonstration platform (the secret stays in the keyring)."""
        settings = self.context.settings
        settings.pa_name = settings.pa_flow_url = settings.pa_directory_url = None
        settings.pa_token_url = settings.pa_client_id = None
        self.context.save_settings()

    def client(self) -> tuple[PaClient, str, bool]:
        """A client for the connected PA (or the demo one), its name, and whether it is the
        demo."""
        from app.pa.client import PaClient, PaEndpoints

        connection = self.connection()
        if connection is None:
            demo = self.context.demo_pa()
            config = demo.state.config
            endpoints = PaEndpoints(demo.flow_url, demo.directory_url, demo.token_url)
            return PaClient(endpoints, config.client_id, config.client_secret), DEMO_NAME, True
        secret = self.context.credentials.load_platform_secret(connection.client_id)
        if not secret:
            raise ValidationProblem(
                f"Le secret de la plateforme {connection.name} n'est pas dans le trousseau : "
                "reconnectez-la (Compte › Plateforme agréée, ou « bordereau pa set »)."
            )
        endpoints = PaEndpoints(connection.flow_url, connection.directory_url, connection.token_url)
        return PaClient(endpoints, connection.client_id, secret), connection.name, False

    def test(self) -> PlatformTest:
        """Health check, token, and the user's SIREN in the directory, in that order."""
        from app.pa.client import PaError

        client, name, demo = self.client()
        siren = self.own_siren()
        report = PlatformTest(name, demo, own_siren=siren)
        with client:
            try:
                healthy = client.health()
            except BordereauError as exc:
                return _failed(report, "santé", exc.message)
            report = _with(report, health=healthy)
            try:
                client.token()
            except PaError as exc:
                return _failed(report, "jeton", exc.message)
            report = _with(report, token=True)
            if siren is None:
                return _with(
                    report,
                    message="Connexion établie. Renseignez votre SIRET (profil de facturation) "
                    "pour vérifier l'annuaire.",
                )
            try:
                lines = client.directory_lines(siren=siren)
            except BordereauError as exc:
                return _failed(report, "annuaire", exc.message)
        status = next((line.status for line in lines if line.reachable), None) or (
            lines[0].status if lines else None
        )
        if status == "Enabled":
            message = f"Connexion établie : l'annuaire indique que {name} reçoit vos factures."
        elif status is None:
            message = (
                f"Connexion établie, mais l'annuaire ne connaît pas votre SIREN {siren} : "
                "demandez à votre plateforme de vous y inscrire."
            )
        else:
            message = (
                f"Connexion établie, mais votre ligne d'annuaire est « {status} » : vos "
                "clients ne peuvent pas encore vous adresser de factures électroniques."
            )
        return _with(report, directory_status=status, message=message)

    # --- the channel: invoices sent, their lifecycle ------------------------------------------

    def send_issued(
        self,
        issued: IssuedInvoice,
        pdf_name: str,
        progress: Callable[[str], None] | None = None,
    ) -> DepositOutcome:
        """The issued invoice to its company customer through the PA (``app/pa/channel.py``)."""
        from app.pa.channel import send_issued

        client, _name, _demo = self.client()
        with client:
            return send_issued(self.context.outbox(), client, issued, pdf_name, progress)

    def resume_outbox(self, progress: Callable[[str], None] | None = None) -> list[DepositOutcome]:
        """Send what waits for the PA (invoices, lifecycle messages)."""
        from app.deposit.states import PA_OPERATIONS
        from app.pa.channel import resume

        outbox = self.context.outbox()
        if not outbox.unfinished(PA_OPERATIONS):
            return []
        client, _name, _demo = self.client()
        with client:
            return resume(outbox, client, progress)

    def record_paid(
        self,
        number: str,
        paid_on: date | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> StatusSent:
        """« Encaissée » sent for the issued invoice ``number`` (``app/pa/channel.py``)."""
        from app.invoicing.storage import issued_invoice
        from app.pa.channel import record_paid

        issued = issued_invoice(self.context.database, number)
        client, _name, _demo = self.client()
        with client:
            return record_paid(self.context.outbox(), client, issued, paid_on, progress)

    def sync(self, progress: Callable[[str], None] | None = None) -> LifecycleReport | None:
        """The lifecycle of the invoices sent through the PA; None when none was ever sent."""
        from app.pa.lifecycle_sync import sync_lifecycle

        if not self.has_sent_invoices():
            return None
        self.resume_outbox(progress)
        environment = self.context.account_status().effective.value
        client, _name, _demo = self.client()
        with client:
            return sync_lifecycle(self.context.database, client, environment, progress)

    def has_sent_invoices(self) -> bool:
        from sqlalchemy import select

        from app.db import models

        with self.context.database.session() as session:
            return (
                session.scalar(
                    select(models.Invoice.id).where(models.Invoice.channel == "pa").limit(1)
                )
                is not None
            )

    def flow_id(self, invoice_id: int) -> str | None:
        from app.db import models

        with self.context.database.session() as session:
            row = session.get(models.Invoice, invoice_id)
            return row.pa_flow_id if row is not None else None

    def own_siren(self) -> str | None:
        """The user's SIREN: the account's SIRET, else the seller profile's, else the demo's."""
        siret = self.context.settings.supplier_siret
        if siret:
            return siret[:9]
        try:
            from app.db.shared import shared_setting
            from app.invoicing.service import PROFILE_SETTING

            profile = shared_setting(self.context.database, PROFILE_SETTING)
        except BordereauError:
            return None
        if isinstance(profile, dict) and profile.get("siret"):
            return str(profile["siret"])[:9]
        if self.connection() is None:  # the demo: the demo supplier
            from app.simulator.seed import DEMO_SUPPLIER_SIRET

            return DEMO_SUPPLIER_SIRET[:9]
        return None

    def own_name(self) -> str:
        """The user's name for the messages it sends (the seller profile's legal name)."""
        try:
            from app.db.shared import shared_setting
            from app.invoicing.service import PROFILE_SETTING

            profile = shared_setting(self.context.database, PROFILE_SETTING)
        except BordereauError:
            profile = None
        if isinstance(profile, dict) and profile.get("name"):
            return str(profile["name"])
        from app.simulator.seed import DEMO_SUPPLIER_NAME

        return DEMO_SUPPLIER_NAME if self.connection() is None else "Bordereau"


DEMO_NAME = "Plateforme agréée de démonstration"


def _with(report: PlatformTest, **changes: object) -> PlatformTest:
    from dataclasses import replace

    return replace(report, **changes)  # type: ignore[arg-type]


def _failed(report: PlatformTest, step: str, message: str) -> PlatformTest:
    log.warning("Test de la plateforme : échec à l'étape %s : %s", step, message)
    return _with(report, failed=step, message=message)
