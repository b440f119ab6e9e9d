"""« Suivre la facture »: the statuses an invoice went through, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sync.history import HistoryLine


class HistoryDialog(QDialog):
    def __init__(
        self,
        title: str,
        lines: list[HistoryLine],
        parent: QWidget | None = None,
        *,
        deadline: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suivi_facture")
        self.setWindowTitle(title)
        self.resize(760, 400)
        layout = QVBoxLayout(self)
        if deadline:
            self.deadline_label = QLabel(deadline)
            self.deadline_label.setObjectName("delai_paiement")
            self.deadline_label.setWordWrap(True)
            layout.addWidget(self.deadline_label)
        if not lines:
            layout.addWidget(QLabel("Aucun état connu pour le moment."))
        self.table = QTableWidget(len(lines), 4)
        self.table.setHorizontalHeaderLabels(["Date", "État", "Par", "Commentaire"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, line in enumerate(lines):
            when = line.at.astimezone().strftime("%d/%m/%Y %H:%M") if line.at else "—"
            for column, text in enumerate((when, line.label, line.actor, line.comment or "")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
