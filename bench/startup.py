"""Start-up time: the median of ``bordereau gui --exit-when-ready`` over several runs.

Prints both the app's own figure (from process start to the first painted frame) and the
wall-clock time seen from outside. Target: window ready within 1.5 s on a 2-core machine.

    .venv/bin/python bench/startup.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    ready: list[float] = []
    wall: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bordereau-bench-") as data_dir:
        command = [sys.executable, "-m", "ui", "--data-dir", data_dir, "gui", "--exit-when-ready"]
        subprocess.run(
            command, env=env, capture_output=True, check=True
        )  # first run creates the database
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            wall.append((time.perf_counter() - started) * 1000)
            line = next(line for line in result.stdout.splitlines() if line.startswith("ready "))
            ready.append(float(line.split()[1]))
    print(f"runs: {runs}")
    print(f"window ready (process start → first frame), median: {statistics.median(ready):.0f} ms")
    print(f"window ready, max: {max(ready):.0f} ms")
    print(f"whole command incl. exit, median: {statistics.median(wall):.0f} ms")
    print("target: ≤ 1500 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
