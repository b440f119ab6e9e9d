"""Actions of a tab: a name for tests, a shortcut that works while the tab has the focus; the
menu of sollicitations an invoice can start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from app.errors import BordereauError
from app.tickets.service import TicketService


def tab_action(
    owner: QWidget,
    text: str,
    name: str,
    slot: Callable[[], object],
    shortcut: str | None = None,
) -> QAction:
    action = QAction(text, owner)
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    owner.addAction(action)
    return action


def ticket_menu(
    owner: QWidget,
    tickets: TicketService,
    current_invoice: Callable[[], int | None],
    chosen: Callable[[int, str], object],
) -> QMenu:
    """« Sollicitation » ▸ the templates that fit the selected invoice, each one click away."""
    menu = QMenu("Écrire une &sollicitation", owner)
    menu.setObjectName("menu_sollicitation")

    def fill() -> None:
        menu.clear()
        invoice_id = current_invoice()
        if invoice_id is None:
            menu.addAction("Choisissez une facture").setEnabled(False)
            return
        try:
            templates = tickets.templates(invoice_id)
        except BordereauError as exc:
            menu.addAction(exc.message).setEnabled(False)
            return
        for template in templates:
            action = menu.addAction(template.label + "…")
            action.setObjectName(f"sollicitation_{template.value}")
            action.triggered.connect(
                lambda _checked=False, value=template.value: chosen(invoice_id, value)
            )

    menu.aboutToShow.connect(fill)
    return menu


def ticket_button(
    owner: QWidget,
    tickets: TicketService,
    current_invoice: Callable[[], int | None],
    chosen: Callable[[int, str], object],
) -> QPushButton:
    """« Sollicitation ▾ » for a tab's button bar; its menu also serves the context menu."""
    button = QPushButton("Sollicitation", owner)
    button.setObjectName("bouton_sollicitation")
    button.setMenu(ticket_menu(owner, tickets, current_invoice, chosen))
    return button
