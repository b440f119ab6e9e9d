"""Synthèse and Rechercher on 100 000 invoices: open, filter, sort, scroll.

A SQLite database is filled with 100 000 plausible invoices; the real tabs are built offscreen
and timed. Targets: open ≤ 300 ms, filter and sort ≤ 150 ms, scrolling without stalls
(each scroll step, rows read included, well under 100 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/views.py [INVOICES]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.paths import resolve_paths
from app.services import Services
from bench.synthetic import fill_invoices


def timed(action: object) -> float:
    assert callable(action)
    app = QApplication.instance()
    assert app is not None
    start = time.perf_counter()
    action()
    app.processEvents()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="bordereau-bench-views-"))
    services = Services(resolve_paths(folder))
    services.context.open_database()
    environment = services.account.status().effective.value
    start = time.perf_counter()
    fill_invoices(services.context.database, environment, count)
    print(f"{count} factures écrites en {time.perf_counter() - start:.1f} s")

    from ui.tabs.rechercher import RechercherTab
    from ui.tabs.synthese import SyntheseTab

    holder: dict[str, object] = {}

    def open_synthese() -> None:
        tab = SyntheseTab(
            services.invoices,
            services.deposit,
            services.directory,
            services.tickets,
            services.context.settings,
        )
        tab.resize(1340, 640)
        tab.show()
        tab.refresh()  # the window loads its lists after its first frame: here, at once
        holder["synthese"] = tab

    def open_rechercher() -> None:
        tab = RechercherTab(services.invoices, services.tickets, services.context.settings)
        tab.resize(1340, 640)
        tab.show()
        tab.refresh()
        holder["rechercher"] = tab

    print(f"Synthèse ouverte : {timed(open_synthese):.0f} ms (objectif ≤ 300)")
    print(f"Rechercher ouvert : {timed(open_rechercher):.0f} ms (objectif ≤ 300)")
    synthese = holder["synthese"]
    rechercher = holder["rechercher"]
    assert isinstance(synthese, SyntheseTab) and isinstance(rechercher, RechercherTab)
    print(
        f"  lignes : Synthèse {synthese.model.rowCount()}, Rechercher {rechercher.model.rowCount()}"
    )
    if rechercher.model.rowCount() < count // 2 or synthese.model.rowCount() == 0:
        raise SystemExit(
            f"rien de mesuré : les listes n'ont pas chargé les {count} factures écrites"
        )

    filters: list[tuple[str, float]] = []
    for text in ("etienne", "f2024-0123", "lycee jean", "ej0000"):
        rechercher.search_edit.setText(text)
        filters.append((f"texte « {text} »", timed(rechercher.apply_criteria)))
    rechercher.search_edit.clear()
    rechercher.status_combo.setCurrentIndex(rechercher.status_combo.findData("SUSPENDUE"))
    filters.append(("état Suspendue", timed(rechercher.apply_criteria)))
    rechercher.status_combo.setCurrentIndex(0)
    structure = synthese.structure_combo
    structure.setCurrentIndex(3)
    filters.append(("Synthèse, une structure", timed(synthese.apply_criteria)))
    structure.setCurrentIndex(0)
    filters.append(("Synthèse, rejets anciens affichés", timed(
        lambda: synthese.hide_rejected.setChecked(False)
    )))  # fmt: skip
    timed(rechercher.apply_criteria)
    for label, value in filters:
        print(f"Filtre {label} : {value:.0f} ms (objectif ≤ 150)")

    sorts = []
    header = rechercher.table.horizontalHeader()
    for column in range(rechercher.model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sorts.append(timed(lambda c=column, o=order: header.setSortIndicator(c, o)))
    print(
        f"Tri Rechercher ({len(sorts)} tris, chaque colonne dans les deux sens) : "
        f"médiane {statistics.median(sorts):.0f} ms, max {max(sorts):.0f} ms (objectif ≤ 150)"
    )
    synthese_sorts = [
        timed(lambda c=column: synthese.table.sortByColumn(c, Qt.SortOrder.AscendingOrder))
        for column in range(len(synthese.model.columns))
    ]
    print(f"Tri Synthèse : max {max(synthese_sorts):.0f} ms (objectif ≤ 150)")

    bar = rechercher.table.verticalScrollBar()
    if bar.maximum() == 0:
        raise SystemExit("rien de mesuré : la liste ne défile pas")
    steps = []
    for value in range(0, bar.maximum(), max(1, bar.maximum() // 400)):
        steps.append(
            timed(lambda v=value: (bar.setValue(v), rechercher.table.viewport().repaint()))
        )
    print(
        f"Défilement de haut en bas ({len(steps)} pas) : médiane {statistics.median(steps):.1f} "
        f"ms, pire pas {max(steps):.1f} ms"
    )
    services.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
