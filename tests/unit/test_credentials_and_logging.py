from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keyring.backends import fail

from app.crash import format_crash_report, write_crash_report
from app.credentials import Credentials, CredentialStore
from app.domain.environments import Environment
from app.errors import KeyringUnavailableError
from app.logging_setup import REDACTED, redact, register_account_secret, setup_logging
from tests.support.file_keyring import JsonFileKeyring

CREDS = Credentials("client-abc", "s3cr3t-client-value", "TECH_1_X@cpro.fr", "p4ssw0rd-tech-value")


def test_store_and_read_back_per_environment() -> None:
    store = CredentialStore(JsonFileKeyring())
    assert store.load(Environment.PRODUCTION) is None
    store.save(Environment.QUALIFICATION, CREDS)
    assert store.load(Environment.QUALIFICATION) == CREDS
    assert store.load(Environment.PRODUCTION) is None
    assert store.load_identifiers(Environment.QUALIFICATION) == ("client-abc", "TECH_1_X@cpro.fr")
    store.delete(Environment.QUALIFICATION)
    assert store.load(Environment.QUALIFICATION) is None


def test_no_backend_is_said_plainly_and_never_falls_back() -> None:
    store = CredentialStore(fail.Keyring())
    problem = store.backend_problem()
    assert problem is not None and "trousseau" in problem and "en clair" in problem
    with pytest.raises(KeyringUnavailableError):
        store.save(Environment.PRODUCTION, CREDS)
    assert not store.has_credentials(Environment.PRODUCTION)


def test_credentials_repr_hides_secrets() -> None:
    assert "s3cr3t" not in repr(CREDS) and "p4ssw0rd" not in str(CREDS)


def test_redaction_of_known_secrets_and_auth_headers() -> None:
    register_account_secret("TECH_1_X@cpro.fr", "p4ssw0rd-tech-value")
    text = redact(
        "password=p4ssw0rd-tech-value Authorization: Bearer abc.def-123 client_secret=zzz999"
    )
    assert "p4ssw0rd" not in text and "abc.def-123" not in text and "zzz999" not in text
    assert REDACTED in text


def test_log_file_never_contains_a_secret(tmp_path: Path) -> None:
    store = CredentialStore(JsonFileKeyring())
    store.save(Environment.PRODUCTION, CREDS)
    log_file = setup_logging(tmp_path / "logs")
    logging.getLogger("test").warning("échec avec %s et %s", CREDS.client_secret, CREDS.password)
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = log_file.read_text("utf-8")
    assert "échec avec" in content
    assert CREDS.client_secret not in content and CREDS.password not in content


def test_crash_report_is_redacted_and_written(tmp_path: Path) -> None:
    register_account_secret("TECH_1_X@cpro.fr", "p4ssw0rd-tech-value")
    try:
        raise RuntimeError("le mot de passe p4ssw0rd-tech-value a fui")
    except RuntimeError as exc:
        report = format_crash_report(type(exc), exc, exc.__traceback__)
    assert "RuntimeError" in report and "p4ssw0rd" not in report
    path = write_crash_report(report, tmp_path / "crash")
    assert path is not None and path.read_text("utf-8") == report


def test_the_account_summary_is_read_once_then_forgotten_on_each_write() -> None:
    """The window asks for the account's state at every debounced check: the keyring is read
    once, and a save or a delete through the store is seen at once."""

    class CountingKeyring(JsonFileKeyring):
        reads = 0

        def get_password(self, service: str, username: str) -> str | None:
            CountingKeyring.reads += 1
            return super().get_password(service, username)

    store = CredentialStore(CountingKeyring())
    store.save(Environment.QUALIFICATION, CREDS)
    first = store.summary(Environment.QUALIFICATION)
    reads = CountingKeyring.reads
    for _ in range(20):
        assert store.summary(Environment.QUALIFICATION) == first
    assert CountingKeyring.reads == reads
    assert (first.client_id, first.login, first.has_secrets) == (
        "client-abc",
        "TECH_1_X@cpro.fr",
        True,
    )
    store.delete(Environment.QUALIFICATION)
    assert store.summary(Environment.QUALIFICATION).has_secrets is False
