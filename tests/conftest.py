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

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SWAGGER_DIR = REPO_ROOT / "tests" / "fixtures" / "chorus-api"  # copies of the official files
# Three text invoices of ../shared/corpus/dev, copied so that a clean clone tests on its own.
CORPUS_SAMPLES = REPO_ROOT / "tests" / "fixtures" / "corpus"
TEST_KEYRING = "tests.support.file_keyring.JsonFileKeyring"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
def services(isolated_environment: Path) -> Iterator[Services]:
    """The application facade on the isolated data dir (demo mode: the embedded simulator)."""
    services = Services(resolve_paths(isolated_environment))
    services.open_database()
    yield services
    services.close()


@pytest.fixture
def subprocess_env(isolated_environment: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


@pytest.fixture
def bordereau_cmd() -> list[str]:
    return [sys.executable, "-m", "app"]
