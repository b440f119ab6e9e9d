"""First and incremental sync of an account holding 10 000 invoices.

The simulator (in this process, real HTTP on loopback) holds five years of invoices, all paid
but the last UNFINISHED ones. A first sync imports them into a fresh SQLite database: timed
until the list is usable (target ≤ 5 s) and until the histories it reads (unfinished and
recently paid invoices) are complete. The buyers then move 50 invoices, and the incremental
sync is timed with the calls it made: search pages and ``consulter/historique`` calls (it
should read only what moved; target ≤ 5 s). A re-check of unfinished invoices is timed too.

    .venv/bin/python bench/sync.py [INVOICES] [CHANGED]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from app.chorus.client import ChorusClient, ChorusConfig
from app.db.engine import Database
from app.db.migrate import upgrade_database
from app.simulator.buyer import force_status
from app.simulator.checks import Submission
from app.simulator.handlers_factures import file_invoice
from app.simulator.seed import seed_directory
from app.simulator.server import Simulator, SimulatorConfig
from app.sync.invoices import recheck_start, sync_invoices

UNFINISHED = 100


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    changed = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    simulator = Simulator(SimulatorConfig(seed=11)).start()
    state = simulator.state
    recipients = [
        s
        for s in seed_directory()
        if s.active and not (s.service_required or s.engagement_required or s.service_or_engagement)
    ]
    years = timedelta(days=5 * 365)
    step = years / count
    with state.lock:
        state.clock.advance(-years)
        for index in range(count):
            invoice = file_invoice(
                state,
                Submission.entered(
                    f"S{index:06d}",
                    recipients[index % len(recipients)].siret,
                    Decimal(100 + index % 900),
                ),
            )
            invoice.plan = []  # only the changes made below happen
            if index < count - UNFINISHED:
                paid = invoice.deposited_at + timedelta(days=30)
                state.record_status(invoice, "MISE_EN_PAIEMENT", arrived=paid, dated=paid)
            state.clock.advance(step)
    folder = Path(tempfile.mkdtemp(prefix="bordereau-bench-sync-"))
    database = Database(f"sqlite:///{folder / 'bordereau.sqlite3'}")
    upgrade_database(database, folder / "sauvegardes")
    config = state.config
    client = ChorusClient(
        ChorusConfig(
            api_url=simulator.base_url,
            token_url=simulator.token_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            login=config.login,
            password=config.password,
        )
    )
    supplier = state.supplier.id
    started = time.perf_counter()
    first = sync_invoices(database, client, "demo", supplier, since=None)
    full_seconds = time.perf_counter() - started
    after_first = state.clock.now().date()

    with state.lock:
        state.clock.advance(timedelta(days=3))
        for invoice in random.Random(5).sample(list(state.invoices.values()), changed):
            force_status(state, invoice, "MISE_EN_PAIEMENT", None)
        since = state.clock.now().date()
    started = time.perf_counter()
    incremental = sync_invoices(database, client, "demo", supplier, since=since)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    rechecked = sync_invoices(
        database,
        client,
        "demo",
        supplier,
        since=since,
        recheck_from=recheck_start(database, "demo") or after_first,
    )
    recheck_seconds = time.perf_counter() - started
    client.close()
    simulator.stop()
    database.dispose()

    print(
        f"first sync of {first.seen} invoices: list usable after {first.list_seconds:.1f} s "
        f"(target ≤ 5 s, {first.search_pages} search pages); histories complete after "
        f"{full_seconds:.1f} s ({first.history_calls} histories read, the other invoices' "
        "read when opened)"
    )
    print(
        f"incremental sync ({changed} changed of {count}): {seconds:.2f} s (target ≤ 5 s); "
        f"read {incremental.seen} invoices in {incremental.search_pages} search page(s), "
        f"{incremental.history_calls} consulter/historique calls, "
        f"{len(incremental.changes)} changes recorded"
    )
    print(
        f"same sync with the re-check of unfinished invoices: {recheck_seconds:.2f} s, "
        f"{rechecked.search_pages} search page(s), {rechecked.history_calls} histories"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
