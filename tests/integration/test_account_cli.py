"""``bordereau account set|show|test`` in real subprocesses, against the simulator on loopback."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.simulator.seed import DEMO_SUPPLIER_SIRET
from app.simulator.server import Simulator, SimulatorConfig

SECRET = "piste-secret-Zx81q"
PASSWORD = "tech-password-Qm27k"
SUPPLIER = DEMO_SUPPLIER_SIRET


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    config = SimulatorConfig(
        client_id="client-42",
        client_secret=SECRET,
        login="TECH_1_42@cpro.fr",
        password=PASSWORD,
        supplier_siret=SUPPLIER,
    )
    with Simulator(config) as running:
        yield running


def run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, *args], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def configure(
    cmd: list[str], env: dict[str, str], simulator: Simulator, password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = {**env, "BORDEREAU_CLIENT_SECRET": SECRET, "BORDEREAU_TECHNICAL_PASSWORD": password}
    return run(
        cmd,
        env,
        "account",
        "set",
        "--environment",
        "custom",
        "--api-url",
        simulator.base_url,
        "--token-url",
        simulator.token_url,
        "--client-id",
        "client-42",
        "--login",
        "TECH_1_42@cpro.fr",
        "--supplier-siret",
        SUPPLIER,
    )


def test_set_show_test_round_trip(
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    result = configure(bordereau_cmd, subprocess_env, simulator)
    assert result.returncode == 0, result.stderr
    assert "Compte enregistré" in result.stdout

    shown = run(bordereau_cmd, subprocess_env, "account", "show", "--json")
    data = json.loads(shown.stdout)
    assert data["environment"] == "custom" and data["mode"] == "custom"
    assert data["client_id"] == "client-42" and data["login"] == "TECH_1_42@cpro.fr"
    assert data["secrets_stored"] is True and data["supplier_siret"] == SUPPLIER

    tested = run(bordereau_cmd, subprocess_env, "account", "test")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "Connexion réussie." in tested.stdout
    assert "Structure trouvée" in tested.stdout

    # Secrets never land in the settings file, the database, the logs or the output.
    everything = [
        shown.stdout,
        shown.stderr,
        tested.stdout,
        tested.stderr,
        result.stdout,
        result.stderr,
    ]
    for path in isolated_environment.rglob("*"):
        if path.is_file():
            everything.append(path.read_bytes().decode("utf-8", errors="replace"))
    blob = "\n".join(everything)
    assert SECRET not in blob and PASSWORD not in blob


def test_wrong_password_says_what_to_do(
    simulator: Simulator, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    assert (
        configure(
            bordereau_cmd, subprocess_env, simulator, password="mauvais-mot-de-passe"
        ).returncode
        == 0
    )
    tested = run(bordereau_cmd, subprocess_env, "account", "test", "--json")
    assert tested.returncode == 1
    report = json.loads(tested.stdout)
    assert report["ok"] is False
    assert any(
        "compte technique" in check["message"] and "expire" in check["message"]
        for check in report["checks"]
    )
    assert "mauvais-mot-de-passe" not in tested.stdout + tested.stderr


def test_wrong_siret_is_refused_in_french(
    simulator: Simulator, bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    env = {
        **subprocess_env,
        "BORDEREAU_CLIENT_SECRET": SECRET,
        "BORDEREAU_TECHNICAL_PASSWORD": PASSWORD,
    }
    result = run(
        bordereau_cmd,
        env,
        "account",
        "set",
        "--environment",
        "qualification",
        "--client-id",
        "c",
        "--login",
        "l",
        "--supplier-siret",
        "12345678901234",
    )
    assert result.returncode == 2
    assert "clé de contrôle" in result.stderr


def test_unknown_platform_answers_unavailable(
    bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    env = {
        **subprocess_env,
        "BORDEREAU_CLIENT_SECRET": SECRET,
        "BORDEREAU_TECHNICAL_PASSWORD": PASSWORD,
    }
    assert (
        run(
            bordereau_cmd,
            env,
            "account",
            "set",
            "--environment",
            "custom",
            "--api-url",
            "http://127.0.0.1:9",
            "--token-url",
            "http://127.0.0.1:9/api/oauth/token",
            "--client-id",
            "c",
            "--login",
            "l",
            "--supplier-siret",
            SUPPLIER,
        ).returncode
        == 0
    )
    tested = run(bordereau_cmd, env, "account", "test")
    assert tested.returncode == 1
    assert "PISTE ne répond pas" in tested.stdout


def test_without_keyring_backend_the_app_says_so(
    bordereau_cmd: list[str], subprocess_env: dict[str, str]
) -> None:
    env = {
        **subprocess_env,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "BORDEREAU_CLIENT_SECRET": SECRET,
        "BORDEREAU_TECHNICAL_PASSWORD": PASSWORD,
    }
    result = run(
        bordereau_cmd,
        env,
        "account",
        "set",
        "--environment",
        "production",
        "--client-id",
        "c",
        "--login",
        "l",
        "--supplier-siret",
        SUPPLIER,
    )
    assert result.returncode == 2
    assert "Aucun trousseau" in result.stderr
    shown = run(bordereau_cmd, env, "account", "show")
    assert "Démonstration" in shown.stdout
    demo_test = run(bordereau_cmd, env, "account", "test")
    assert demo_test.returncode == 0, demo_test.stdout


def test_version_and_gui_exit_when_ready(
    bordereau_cmd: list[str], subprocess_env: dict[str, str], isolated_environment: Path
) -> None:
    version = run(bordereau_cmd, subprocess_env, "--version")
    assert version.stdout.startswith("Bordereau ")
    started = run(
        bordereau_cmd,
        subprocess_env,
        "--data-dir",
        str(isolated_environment),
        "gui",
        "--exit-when-ready",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("ready ")
    assert (isolated_environment / "data" / "bordereau.sqlite3").exists()
