"""A fuzz corpus of broken and hostile files, each through the real command: a French
message or a reading with its warnings, never a traceback, within 30 s and 500 MB."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.directory.store import DirectoryStore, remove_abandoned_imports
from app.paths import resolve_paths
from app.services import Services
from tests.support.bad_files import BAD_PDFS, BAD_XLSX
from tests.support.directory_export import write_export
from tests.support.measured import MARKER

LIMIT_SECONDS = 30  # a hard stop: a case still running then has failed
LIMIT_BYTES = 500 * 1024 * 1024

# What each broken PDF must give: a refusal naming the damage, or a reading (a scan).
EXPECTED_PDF = {
    "arbre_de_pages_en_boucle": "endommagé",
    "page_geante_sans_texte": None,
    "deux_cents_pages_geantes": None,
    "flux_bombe": None,
    "xref_en_boucle": "endommagé",
    "tronque_10": "endommagé",
    "tronque_50": "incomplet",
    "tronque_90": "incomplet",
    "entete_seule": "endommagé",
    "octets_au_hasard": "endommagé",
}
EXPECTED_XLSX = {
    "sans_feuille": "la feuille « Structures » manque",
    "chaines_partagees_par_millions": "est vide",
    "un_million_de_lignes_vides": "ne contient aucune structure",
    "pas_un_zip": "n'est pas un classeur XLSX lisible",
    "tronque": "n'est pas un classeur XLSX lisible",
}


def run_bounded(
    cmd: list[str], env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run a command under the corpus's bounds (time: a hard timeout; memory: the largest
    resident size of the command and of the processes it started, its OCR workers)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.measured", *cmd, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    stderr, _, measured = done.stderr.rpartition("\n" + MARKER)
    largest = int(measured)
    assert largest <= LIMIT_BYTES, f"{args}: {largest / 2**20:.0f} MiB"
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, stderr.lstrip())


def test_bad_pdfs_corpus_matches_the_expectations() -> None:
    assert set(EXPECTED_PDF) == set(BAD_PDFS)
    assert set(EXPECTED_XLSX) == set(BAD_XLSX)


@pytest.mark.parametrize("case", sorted(BAD_PDFS))
def test_bad_pdf_gets_a_french_answer(
    case: str, tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    pdf = tmp_path / f"{case}.pdf"
    pdf.write_bytes(BAD_PDFS[case]())
    done = run_bounded(bordereau_cmd, subprocess_env, "prefill", "--json", str(pdf))
    expected = EXPECTED_PDF[case]
    if expected is None:
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["scanned"] is True
        assert any("saisissez" in warning for warning in result["warnings"]), result
    else:
        assert done.returncode == 2, done.stdout
        assert done.stderr.startswith(f"bordereau : « {pdf.name} » "), done.stderr
        assert expected in done.stderr


def test_a_folder_named_like_a_pdf(
    tmp_path: Path, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    folder = tmp_path / "x.pdf"
    folder.mkdir()
    done = run_bounded(bordereau_cmd, subprocess_env, "prefill", str(folder))
    assert done.returncode == 2
    assert "« x.pdf » est un dossier, pas un fichier" in done.stderr


@pytest.mark.parametrize("case", sorted(BAD_XLSX))
def test_bad_directory_export_keeps_the_current_directory(
    case: str,
    tmp_path: Path,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    good = tmp_path / "bon.xlsx"
    write_export(good, structures=20, services=30)
    assert (
        run_bounded(bordereau_cmd, subprocess_env, "directory", "import", str(good)).returncode == 0
    )
    index = resolve_paths(isolated_environment).directory_file
    before = index.read_bytes()
    bad = tmp_path / f"{case}.xlsx"
    BAD_XLSX[case](bad)
    done = run_bounded(bordereau_cmd, subprocess_env, "directory", "import", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith("bordereau : ") and EXPECTED_XLSX[case] in done.stderr
    assert index.read_bytes() == before
    assert not list(index.parent.glob(".annuaire-*"))


def test_a_killed_import_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "annuaire"
    folder.mkdir()
    old = folder / ".annuaire-abc123.import"
    old.write_bytes(b"x" * 1000)
    running = folder / ".annuaire-def456.import"  # another process is importing right now
    running.write_bytes(b"y")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    DirectoryStore(folder / "annuaire.sqlite3")  # what the next start does
    assert not old.exists() and running.exists()
    assert remove_abandoned_imports(folder) == 0


def test_an_unreadable_last_sync_date_reads_everything_again(
    services: Services, isolated_environment: Path
) -> None:
    settings = resolve_paths(isolated_environment).settings_file
    settings.write_text(
        json.dumps({"demo_sample": False, "last_sync": {"demo": "29/13/2026"}}), "utf-8"
    )
    again = Services(resolve_paths(isolated_environment))
    again.context.open_database()
    try:
        report = again.sync.run()
        assert report.since is None
        assert again.sync.last_sync_day(again.account.status().effective) is not None
    finally:
        again.close()


def test_the_users_files_are_private(
    tmp_path: Path,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    good = tmp_path / "bon.xlsx"
    write_export(good, structures=5, services=5)
    assert (
        run_bounded(bordereau_cmd, subprocess_env, "directory", "import", str(good)).returncode == 0
    )
    gui = run_bounded(
        bordereau_cmd,
        {**subprocess_env, "QT_QPA_PLATFORM": "offscreen"},
        "gui",
        "--exit-when-ready",
    )
    assert gui.returncode == 0, gui.stderr
    paths = resolve_paths(isolated_environment)
    private = [
        paths.database_file,
        paths.directory_file,
        paths.log_dir / "bordereau.log",
        paths.crash_dir / "faulthandler.log",
    ]
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_simulator_takes_its_secrets_from_the_environment(
    bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    env = {
        **subprocess_env,
        "BORDEREAU_SIMULATEUR_CLIENT_SECRET": "secret-hors-de-ps",
        "BORDEREAU_SIMULATEUR_CLIENT_ID": "client-env",
    }
    with subprocess.Popen(
        [*bordereau_cmd, "simulator", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            token = httpx.post(
                base_url + "/api/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "client-env",
                    "client_secret": "secret-hors-de-ps",
                    "scope": "openid",
                },
                timeout=10,
            )
            assert token.status_code == 200, token.text
            assert "secret-hors-de-ps" not in " ".join(process.args)  # type: ignore[arg-type]
        finally:
            process.terminate()
