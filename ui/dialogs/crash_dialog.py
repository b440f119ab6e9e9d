"""Shown when something unexpected happens: a French message, copyable details."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    def __init__(
        self, report: str, report_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle("Bordereau a rencontré un problème")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        where = f"Un rapport a été enregistré dans :\n{report_path}" if report_path else ""
        message = QLabel(
            "Une erreur inattendue s'est produite. Vos factures et vos brouillons enregistrés "
            "ne sont pas perdus. Vous pouvez continuer ou redémarrer Bordereau.\n\n"
            "Pour nous aider, copiez les détails ci-dessous dans votre message au support "
            f"(ils ne contiennent aucun mot de passe).\n{where}"
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.details = QPlainTextEdit(report)
        self.details.setObjectName("crash_details")
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        copy = QPushButton("&Copier les détails")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        if report_path is not None:
            folder = QPushButton("&Ouvrir le dossier")
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(report_path.parent)))
            )
            buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
