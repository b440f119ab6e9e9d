"""A keyring backend for tests only: a JSON file named by $BORDEREAU_TEST_KEYRING_FILE.

Tests select it (in-process and in subprocesses through PYTHON_KEYRING_BACKEND) so no OS
prompt appears and nothing touches the developer's real keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "BORDEREAU_TEST_KEYRING_FILE"


class JsonFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    name = "trousseau de test"

    def _path(self) -> Path:
        return Path(os.environ[ENV])

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path().read_text("utf-8")))
        except FileNotFoundError:
            return {}

    def _write(self, data: dict[str, str]) -> None:
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}|{username}"] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if f"{service}|{username}" not in data:
            raise PasswordDeleteError(username)
        del data[f"{service}|{username}"]
        self._write(data)
