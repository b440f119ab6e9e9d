"""Nothing heavy before the first frame: the window is shown without the modules that only
reading, sending or exporting need (they load on first use, or warm up after the frame)."""

from __future__ import annotations

import subprocess
import sys

# A new import on the start-up path fails here, loudly.
NOT_BEFORE_THE_FIRST_FRAME = (
    "pymupdf",  # half a second with its layout module, numpy and the ONNX runtime
    "numpy",
    "lxml",
    "openpyxl",
    "facturx",
    "pytesseract",
    "app.simulator.server",
)


def test_the_window_is_shown_before_the_heavy_modules_load(
    subprocess_env: dict[str, str],
) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ui", "gui", "--exit-when-ready"],
        env={**subprocess_env, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ready ")
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "ui.main_window" in imported  # the measurement saw the window's own imports
    assert sorted(imported & set(NOT_BEFORE_THE_FIRST_FRAME)) == []
