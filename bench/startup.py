"""Start-up time: the median of ``bordereau gui --exit-when-ready`` over several runs, with a
bare PySide6 window of four tabs measured the same way in the same run (the yardstick: what
Python and Qt alone cost on this machine), and the frozen bundle when it has been built
(``packaging/build-linux``).

Each figure is from process start to the first painted frame (the program's own « ready »
line: the window's chrome), then to the lists filled from the database just after it
(« loaded »), plus the wall-clock time of the whole command seen from outside. The program's own
bytecode is compiled first, as an installed copy has it. Targets (issue 23): window ready
≤ 0.6 s median in the development install, ≤ 0.8 s frozen, on a 2-core machine.

    .venv/bin/python bench/startup.py [RUNS]
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "build" / "dist" / "bordereau" / "bordereau"

BARE_QT = """
import sys, time
from ui.application import process_start_time
started = process_start_time()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget
app = QApplication(sys.argv[:1])
window = QMainWindow()
tabs = QTabWidget()
for name in ("Synthèse", "Rechercher", "Déposer", "Tableau de bord"):
    tabs.addTab(QLabel(name), name)
window.setCentralWidget(tabs)
window.resize(1280, 720)
window.show()
def ready():
    print(f"ready {(time.time() - started) * 1000:.0f}", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


Figures = dict[str, list[float]]


def measure(command: list[str], env: dict[str, str], runs: int) -> Figures:
    subprocess.run(command, env=env, capture_output=True, check=True, cwd=ROOT)  # warm-up run
    figures: Figures = {"ready": [], "loaded": [], "wall": []}
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, cwd=ROOT
        )
        figures["wall"].append((time.perf_counter() - started) * 1000)
        for line in result.stdout.splitlines():
            word, _, value = line.partition(" ")
            if word in ("ready", "loaded"):
                figures[word].append(float(value))
    return figures


def report(label: str, figures: Figures) -> None:
    ready = figures["ready"]
    line = (
        f"{label}: first frame median {statistics.median(ready):.0f} ms "
        f"(min {min(ready):.0f}, max {max(ready):.0f})"
    )
    if figures["loaded"]:
        line += f"; lists filled median {statistics.median(figures['loaded']):.0f} ms"
    print(line + f"; whole command median {statistics.median(figures['wall']):.0f} ms")


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM", "offscreen")
    compileall.compile_dir(ROOT / "app", quiet=1)
    compileall.compile_dir(ROOT / "ui", quiet=1)
    print(f"runs: {runs} each, {os.cpu_count()} cores")
    report(
        "bare PySide6, four tabs (yardstick)", measure([sys.executable, "-c", BARE_QT], env, runs)
    )
    with tempfile.TemporaryDirectory(prefix="bordereau-bench-") as data_dir:
        gui = ["--data-dir", data_dir, "gui", "--exit-when-ready"]
        report(
            "Bordereau, development install",
            measure([sys.executable, "-m", "ui", *gui], env, runs),
        )
    if FROZEN.exists():
        with tempfile.TemporaryDirectory(prefix="bordereau-bench-") as data_dir:
            gui = ["--data-dir", data_dir, "gui", "--exit-when-ready"]
            report("Bordereau, frozen bundle", measure([str(FROZEN), *gui], env, runs))
    else:
        print("frozen bundle: not built (packaging/build-linux)")
    print("targets: ≤ 600 ms development install, ≤ 800 ms frozen (median, window ready)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
