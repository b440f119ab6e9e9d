"""Déposer's second page: the PDF beside the form, the reading's progress, the banner that
says what the checks found, and the buttons to keep a draft or send."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.deposit_form import DepositForm
from ui.widgets.pdf_preview import PdfPreviewWidget

FIELD_INFO_HINT = "Cliquez dans un champ pour voir où il a été lu sur la facture."


class EditPage(QWidget):
    close_requested = Signal()
    cancel_requested = Signal()
    save_requested = Signal()
    send_requested = Signal()
    replace_pdf_requested = Signal()  # « Remplacer le PDF… » in the draft's notice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._header())
        column.addWidget(self._progress_panel())
        self.banner = QLabel()
        self.banner.setObjectName("deposer_bandeau")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setVisible(False)
        column.addWidget(self.banner)
        # Where the draft comes from (a rejected invoice, a copy) and what its PDF is.
        self.draft_notice = QFrame()
        self.draft_notice.setObjectName("deposer_note_brouillon")
        self.draft_notice.setProperty("kind", "warning")
        notice = QHBoxLayout(self.draft_notice)
        notice.setContentsMargins(8, 4, 8, 4)
        self.draft_notice_text = QLabel()
        self.draft_notice_text.setWordWrap(True)
        self.draft_notice_text.setTextFormat(Qt.TextFormat.PlainText)
        self.replace_pdf_button = QPushButton("Remplacer le P&DF…")
        self.replace_pdf_button.setObjectName("deposer_remplacer_pdf")
        self.replace_pdf_button.clicked.connect(self.replace_pdf_requested)
        notice.addWidget(self.draft_notice_text, 1)
        notice.addWidget(self.replace_pdf_button)
        self.draft_notice.setVisible(False)
        column.addWidget(self.draft_notice)
        column.addWidget(self._pdf_and_form(), 1)
        column.addLayout(self._actions())

    def _header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.file_label = QLabel()
        self.file_label.setObjectName("deposer_fichier")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("deposer_file_attente")
        self.queue_label.setProperty("role", "hint")
        self.close_button = QPushButton("Fermer")
        self.close_button.setObjectName("deposer_fermer")
        self.close_button.setToolTip(
            "Fermer cette facture (le brouillon est gardé si vous le souhaitez)"
        )
        self.close_button.clicked.connect(self.close_requested)
        header.addWidget(self.file_label, 1)
        header.addWidget(self.queue_label)
        header.addWidget(self.close_button)
        return header

    def _progress_panel(self) -> QWidget:
        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("deposer_progression")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(260)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("deposer_etape")
        self.cancel_button = QPushButton("Annuler la lecture")
        self.cancel_button.clicked.connect(self.cancel_requested)
        row.addWidget(self.progress)
        row.addWidget(self.progress_label, 1)
        row.addWidget(self.cancel_button)
        self.progress_panel = QWidget()
        self.progress_panel.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress_panel.setVisible(False)
        return self.progress_panel

    def _pdf_and_form(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.preview = PdfPreviewWidget()
        self.preview.setMinimumWidth(300)
        splitter.addWidget(self.preview)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        self.field_info = QLabel(FIELD_INFO_HINT)
        self.field_info.setObjectName("deposer_source_champ")
        self.field_info.setProperty("role", "hint")
        self.field_info.setWordWrap(True)
        right_column.addWidget(self.field_info)
        self.form = DepositForm()
        scroll = QScrollArea()
        scroll.setObjectName("deposer_formulaire")
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_column.addWidget(scroll, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 760])
        return splitter

    def _actions(self) -> QHBoxLayout:
        actions = QHBoxLayout()
        self.draft_button = QPushButton("Enregistrer en &brouillon")
        self.draft_button.setObjectName("enregistrer_brouillon")
        self.draft_button.setToolTip("Ctrl+S")
        self.draft_button.clicked.connect(self.save_requested)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("deposer_enregistre")
        self.saved_label.setProperty("role", "hint")
        self.send_button = QPushButton("&Valider et envoyer")
        self.send_button.setObjectName("valider_envoyer")
        self.send_button.setProperty("primary", True)
        self.send_button.setToolTip("Ctrl+Entrée")
        self.send_button.clicked.connect(self.send_requested)
        self.facturx_box = QCheckBox("Envoyer au format Factur-&X")
        self.facturx_box.setObjectName("envoyer_facturx")
        self.facturx_box.setToolTip(
            "Bordereau ajoute au PDF les données structurées de la facture (norme EN 16931) "
            "et la dépose comme flux : le destinataire la traite sans ressaisie."
        )
        actions.addWidget(self.draft_button)
        actions.addWidget(self.saved_label, 1)
        actions.addWidget(self.facturx_box)
        actions.addWidget(self.send_button)
        return actions

    def show_progress(self, text: str, value: int | None, cancellable: bool = False) -> None:
        self.progress_panel.setVisible(True)
        self.progress_label.setText(text)
        if value is None:
            self.progress.setRange(0, 0)  # busy indicator: the platform gives no fraction
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(value)
        self.cancel_button.setVisible(cancellable)

    def hide_progress(self) -> None:
        self.progress_panel.setVisible(False)

    def show_banner(self, html: str, kind: str) -> None:
        self.banner.setText(html)
        self.banner.setProperty("kind", kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setVisible(True)

    def show_draft_notice(self, text: str | None, *, offer_replacement: bool) -> None:
        """The draft's own note, with « Remplacer le PDF… » right there when its PDF is the
        old one or missing."""
        if not text:
            self.draft_notice.setVisible(False)
            return
        self.draft_notice_text.setText(text)
        self.replace_pdf_button.setVisible(offer_replacement)
        self.draft_notice.setVisible(True)

    def clear(self) -> None:
        """Nothing open: no PDF, no banner, no saved mark."""
        self.preview.clear()
        self.banner.setVisible(False)
        self.draft_notice.setVisible(False)
        self.saved_label.setText("")
        self.field_info.setText(FIELD_INFO_HINT)
