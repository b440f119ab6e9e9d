"""Déposer's first page: the drop zone, the way to the directory, and the drafts to resume."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.drop_zone import DropZone


class StartPage(QWidget):
    files_dropped = Signal(list)  # list[Path]
    directory_requested = Signal()
    write_requested = Signal()  # « Saisir une facture »
    resume_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 20, 40, 20)
        column.setSpacing(16)
        title = QLabel("Déposer une facture sur Chorus Pro")
        title.setObjectName("deposer_titre")
        column.addWidget(title)
        intro = QLabel(
            "Bordereau lit votre facture, remplit le formulaire de dépôt et vérifie tout avant "
            "l'envoi, pour éviter les factures « à recycler » ou rejetées. La facture part une "
            "seule fois, même si la connexion coupe."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        column.addWidget(intro)
        self.drop_zone = DropZone()
        self.drop_zone.files_dropped.connect(self.files_dropped)
        column.addWidget(self.drop_zone, 2)
        row = QHBoxLayout()
        write = QPushButton("Sa&isir une facture…")
        write.setObjectName("saisir_facture")
        write.setToolTip(
            "Écrire la facture dans Bordereau : PDF conforme avec son Factur-X (EN 16931), "
            "numérotée à l'émission, pour un client public ou une entreprise"
        )
        write.clicked.connect(self.write_requested)
        row.addWidget(write)
        directory = QPushButton("Chercher un destinataire dans l'annuaire…")
        directory.setObjectName("deposer_annuaire_accueil")
        directory.clicked.connect(self.directory_requested)
        row.addWidget(directory)
        row.addStretch(1)
        column.addLayout(row)
        self.drafts_group = QGroupBox("Brouillons")
        self.drafts_group.setObjectName("brouillons")
        self.drafts_group.setVisible(False)  # shown when there are some (refresh_drafts)
        drafts = QVBoxLayout(self.drafts_group)
        self.drafts_list = QListWidget()
        self.drafts_list.setObjectName("liste_brouillons")
        self.drafts_list.itemActivated.connect(lambda _item: self.resume_requested.emit())
        drafts.addWidget(self.drafts_list)
        buttons = QHBoxLayout()
        resume = QPushButton("Re&prendre")
        resume.setObjectName("reprendre_brouillon")
        resume.clicked.connect(self.resume_requested)
        delete = QPushButton("Supprimer…")
        delete.setObjectName("supprimer_brouillon")
        delete.clicked.connect(self.delete_requested)
        buttons.addWidget(resume)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        drafts.addLayout(buttons)
        column.addWidget(self.drafts_group, 1)
