"""The Linux installers, built for real and the frozen program smoke-tested (issue 9):
`packaging/build-linux` makes the PyInstaller bundle, the portable archive and the .deb;
the frozen program then runs with a temporary data dir."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.migrate import SCHEMA_HEAD
from app.simulator.seed import siret_for
from tests.conftest import REPO_ROOT
from tests.support.invoice_factory import write_fixtures

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
        reason="the Linux installers are built on Debian or Ubuntu",
    ),
]

BREST = siret_for(4, "2129")  # in the demo directory; CULTURE is one of its services
VERSION = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
DIST = REPO_ROOT / "build" / "dist"


@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    result = subprocess.run(
        [str(REPO_ROOT / "packaging" / "build-linux")],
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield DIST


@pytest.fixture
def frozen_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: the frozen program knows nothing of the test keyring."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BORDEREAU_", "PYTHON", "KEYRING"))
    }
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    return env


def run(program: Path, *args: str, env: dict[str, str], timeout: int = 180) -> str:
    result = subprocess.run(
        [str(program), *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_frozen_program_passes_the_release_smoke_test(built: Path) -> None:
    """The same script the release workflow runs on Windows and macOS (packaging/smoke.py)."""
    program = built / "bordereau" / "bordereau"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "packaging" / "smoke.py"), str(program)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    passed = [line for line in result.stdout.splitlines() if line.startswith("ok  ")]
    assert len(passed) == 11, result.stdout
    assert "ok  trousseau : " in result.stdout


def test_frozen_program_carries_its_data_and_says_what_is_missing(
    built: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    program = built / "bordereau" / "bordereau"
    data = tmp_path / "donnees"
    # Qt's own dialogs are French in the frozen app too; the simulator checks requests
    # against the swaggers it carries.
    bundle = built / "bordereau"
    assert any(bundle.rglob("qtbase_fr.qm")), "traductions françaises de Qt absentes"
    assert any(bundle.rglob("swagger-factures.json"))
    # without the French data, the worker's error crosses the frozen pool as a French notice
    samples = write_fixtures(tmp_path / "factures", count=1, scans=1, facturx=0, seed=7)
    scan = next(path for path in samples if path.stem.endswith("_scan"))
    (tmp_path / "tessdata_vide").mkdir()
    no_french = {**frozen_env, "TESSDATA_PREFIX": str(tmp_path / "tessdata_vide")}
    unread = json.loads(
        run(program, "--data-dir", str(data), "prefill", "--json", str(scan), env=no_french)
    )
    assert unread["warnings"][0].startswith("Lecture optique impossible : les données du français")
    assert unread["total_ttc"] is None


def test_frozen_program_upgrades_an_old_database(
    built: Path, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """Alembic's migration scripts ship in the bundle: a first-version database is upgraded."""
    program = built / "bordereau" / "bordereau"
    old = REPO_ROOT / "tests" / "fixtures" / "db" / "schema-0001.sqlite3"
    database = tmp_path / "ancienne.sqlite3"
    shutil.copy(old, database)
    run(
        program,
        "--data-dir",
        str(tmp_path / "donnees"),
        "--database-url",
        f"sqlite:///{database}",
        "gui",
        "--exit-when-ready",
        env=frozen_env,
    )
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            SCHEMA_HEAD,
        )
        assert connection.execute("SELECT count(*) FROM tickets").fetchone() == (0,)


def test_deb_and_portable_archive(built: Path, tmp_path: Path, frozen_env: dict[str, str]) -> None:
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    deb = built / f"bordereau_{VERSION}_{arch}.deb"
    depends = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    assert "tesseract-ocr-fra" in depends and "tesseract-ocr," in depends
    contents = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    for path in (
        "./usr/bin/bordereau -> /opt/bordereau/bordereau",
        "./usr/share/applications/bordereau.desktop",
        "./usr/share/icons/hicolor/scalable/apps/bordereau.svg",
        "./opt/bordereau/_internal/app/db/migrations/versions/0003_tickets.py",
    ):
        assert path in contents, path
    unpacked = tmp_path / "racine"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    entry = (unpacked / "usr/share/applications/bordereau.desktop").read_text("utf-8")
    assert "MimeType=application/pdf;" in entry and "Exec=bordereau gui %F" in entry
    program = unpacked / "opt" / "bordereau" / "bordereau"
    assert run(program, "--version", env=frozen_env).strip() == f"Bordereau {VERSION}"
    archive = built / f"bordereau-{VERSION}-linux-{arch}.tar.gz"
    listing = subprocess.run(
        ["tar", "-tzf", str(archive)], capture_output=True, text=True, check=True
    ).stdout
    assert "bordereau/bordereau\n" in listing
