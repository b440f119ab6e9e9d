"""Simulator throughput and client paging over 10 000 invoices, on loopback.

The invoices are filed in the simulator's state, saved to a ``--state`` file, and served by
``bordereau simulator`` in its own process, as in the CLI; the same figures are then taken
with the simulator inside the measuring process, as in demo mode. Prints requests per second
for ``rechercher/fournisseur`` (one page of 100, newest first) from one and from four
clients, and the time the client takes to page through all 10 000 invoices.
Targets on a 2-core machine: ≥ 200 requests/s; ≤ 5 s.

    .venv/bin/python bench/simulator.py [INVOICES]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from app.chorus import schemas_factures as f
from app.chorus.client import ChorusClient, ChorusConfig
from app.simulator.checks import Submission
from app.simulator.handlers_factures import file_invoice
from app.simulator.seed import seed_directory
from app.simulator.server import Simulator, SimulatorConfig
from app.simulator.state import SimulatorState, save_state

SECONDS = 5.0


def populate(state: SimulatorState, count: int) -> None:
    """File ``count`` invoices to recipients that need neither service nor engagement."""
    recipients = [
        s
        for s in seed_directory()
        if s.active and not (s.service_required or s.engagement_required or s.service_or_engagement)
    ]
    with state.lock:
        for index in range(count):
            amount = Decimal(100 + index % 900)
            file_invoice(
                state,
                Submission.entered(
                    f"B{index:06d}", recipients[index % len(recipients)].siret, amount
                ),
            )
        state.clock.advance(timedelta(days=20))
        state.catch_up()


@dataclass(frozen=True, slots=True)
class Endpoint:
    base_url: str

    def client(self) -> ChorusClient:
        config = SimulatorConfig()
        return ChorusClient(
            ChorusConfig(
                self.base_url,
                self.base_url + "/api/oauth/token",
                config.client_id,
                config.client_secret,
                config.login,
                config.password,
            )
        )


def search_request() -> f.RechercherFournisseurRequest:
    return f.RechercherFournisseurRequest(
        rechercheFactureParFournisseur=f.ParametresRechercheFournisseur(
            pageResultatDemandee=1,
            nbResultatsParPage=100,
            triColonne="DateDepot",
            triSens="Descendant",
        )
    )


def requests_per_second(endpoint: Endpoint, threads: int) -> float:
    counts = [0] * threads
    deadline = time.perf_counter() + SECONDS

    def worker(slot: int) -> None:
        with endpoint.client() as client:
            request = search_request()
            while time.perf_counter() < deadline:
                client.rechercher_factures(request)
                counts[slot] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(slot,)) for slot in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def measure(label: str, endpoint: Endpoint, count: int) -> bool:
    print(label)
    with endpoint.client() as client:
        client.rechercher_factures(search_request())  # token and connection warm
    for threads in (1, 4):
        rate = requests_per_second(endpoint, threads)
        print(f"  rechercher/fournisseur, page de 100, {threads} client(s) : {rate:.0f} req/s")
    with endpoint.client() as client:
        started = time.perf_counter()
        seen = sum(1 for _ in client.iter_factures(per_page=100))
        elapsed = time.perf_counter() - started
    print(f"  pagination client : {seen} factures en {elapsed:.2f} s (100 par page)")
    return seen == count


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="bordereau-bench-") as folder:
        state_file = Path(folder) / "simulateur.json"
        simulator = Simulator(SimulatorConfig(state_file=state_file))
        started = time.perf_counter()
        populate(simulator.state, count)
        save_state(simulator.state, state_file)
        print(f"{count} factures créées et enregistrées en {time.perf_counter() - started:.1f} s")
        with simulator:
            in_process = measure(
                "Simulateur dans le processus (mode démo)", Endpoint(simulator.base_url), count
            )
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "simulator", "--state", str(state_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            separate = measure(
                "Simulateur « bordereau simulator » (processus séparé)", Endpoint(base_url), count
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 0 if in_process and separate else 1


if __name__ == "__main__":
    raise SystemExit(main())
