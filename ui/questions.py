"""The one question asked before typed work could be lost: « Enregistrer en brouillon »
(the default), « Fermer sans enregistrer » (or « Quitter… »), « Annuler » (Escape). Never
modal for the program: the answer comes back through ``on_save`` / ``on_discard``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

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


def ask_day(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    label: str,
    confirm: str,
) -> date | None:
    """A day up to today (today by default), asked before something that cannot be taken
    back (« Déclarer encaissée », « Paiement transmis »); None when cancelled."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel

    box = QDialog(parent)
    box.setObjectName(name)
    box.setWindowTitle(title)
    form = QFormLayout(box)
    intro = QLabel(text)
    intro.setWordWrap(True)
    form.addRow(intro)
    when = QDateEdit(QDate.currentDate())
    when.setObjectName("date_paiement")
    when.setCalendarPopup(True)
    when.setDisplayFormat("dd/MM/yyyy")
    when.setMaximumDate(QDate.currentDate())
    buddy = QLabel(label)
    buddy.setBuddy(when)
    form.addRow(buddy, when)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(confirm)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
    buttons.accepted.connect(box.accept)
    buttons.rejected.connect(box.reject)
    form.addRow(buttons)
    if box.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen = when.date()
    return date(chosen.year(), chosen.month(), chosen.day())
