"""The only place secrets live: the OS keyring, through ``keyring``.

Never a plaintext fallback: without a usable backend the user is told so, and demo mode keeps
working. Values read or written here are registered with the log redactor.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.environments import Environment
from app.errors import KeyringError, KeyringUnavailableError
from app.logging_setup import register_account_secret, register_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE_NAME = "Bordereau Chorus Pro"
PLATFORM_SERVICE_NAME = "Bordereau Plateforme agréée"
_FIELDS = ("client_id", "client_secret", "login", "password")

NO_BACKEND_MESSAGE = (
    "Aucun trousseau de mots de passe n'est disponible sur cet ordinateur, et Bordereau "
    "ne garde jamais vos identifiants en clair. Le mode démonstration reste utilisable. "
    "Pour vous connecter à Chorus Pro, installez ou déverrouillez le trousseau du système "
    "(GNOME Keyring ou KWallet sous Linux ; il est intégré à Windows et macOS)."
)


@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str  # PISTE application
    client_secret: str
    login: str  # Chorus Pro technical account
    password: str

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, login={self.login!r}, secrets=«masqués»)"

    __str__ = __repr__


# What each system calls its keyring, as its users know it.
BACKEND_NAMES = {
    "keyring.backends.Windows.WinVaultKeyring": "Gestionnaire d'identification Windows",
    "keyring.backends.macOS.Keyring": "Trousseau d'accès macOS",
    "keyring.backends.SecretService.Keyring": "Secret Service (trousseau GNOME, KeePassXC…)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet (KDE)",
}


def _is_unusable(backend: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return True
    if type(backend).__module__.endswith("null"):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not backend.backends


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """What the keyring holds for one environment, without the secrets."""

    client_id: str | None
    login: str | None
    has_secrets: bool


class CredentialStore:
    """Stores the PISTE client and the technical account per environment."""

    # How long what the keyring says about an account is reused: the window asks for the
    # account's state at every debounced check, and a keyring read can take a D-Bus round
    # trip. Writes through this store forget it at once; another process's after this long.
    SUMMARY_LIFETIME = 60.0

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._summaries: dict[Environment, tuple[float, AccountSummary]] = {}

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        if _is_unusable(self._backend):
            raise KeyringUnavailableError(NO_BACKEND_MESSAGE)
        return self._backend

    def backend_problem(self) -> str | None:
        """A French sentence when no keyring can be used, else None."""
        try:
            self._keyring()
        except KeyringUnavailableError as exc:
            return exc.message
        return None

    def backend_description(self) -> str:
        try:
            backend = self._keyring()
        except KeyringUnavailableError:
            return "aucun trousseau disponible"
        kind = f"{type(backend).__module__}.{type(backend).__name__}"
        name = BACKEND_NAMES.get(kind) or getattr(backend, "name", type(backend).__name__)
        return f"trousseau du système ({name})"

    @staticmethod
    def _key(environment: Environment, field: str) -> str:
        return f"{environment.value}:{field}"

    def _call(self, action: str, func: Any, *args: Any) -> Any:
        from keyring.errors import KeyringError as BackendError

        backend = self._keyring()
        with self._lock:
            try:
                return func(backend, *args)
            except BackendError as exc:
                log.warning("Trousseau : échec de %s (%s)", action, type(exc).__name__)
                raise KeyringError(
                    "Le trousseau de mots de passe a refusé l'opération "
                    f"({action}). Déverrouillez-le puis réessayez."
                ) from exc

    def load(self, environment: Environment) -> Credentials | None:
        values = {
            field: self._call(
                "lecture",
                lambda b, k: b.get_password(SERVICE_NAME, k),
                self._key(environment, field),
            )
            for field in _FIELDS
        }
        if not all(values.values()):
            return None
        credentials = Credentials(**values)
        register_secret(credentials.client_secret)
        register_account_secret(credentials.login, credentials.password)
        return credentials

    def load_identifiers(self, environment: Environment) -> tuple[str | None, str | None]:
        """The non-secret half (client id, login), for display."""
        client_id = self._call(
            "lecture",
            lambda b, k: b.get_password(SERVICE_NAME, k),
            self._key(environment, "client_id"),
        )
        login = self._call(
            "lecture",
            lambda b, k: b.get_password(SERVICE_NAME, k),
            self._key(environment, "login"),
        )
        return client_id, login

    def has_credentials(self, environment: Environment) -> bool:
        try:
            return self.load(environment) is not None
        except (KeyringUnavailableError, KeyringError):
            return False

    def summary(self, environment: Environment) -> AccountSummary:
        """Client id, login, and whether the secrets are all there: read at most once a
        minute (raises like :meth:`load_identifiers`)."""
        now = time.monotonic()
        cached = self._summaries.get(environment)
        if cached is not None and now - cached[0] < self.SUMMARY_LIFETIME:
            return cached[1]
        client_id, login = self.load_identifiers(environment)
        summary = AccountSummary(client_id, login, self.has_credentials(environment))
        self._summaries[environment] = (now, summary)
        return summary

    def save(self, environment: Environment, credentials: Credentials) -> None:
        self._summaries.pop(environment, None)
        register_secret(credentials.client_secret)
        register_account_secret(credentials.login, credentials.password)
        for field in _FIELDS:
            self._call(
                "enregistrement",
                lambda b, k, v: b.set_password(SERVICE_NAME, k, v),
                self._key(environment, field),
                getattr(credentials, field),
            )

    def load_platform_secret(self, client_id: str) -> str | None:
        """The client secret of the Plateforme Agréée's OAuth2 client ``client_id``."""
        secret: str | None = self._call(
            "lecture", lambda b, k: b.get_password(PLATFORM_SERVICE_NAME, k), f"pa:{client_id}"
        )
        if secret:
            register_secret(secret)
        return secret

    def save_platform_secret(self, client_id: str, secret: str) -> None:
        register_secret(secret)
        self._call(
            "enregistrement",
            lambda b, k, v: b.set_password(PLATFORM_SERVICE_NAME, k, v),
            f"pa:{client_id}",
            secret,
        )

    def delete(self, environment: Environment) -> None:
        from keyring.errors import PasswordDeleteError

        self._summaries.pop(environment, None)

        for field in _FIELDS:
            try:
                self._call(
                    "suppression",
                    lambda b, k: b.delete_password(SERVICE_NAME, k),
                    self._key(environment, field),
                )
            except KeyringError as exc:
                if not isinstance(exc.__cause__, PasswordDeleteError):
                    raise
