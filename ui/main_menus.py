"""The main window's menus and tool bar: every action of the program, with its shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

if TYPE_CHECKING:
    from ui.main_window import MainWindow

Shortcut = QKeySequence.StandardKey | str | None


def _action(
    menu: QMenu,
    text: str,
    name: str,
    run: Callable[[], object],
    shortcut: Shortcut = None,
    tip: str | None = None,
) -> QAction:
    """An entry of ``menu``: ``name`` is its object name (tests and the guide find it by it);
    ``run`` takes no argument (``triggered`` would hand it its « checked » flag)."""
    action = QAction(text, menu)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip is not None:
        action.setToolTip(tip)
    action.triggered.connect(lambda: run())
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    menu_bar = window.menuBar()
    files = menu_bar.addMenu("&Fichier")
    deposit = _action(
        files,
        "&Déposer une facture…",
        "action_deposer",
        window.choose_invoices,
        QKeySequence.StandardKey.Open,
        "Choisir les factures PDF à déposer (Ctrl+O)",
    )
    write = _action(
        files,
        "Saisir une &nouvelle facture…",
        "action_saisir_facture",
        window.open_invoice_editor,
        QKeySequence.StandardKey.New,
        "Écrire une facture dans Bordereau : numéro, PDF et Factur-X (Ctrl+N)",
    )
    _action(
        files,
        "&Annuaire des structures publiques…",
        "action_annuaire",
        window.open_directory_dialog,
        "Ctrl+Shift+F",
    )
    synchronise = _action(
        files,
        "&Synchroniser (Chorus Pro et plateforme agréée)",
        "action_synchroniser",
        window.synchronise,
        QKeySequence.StandardKey.Refresh,
    )
    tickets = _action(
        files,
        "S&ollicitations…",
        "action_sollicitations",
        window.open_sollicitations,
        "Ctrl+Shift+L",
        "Préparer et suivre vos demandes au support Chorus Pro (Ctrl+Maj+L)",
    )
    _action(
        files,
        "&Factures écrites…",
        "action_factures_ecrites",
        window.open_written_invoices,
        tip="Les factures saisies dans Bordereau : brouillons, émises, avoirs",
    )
    _action(
        files,
        "Factures re&çues…",
        "action_factures_recues",
        window.show_received,
        "Ctrl+Shift+R",
        "Les factures de vos fournisseurs, reçues par la plateforme agréée",
    )
    _action(files, "C&lients et catalogue…", "action_clients_catalogue", window.open_address_book)
    _action(
        files,
        "&Restaurer une sauvegarde…",
        "action_restaurer",
        window.open_restore_dialog,
        tip="Remettre en place une copie de la base (après une panne de disque)",
    )
    files.addSeparator()
    quit_action = _action(
        files, "&Quitter", "action_quitter", window.close, QKeySequence.StandardKey.Quit
    )
    # from any of Bordereau's windows (the editor's, Factures écrites…), as users expect
    quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    toolbar = QToolBar("Barre d'outils", window)
    toolbar.setObjectName("barre_outils")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in (deposit, write, synchronise, tickets):
        toolbar.addAction(action)
    window.addToolBar(toolbar)

    account = menu_bar.addMenu("&Compte")
    _action(
        account,
        "Co&nnecter mon compte (assistant)…",
        "action_assistant",
        window.open_connect_wizard,
    )
    _action(account, "&Compte Chorus Pro…", "action_compte", window.open_account_dialog)
    _action(account, "&Plateforme agréée…", "action_plateforme", window.open_platform_dialog)

    help_menu = menu_bar.addMenu("&Aide")
    _action(
        help_menu,
        "&Guide d'utilisation",
        "action_guide",
        window.open_guide,
        QKeySequence.StandardKey.HelpContents,
    )
    _action(
        help_menu, "Ouvrir le dossier des &journaux", "action_journaux", window.open_logs_folder
    )
    _action(help_menu, "À &propos de Bordereau", "action_a_propos", window.show_about)
