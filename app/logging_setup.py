"""Logging to a rotating file in the user log dir, with secrets redacted everywhere."""

from __future__ import annotations

import base64
import logging
import logging.handlers
import re
import threading
from pathlib import Path
from typing import Any

from app.files import make_private

LOG_FILE_NAME = "bordereau.log"
REDACTED = "«masqué»"

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(r"(?i)(cpro-account['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9+/=]+"),
    re.compile(
        r"(?i)((?:client_secret|password|mot_de_passe|access_token)['\"]?\s*[:=]\s*['\"]?)"
        r"[^\s'\"&,}]+"
    ),
]

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret value (and the forms it travels in) so it never reaches a log."""
    if not value or len(value) < 4:
        return
    with _secrets_lock:
        _secrets.add(value)


def register_account_secret(login: str, password: str) -> None:
    register_secret(password)
    header = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
    register_secret(header)


def redact(text: str) -> str:
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log is the user's: created 0600 (a rotation renames it, keeping its mode)."""

    def _open(self) -> Any:
        make_private(Path(self.baseFilename))
        return super()._open()


def setup_logging(log_dir: Path, *, level: int = logging.INFO, stderr: bool = False) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_bordereau", False):
            root.removeHandler(handler)
            handler.close()
    formatter = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = PrivateRotatingFileHandler(
        log_file, maxBytes=2 * 1024 * 1024, backupCount=5, encoding="utf-8", delay=True
    )
    file_handler.setFormatter(formatter)
    file_handler._bordereau = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if stderr:
        stream = logging.StreamHandler()
        stream.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
        stream._bordereau = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return log_file
