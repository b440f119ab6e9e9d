"""« Ouvrir avec Bordereau » on macOS: the system sends a QFileOpenEvent to the application."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenForwarder(QObject):
    def __init__(self, open_files: Callable[[list[Path]], None], parent: QObject) -> None:
        super().__init__(parent)
        self._open_files = open_files

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFileOpenEvent) and event.file():
            self._open_files([Path(event.file())])
            return True
        return super().eventFilter(watched, event)
