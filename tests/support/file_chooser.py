"""Answering Bordereau's file choosers (``ui/file_dialogs.py``: real ``QFileDialog`` windows)
as a person does: wait for one to show, type the path in its name field, press Enter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from tests.support.ui_input import type_text


def shown_file_dialog() -> QFileDialog | None:
    return next(
        (
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QFileDialog) and widget.isVisible()
        ),
        None,
    )


def when_file_dialog(then: Callable[[QFileDialog], None], tries: int = 2400) -> None:
    """Once a file chooser is shown, hand it to ``then`` (looked for every 50 ms, given up
    after ``tries``: the test then fails instead of waiting forever)."""

    def look(left: int) -> None:
        dialog = shown_file_dialog()
        if dialog is not None:
            then(dialog)
        elif left:
            QTimer.singleShot(50, lambda: look(left - 1))

    QTimer.singleShot(50, lambda: look(tries))


def type_path(dialog: QFileDialog, path: str) -> None:
    """The path typed over the chooser's file name, the completer's list closed, Enter."""
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.setFocus()
    QTest.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(name, path)
    popup = QApplication.activePopupWidget()  # the path completer's list, if it opened
    if popup is not None:
        popup.hide()
    QTest.keyClick(name, Qt.Key.Key_Return)


def answer_file_chooser(path: str, tries: int = 2400) -> None:
    """When the chooser is up, type the file's path in it and press Enter, as a person would."""

    def answer(dialog: QFileDialog) -> None:
        type_path(dialog, path)
        if dialog.isVisible():
            # The chooser was still listing its folder and took Enter for it (this happens on
            # a loaded machine): the same file, chosen the way its « Ouvrir » button does.
            dialog.selectFile(path)
            dialog.accept()

    when_file_dialog(answer, tries)
