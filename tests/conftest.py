"""Shared fixtures: every test gets its own data dir and a test keyring."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.paths import resolve_paths
from app.services import Services
from tests.support.file_keyring import ENV as KEYRING_FILE_ENV
from tests.support.file_keyring import JsonFileKeyring
from tests.support.postgres import PostgresServer, running_server

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SWAGGER_DIR = REPO_ROOT / "app" / "simulator" / "swagger"  # copies of the official files
# Three text invoices of ../shared/corpus/dev, copied so that a clean clone tests on its own.
CORPUS_SAMPLES = REPO_ROOT / "tests" / "fixtures" / "corpus"
TEST_KEYRING = "tests.support.file_keyring.JsonFileKeyring"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_databases`` run once on SQLite and once on PostgreSQL."""
    if "db_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run (started only if a test needs it)."""
    with running_server() as server:
        yield server


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database_url(db_backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None (the SQLite file in the data dir) or a fresh PostgreSQL database."""
    if db_backend != "postgresql":
        yield None
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    with server.database() as url:
        yield url


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data dir and an empty test keyring; no real keyring, no user settings."""
    data_dir = tmp_path / "bordereau-data"
    monkeypatch.setenv("BORDEREAU_DATA_DIR", str(data_dir))
    monkeypatch.delenv("BORDEREAU_DATABASE_URL", raising=False)
    monkeypatch.setenv(KEYRING_FILE_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", TEST_KEYRING)
    # Tests start from an empty platform; those about the demo account turn it back on.
    settings_file = resolve_paths(data_dir).settings_file
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text('{"demo_sample": false}', encoding="utf-8")
    previous = keyring.get_keyring()
    keyring.set_keyring(JsonFileKeyring())
    yield data_dir
    keyring.set_keyring(previous)


@pytest.fixture
def services(isolated_environment: Path, database_url: str | None) -> Iterator[Services]:
    """The application facade on the isolated data dir (demo mode: the embedded simulator),
    on SQLite, or on PostgreSQL for tests marked ``both_databases``."""
    services = Services(resolve_paths(isolated_environment), database_url=database_url)
    services.context.open_database()
    yield services
    services.close()


@pytest.fixture
def subprocess_env(isolated_environment: Path, database_url: str | None) -> dict[str, str]:
    """The environment of a ``bordereau`` subprocess: same data dir, same database."""
    env = dict(os.environ)
    if database_url is not None:
        env["BORDEREAU_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


@pytest.fixture
def bordereau_cmd() -> list[str]:
    return [sys.executable, "-m", "ui"]
