"""A real X display for the tests that need the operating system's own input events: Xvfb,
a window manager (openbox) and xdotool, as a person's mouse and keyboard reach the app.
``QTest`` skips steps a real mouse goes through (Qt giving a field the focus while it
delivers a wheel turn, before any event filter): these tests see them.

Skipped, with the reason, where the tools are not installed (``./run-tests`` installs them
on Debian and Ubuntu)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

TOOLS = ("Xvfb", "openbox", "xdotool")


@dataclass(frozen=True)
class Display:
    name: str  # « :97 »

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, "DISPLAY": self.name, "QT_QPA_PLATFORM": "xcb"}

    def xdotool(self, *args: str, timeout: float = 30) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.name},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done.stdout.strip()

    def window(self, name: str, timeout: float = 60) -> str:
        """The id of the first window whose title contains ``name``, once it is mapped."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no window « {name} » on {self.name}")

    def geometry(self, window: str) -> tuple[int, int, int, int]:
        """x, y, width, height of ``window`` on the screen."""
        values = dict(
            line.split("=", 1)
            for line in self.xdotool("getwindowgeometry", "--shell", window).splitlines()
            if "=" in line
        )
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def _free_display() -> str:
    for number in range(90, 140):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(
            f"/tmp/.X{number}-lock"
        ):
            return f":{number}"
    raise RuntimeError("no free X display number")


@contextmanager
def real_display(size: str = "1366x768") -> Iterator[Display]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (./run-tests installs them)")
    name = _free_display()
    server = subprocess.Popen(
        ["Xvfb", name, "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    manager = None
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(f"/tmp/.X11-unix/X{name[1:]}"):
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError("Xvfb did not start")
            time.sleep(0.1)
        manager = subprocess.Popen(
            ["openbox", "--sm-disable"],
            env={**os.environ, "DISPLAY": name},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        yield Display(name)
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
