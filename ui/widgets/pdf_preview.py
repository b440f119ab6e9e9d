"""The invoice as it will be sent: pages, zoom, and the places where fields were read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.prefill.preview import PdfPreview

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
DEFAULT_ZOOM = 1.0
LOW_CONFIDENCE = 0.75


@dataclass(frozen=True, slots=True)
class Highlight:
    name: str
    page: int  # 0-based
    bbox: tuple[float, float, float, float]  # PDF points
    confidence: float


class PdfPreviewWidget(QWidget):
    page_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self._document: PdfPreview | None = None
        self._page = 0
        self._zoom = DEFAULT_ZOOM
        self._highlights: list[Highlight] = []
        self._selected: str | None = None
        self._fit_width = True
        self._fit_timer = QTimer(self, singleShot=True, interval=120)
        self._fit_timer.timeout.connect(self._fit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        self.previous_button = self._tool("‹", "Page précédente (Page précédente)", self.previous)
        self.next_button = self._tool("›", "Page suivante (Page suivante)", self.next)
        self.page_label = QLabel()
        self.page_label.setObjectName("preview_page")
        self.zoom_out_button = self._tool("−", "Réduire", self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("preview_zoom")
        self.zoom_in_button = self._tool("+", "Agrandir", self.zoom_in)
        self.fit_button = self._tool("↔", "Ajuster à la largeur", self.fit_width)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.zoom_out_button)
        bar.addWidget(self.zoom_label)
        bar.addWidget(self.zoom_in_button)
        bar.addWidget(self.fit_button)
        layout.addLayout(bar)
        self.image = QLabel()
        self.image.setObjectName("preview_image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.image)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.scroll_area, 1)
        self._update_bar()

    def _tool(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # --- document -------------------------------------------------------------------------

    def set_document(self, path: Path) -> None:
        """Raises ``UnreadableInvoiceError`` (French) when the file cannot be shown; the
        document shown until then stays, with its highlights."""
        document = PdfPreview(path)
        self.clear()
        self._document = document
        self._page = 0
        if self._fit_width:
            self._zoom = self._width_zoom()
        self._render()

    def clear(self) -> None:
        if self._document is not None:
            self._document.close()
            self._document = None
        self._highlights, self._selected = [], None
        self.image.clear()
        self._update_bar()

    @property
    def page_count(self) -> int:
        return self._document.page_count if self._document else 0

    @property
    def page(self) -> int:
        return self._page

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = highlights
        self._render()

    def select(self, name: str | None) -> None:
        """Show where ``name`` was read (its page, framed more strongly)."""
        self._selected = name
        chosen = next((h for h in self._highlights if h.name == name), None)
        if chosen is not None and chosen.page != self._page:
            self._page = chosen.page
        self._render()
        if chosen is not None:
            x0, y0, _, _ = chosen.bbox
            self.scroll_area.ensureVisible(int(x0 * self._zoom), int(y0 * self._zoom), 60, 80)

    # --- navigation -----------------------------------------------------------------------

    def previous(self) -> None:
        self.show_page(self._page - 1)

    def next(self) -> None:
        self.show_page(self._page + 1)

    def show_page(self, index: int) -> None:
        if 0 <= index < self.page_count and index != self._page:
            self._page = index
            self._render()
            self.page_changed.emit(index)

    def zoom_in(self) -> None:
        self._fit_width = False
        self.set_zoom(next((z for z in ZOOMS if z > self._zoom + 0.01), self._zoom))

    def zoom_out(self) -> None:
        self._fit_width = False
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self._zoom - 0.01), self._zoom))

    def fit_width(self) -> None:
        self._fit_width = True
        self._fit()

    def _width_zoom(self) -> float:
        if self._document is None:
            return self._zoom
        width, _ = self._document.page_size(self._page)
        available = self.scroll_area.viewport().width() - 24
        return max(ZOOMS[0], min(ZOOMS[-1], available / width)) if width else self._zoom

    def _fit(self) -> None:
        if self._fit_width:
            self.set_zoom(self._width_zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_width and self._document is not None:
            self._fit_timer.start()

    def set_zoom(self, zoom: float) -> None:
        if abs(zoom - self._zoom) > 0.005:
            self._zoom = zoom
            self._render()

    # --- drawing ----------------------------------------------------------------------------

    def _update_bar(self) -> None:
        count = self.page_count
        self.page_label.setText(f"Page {self._page + 1} sur {count}" if count else "")
        self.previous_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page + 1 < count)
        self.zoom_label.setText(f"{round(self._zoom * 100)} %")
        self.zoom_in_button.setEnabled(self._document is not None and self._zoom < ZOOMS[-1])
        self.zoom_out_button.setEnabled(self._document is not None and self._zoom > ZOOMS[0])

    def _render(self) -> None:
        self._update_bar()
        if self._document is None:
            return
        ratio = self.devicePixelRatioF()
        page = self._document.render(self._page, self._zoom * ratio)
        image = QImage(
            page.samples, page.width, page.height, page.stride, QImage.Format.Format_RGB888
        ).copy()  # the bytes object does not outlive this call
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self._paint_highlights(pixmap)
        self.image.setPixmap(pixmap)

    def _paint_highlights(self, pixmap: QPixmap) -> None:
        """The painter works in logical pixels: PDF points times the zoom."""
        scale = self._zoom
        on_page = [h for h in self._highlights if h.page == self._page]
        if not on_page:
            return
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for highlight in on_page:
            low = highlight.confidence < LOW_CONFIDENCE
            colour = QColor("#d9822b") if low else QColor("#2f6fd0")
            selected = highlight.name == self._selected
            fill = QColor(colour)
            fill.setAlpha(90 if selected else 40)
            painter.setPen(QPen(colour, 3 if selected else 1.5))
            painter.setBrush(fill)
            x0, y0, x1, y1 = highlight.bbox
            painter.drawRect(
                QRectF(x0 * scale - 2, y0 * scale - 2, (x1 - x0) * scale + 4, (y1 - y0) * scale + 4)
            )
        painter.end()
