"""Kill ``bordereau deposit`` at random points, restart, and find every invoice exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.simulator.seed import DEMO_SUPPLIER_SIRET, siret_for
from app.simulator.server import Simulator, SimulatorConfig
from tests.support.chorus import admin, configure_account, unattended_deposit
from tests.support.invoice_factory import write_fixtures

BREST = siret_for(4, "2129")  # service or engagement; CULTURE is active
SECRET, PASSWORD = "crash-secret", "crash-password"


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    config = SimulatorConfig(
        client_id="crash",
        client_secret=SECRET,
        login="TECH_CRASH@cpro.fr",
        password=PASSWORD,
        supplier_siret=DEMO_SUPPLIER_SIRET,
    )
    with Simulator(config) as running:
        yield running


def _local_invoices(data_dir: Path) -> dict[str, tuple[str, int | None]]:
    with sqlite3.connect(data_dir / "data" / "bordereau.sqlite3") as connection:
        rows = connection.execute(
            "SELECT number, status, chorus_invoice_id FROM invoices"
        ).fetchall()
    numbers = [row[0] for row in rows]
    assert len(numbers) == len(set(numbers)), "an invoice was recorded twice locally"
    return {row[0]: (row[1], row[2]) for row in rows}


def _kill_deposits(
    tmp_path: Path, simulator: Simulator, cmd: list[str], env: dict[str, str], runs: int, seed: int
) -> dict[str, int]:
    rng = random.Random(seed)
    folder = tmp_path / "factures"
    pdfs = [p for p in write_fixtures(folder, count=runs, scans=0, facturx=0, seed=seed)]
    killed: dict[str, int] = {"before_end": 0, "finished": 0}
    # kills are spread over the time a whole deposit takes on this machine, measured on the
    # first one, so that most land mid-way however fast the machine and the imports are
    duration: float | None = None
    for pdf in pdfs:
        started = time.monotonic()
        process = subprocess.Popen(
            [*cmd, *unattended_deposit(pdf, BREST, "CULTURE")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        if duration is None:
            process.wait()
            duration = time.monotonic() - started
            killed["finished"] += 1
            continue
        time.sleep(rng.uniform(0.1, 1.3) * duration)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed["before_end"] += 1
        else:
            killed["finished"] += 1
        process.wait()
    return killed


def _restart_until_sent(cmd: list[str], env: dict[str, str]) -> None:
    for _attempt in range(5):
        done = subprocess.run(
            [*cmd, "outbox"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if done.returncode == 0:
            assert all(item["etat"] != "waiting" for item in json.loads(done.stdout))
            return
    pytest.fail(f"the outbox never emptied: {done.stdout} {done.stderr}")


def _assert_exactly_once(simulator: Simulator, data_dir: Path) -> int:
    local = _local_invoices(data_dir)
    with simulator.state.lock:
        remote: dict[str, list[int]] = {}
        for invoice in simulator.state.invoices.values():
            if invoice.number:
                remote.setdefault(invoice.number, []).append(invoice.id)
        resent = list(simulator.state.resubmitted_numbers)
    assert resent == [], "soumettre was sent again for an invoice already on the platform"
    for number, ids in remote.items():
        assert len(ids) == 1, f"{number} filed {len(ids)} times"
        assert number in local, f"{number} is on Chorus Pro but was lost locally"
    for number, (status, chorus_id) in local.items():
        assert status == "DEPOSEE" and chorus_id == remote[number][0], (number, status)
    return len(local)


def test_thirty_kills_at_random_points(
    tmp_path: Path,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    configure_account(bordereau_cmd, subprocess_env, simulator)
    admin(simulator, "pannes", {"latence_ms": 60})  # a slower platform: kills land mid-step
    killed = _kill_deposits(tmp_path, simulator, bordereau_cmd, subprocess_env, 30, seed=1)
    assert killed["before_end"] >= 10, killed
    admin(simulator, "pannes", {"latence_ms": 0})
    _restart_until_sent(bordereau_cmd, subprocess_env)
    assert _assert_exactly_once(simulator, isolated_environment) >= 10


def test_kills_while_the_platform_drops_answers(
    tmp_path: Path,
    simulator: Simulator,
    bordereau_cmd: list[str],
    subprocess_env: dict[str, str],
    isolated_environment: Path,
) -> None:
    configure_account(bordereau_cmd, subprocess_env, simulator)
    admin(
        simulator, "pannes", {"taux": 0.3, "types": ["drop_after"], "graine": 4, "latence_ms": 60}
    )
    _kill_deposits(tmp_path, simulator, bordereau_cmd, subprocess_env, 10, seed=2)
    admin(simulator, "pannes", {"taux": 0, "latence_ms": 0})
    _restart_until_sent(bordereau_cmd, subprocess_env)
    assert _assert_exactly_once(simulator, isolated_environment) >= 4
