"""Directory import and search, on a generated export of 150 000 structures and 250 000
services. Prints the import time and peak memory, then search latency percentiles over a
fixed set of queries. Targets (2-core machine): import ≤ 60 s and ≤ 300 MB; search
95th percentile ≤ 30 ms.

    .venv/bin/python bench/directory.py [EXPORT.xlsx]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.directory.importer import import_export
from app.directory.store import DirectoryStore

QUERIES = (
    "commune de besancon", "Besançon", "besanson", "saint etienne", "st etienne",
    "SAINT-ÉTIENNE", "vilurbanne", "villeurbanne", "centre hospitalier", "centre hosp",
    "college", "lycée mâcon", "ehpad gerardmer", "caisse des ecoles", "syndicat des eaux",
    "office de tourisme", "communaute de communes", "montville", "beaulieu sur loire",
    "kercourt", "angoulême", "angouleme", "nimes", "pont saint esprit", "mairie de sete",
    "75012", "69", "2134", "110 002 011", "11000201100044", "facturation electronique",
    "c", "co", "com", "comm", "commu", "commun", "commune", "commune d", "commune de v",
)  # fmt: skip


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bordereau-annuaire-") as folder:
        if len(sys.argv) > 1:
            export = Path(sys.argv[1])
        else:
            export = Path(folder) / "annuaire.xlsx"
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from pathlib import Path; sys.path.insert(0, '.');"
                    "from tests.support.directory_export import write_export;"
                    f"write_export(Path({str(export)!r}), structures=150_000, services=250_000)",
                ],
                check=True,
            )
            print(
                f"export généré en {time.perf_counter() - started:.1f} s "
                f"({export.stat().st_size / 1e6:.1f} Mo)"
            )
        index = Path(folder) / "annuaire.sqlite3"
        started = time.perf_counter()
        report = import_export(export, index)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"import : {elapsed:.1f} s, mémoire maximale {peak:.0f} Mo")
        for line in report.lines():
            print("  " + line)
        store = DirectoryStore(index)
        started = time.perf_counter()
        store.vocabulary()
        store.search("x", 1)
        print(
            f"ouverture de l'index et vocabulaire : {1000 * (time.perf_counter() - started):.0f} ms"
        )
        timings = []
        for _round in range(3):
            for query in QUERIES:
                started = time.perf_counter()
                store.search(query, 20)
                timings.append(1000 * (time.perf_counter() - started))
        timings.sort()
        print(
            f"recherche ({len(timings)} requêtes) : médiane {statistics.median(timings):.1f} ms, "
            f"95e centile {timings[int(0.95 * (len(timings) - 1))]:.1f} ms, "
            f"max {timings[-1]:.1f} ms"
        )
        slow = sorted(((store_time(store, q), q) for q in QUERIES), reverse=True)[:3]
        print("  les plus lentes : " + ", ".join(f"« {q} » {t:.1f} ms" for t, q in slow))
        store.close()
    return 0


def store_time(store: DirectoryStore, query: str) -> float:
    started = time.perf_counter()
    store.search(query, 20)
    return 1000 * (time.perf_counter() - started)


if __name__ == "__main__":
    raise SystemExit(main())
