"""The one question asked before typed work could be lost: « Enregistrer en brouillon »
(the default), « Fermer sans enregistrer » (or « Quitter… »), « Annuler » (Escape). Never
modal for the program: the answer comes back through ``on_save`` / ``on_discard``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_to_keep_draft(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    discard: str,
    on_save: Callable[[], object],
    on_discard: Callable[[], object],
) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName(name)
    save_button = box.addButton("Enregistrer en brouillon", QMessageBox.ButtonRole.AcceptRole)
    discard_button = box.addButton(discard, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save_button)
    box.setEscapeButton(cancel)

    def answered(_code: int) -> None:
        clicked = box.clickedButton()
        if clicked is save_button:
            on_save()
        elif clicked is discard_button:
            on_discard()

    box.finished.connect(answered)
    box.open()
    return box


def ask_to_confirm(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    confirm: str,
    on_confirm: Callable[[], object],
) -> QMessageBox:
    """Before something that cannot be taken back: « ``confirm`` » or « Annuler » (the
    default, and Escape)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName(name)
    yes = box.addButton(confirm, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(cancel)
    box.finished.connect(lambda _code: on_confirm() if box.clickedButton() is yes else None)
    box.open()
    return box
