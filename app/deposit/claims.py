"""Who is sending an outbox entry: a claim names its process and computer, so that a
crashed sender's work is taken over at once on the same computer, and after its lease on
another one (several workstations may share one PostgreSQL database)."""

from __future__ import annotations

import getpass
import os
import socket
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

# Longer than anything one step may take (an HTTP call with its retries), renewed at each
# step: a live sender never loses its entry; a dead one on another computer holds it this long.
LEASE = timedelta(minutes=5)


@cache
def workstation() -> str:
    return socket.gethostname() or "poste"


@cache
def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a service account, a container)
        return "utilisateur"


def actor() -> str:
    """Who did it, for the history: « user@workstation »."""
    return f"{user_name()}@{workstation()}"


@dataclass(frozen=True, slots=True)
class Claim:
    host: str
    pid: int
    token: str

    @classmethod
    def new(cls) -> Claim:
        return cls(workstation(), os.getpid(), uuid.uuid4().hex[:12])

    @classmethod
    def parse(cls, owner: str) -> Claim | None:
        host, _, rest = owner.rpartition("/")
        host, _, pid = host.rpartition("/")
        if not host or not pid.isdigit():
            return None
        return cls(host, int(pid), rest)

    def __str__(self) -> str:
        return f"{self.host}/{self.pid}/{self.token}"


def owner_is_gone(owner: str) -> bool:
    """True when the claim's process is known to have ended (only knowable on this computer)."""
    claim = Claim.parse(owner)
    if claim is None or claim.host != workstation() or claim.pid == os.getpid():
        return False
    return not process_alive(claim.pid)


def process_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    still_active = 259
    query_limited_information = 0x1000
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == still_active)
    finally:
        kernel32.CloseHandle(handle)
