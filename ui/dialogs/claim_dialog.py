"""« Préparer une réclamation »: the facts of a late payment, ready to paste into a claim."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ClaimDialog(QDialog):
    def __init__(self, title: str, facts: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialogue_reclamation")
        self.setWindowTitle(title)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Les faits à rappeler au destinataire pour réclamer les intérêts moratoires et "
            "l'indemnité forfaitaire. Copiez-les dans votre sollicitation sur le portail de "
            "support Chorus Pro (« Factures émises » › « Question pour le destinataire de ma "
            "facture ») ou dans un courrier."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit(facts)
        self.text.setObjectName("faits_reclamation")
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        copy = buttons.addButton("&Copier", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copier_reclamation")
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text.toPlainText())
