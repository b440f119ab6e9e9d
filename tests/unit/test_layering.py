"""The core never imports Qt (ARCHITECTURE.md): checked on every module of app/."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import app


def all_app_modules() -> list[str]:
    names = ["app"]
    for info in pkgutil.walk_packages(app.__path__, prefix="app."):
        if ".migrations" in info.name or info.name == "app.__main__":
            continue
        names.append(info.name)
    return names


def test_every_app_module_is_listed() -> None:
    modules = all_app_modules()
    assert {"app.domain.statuses", "app.db.models", "app.chorus.client", "app.services"} <= set(
        modules
    )


def test_importing_app_never_loads_pyside6() -> None:
    modules = all_app_modules()
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"app/ loaded Qt: {result.stdout.strip()}"


def test_no_pyside6_import_statement_under_app() -> None:
    from pathlib import Path

    root = Path(app.__file__).parent
    offenders = [
        str(path)
        for path in root.rglob("*.py")
        if "PySide6" in path.read_text("utf-8")
        and "import" in path.read_text("utf-8")
        and any(
            line.lstrip().startswith(("import PySide6", "from PySide6"))
            for line in path.read_text("utf-8").splitlines()
        )
    ]
    assert offenders == []
