"""Installs are reproducible (issue 23): the lock files were made from this pyproject.toml,
hold a version and hashes for each requirement, and the environment the suite runs in holds
exactly the locked versions — nothing more, nothing else."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT

APP_LOCK = REPO_ROOT / "requirements" / "app.txt"
DEV_LOCK = REPO_ROOT / "requirements" / "dev.txt"
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?"
)
# pip comes with the venv (ensurepip) and is not part of what Bordereau runs
NOT_LOCKED = {"pip", "bordereau"}


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: Marker | None
    hashes: int

    def applies_here(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def lockfile_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lockfile", REPO_ROOT / "scripts" / "lockfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins(lock: Path) -> list[Pin]:
    found: list[Pin] = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.read_text("utf-8")):
        match = PIN.match(block)
        if match:
            marker = match["marker"]
            found.append(
                Pin(
                    canonicalize_name(match["name"]),
                    match["version"],
                    Marker(marker.strip()) if marker else None,
                    block.count("--hash=sha256:"),
                )
            )
    return found


def project_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(text) for text in wanted]


@pytest.mark.parametrize(
    ("lock", "extras"), [(APP_LOCK, ("postgresql",)), (DEV_LOCK, ("postgresql", "test"))]
)
def test_the_lock_was_made_from_this_pyproject(lock: Path, extras: tuple[str, ...]) -> None:
    lockfile = lockfile_module()
    assert lockfile.recorded_digest(lock) == lockfile.inputs_digest(), (
        "pyproject.toml a changé depuis le verrouillage : lancez scripts/lock.sh"
    )
    locked = {pin.name: pin for pin in pins(lock)}
    for requirement in project_requirements(extras):
        pin = locked.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} n'est pas dans {lock.name}"
        assert requirement.specifier.contains(pin.version, prereleases=True), (requirement, pin)
    assert all(pin.hashes >= 1 for pin in locked.values())


def test_both_locks_hold_the_same_versions() -> None:
    app = {pin.name: pin.version for pin in pins(APP_LOCK)}
    dev = {pin.name: pin.version for pin in pins(DEV_LOCK)}
    assert {name: dev.get(name) for name in app} == app


def test_pymupdf_stays_on_the_1x_line_without_the_layout_module() -> None:
    """PyMuPDF 2 imports its layout module, numpy and the ONNX runtime at start-up."""
    locked = {pin.name: pin.version for pin in pins(DEV_LOCK)}
    assert locked["pymupdf"].startswith("1.")
    assert not {"pymupdf-layout", "onnxruntime", "numpy"} & set(locked)


def test_this_environment_holds_exactly_the_locked_versions() -> None:
    if not (Path(sys.prefix) / ".bordereau-stamp").is_file():
        pytest.skip("environnement qui n'a pas été installé par scripts/bootstrap.sh")
    expected = {pin.name: pin.version for pin in pins(DEV_LOCK) if pin.applies_here()}
    installed = {
        canonicalize_name(distribution.metadata["Name"]): distribution.version
        for distribution in metadata.distributions(path=sys.path)
        if Path(str(distribution.locate_file("")))
        .resolve()
        .is_relative_to(Path(sys.prefix).resolve())
    }
    for name in NOT_LOCKED:
        installed.pop(name, None)
    assert installed == expected
