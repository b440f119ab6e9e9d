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


# --- the dependency rules of docs/architecture.md, read from every import statement ----------
# (inside functions too: a lazy import is still a dependency)

ADAPTERS = (
    "chorus",
    "db",
    "prefill",
    "directory",
    "einvoice",
)  # their service.py modules are use cases
# What an adapter may use besides itself: the domain and the shared plumbing.
ADAPTER_MAY_USE = {"domain", "errors", "files"}
# The simulator plays the platform: the domain's shared constants, never the client's code.
# contracts: the official API files and their reader — the same files on both sides, never
# the client's code
SIMULATOR_MAY_USE = {"domain", "errors", "files", "contracts"}


def imports_by_package() -> dict[str, set[tuple[str, str]]]:
    """package of app/ (or top module) → {(imported module, file)}."""
    import ast
    from pathlib import Path

    root = Path(app.__file__).parent
    found: dict[str, set[tuple[str, str]]] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        package = parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(package, set()).add((name, str(path.relative_to(root))))
    return found


def test_the_core_never_imports_the_ui() -> None:
    offenders = [
        f"{file} imports {name}"
        for imports in imports_by_package().values()
        for name, file in imports
        if name == "ui" or name.startswith("ui.")
    ]
    assert offenders == []


def test_adapters_use_only_the_domain() -> None:
    packages = imports_by_package()
    offenders = [
        f"{file} imports {name}"
        for adapter in ADAPTERS
        for name, file in packages[adapter]
        if not file.endswith("/service.py")  # the use case beside its adapter (app.context)
        and name.startswith("app.")
        and name.split(".")[1] not in ADAPTER_MAY_USE | {adapter}
    ]
    assert offenders == []


def test_the_simulator_never_shares_the_clients_code() -> None:
    offenders = [
        f"{file} imports {name}"
        for name, file in imports_by_package()["simulator"]
        if name.startswith("app.") and name.split(".")[1] not in SIMULATOR_MAY_USE | {"simulator"}
    ]
    assert offenders == []


def test_the_domain_depends_on_nothing_of_the_app() -> None:
    offenders = [
        f"{file} imports {name}"
        for name, file in imports_by_package()["domain"]
        if name.startswith("app.") and not name.startswith("app.domain")
    ]
    assert offenders == []
