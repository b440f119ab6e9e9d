"""Pages of a PDF as raw RGB pixels, for the Déposer tab's preview (Qt wraps them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.prefill.intake import UnreadableInvoiceError

POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class RenderedPage:
    width: int
    height: int
    stride: int
    samples: bytes  # RGB888
    zoom: float  # pixels per PDF point


class PdfPreview:
    """One open document; :meth:`render` draws a page at a zoom (1.0 = 72 dpi)."""

    def __init__(self, path: Path) -> None:
        try:
            import pymupdf  # on first use: it takes half a second to import, not at start-up

            self._document = pymupdf.open(path)
        except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
            raise UnreadableInvoiceError(
                f"Impossible d'afficher « {path.name} » : le fichier n'est pas un PDF lisible."
            ) from exc
        if self._document.needs_pass:
            self._document.close()
            raise UnreadableInvoiceError(f"« {path.name} » est protégé par un mot de passe.")

    @property
    def page_count(self) -> int:
        return int(self._document.page_count)

    def page_size(self, index: int) -> tuple[float, float]:
        rect = self._document[index].rect
        return float(rect.width), float(rect.height)

    def render(self, index: int, zoom: float) -> RenderedPage:
        import pymupdf

        pixmap = self._document[index].get_pixmap(
            matrix=pymupdf.Matrix(zoom, zoom), alpha=False, colorspace=pymupdf.csRGB
        )
        return RenderedPage(pixmap.width, pixmap.height, pixmap.stride, bytes(pixmap.samples), zoom)

    def text(self) -> str:
        return "\n".join(self._document[i].get_text() for i in range(self.page_count))

    def close(self) -> None:
        self._document.close()


def pdf_text(path: Path) -> str:
    """The text layer of every page (empty for a scan); ``UnreadableInvoiceError`` when the
    file cannot be opened."""
    document = PdfPreview(path)
    try:
        return document.text()
    finally:
        document.close()
