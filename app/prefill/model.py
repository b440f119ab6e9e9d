"""What the prefill engine reads and what it returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Source = Literal["facturx", "text", "ocr"]

# The keys of the truth format (../shared/corpus/README.md), in order.
FIELD_NAMES = (
    "invoice_number",
    "issue_date",
    "invoice_type",
    "seller_siret",
    "seller_vat",
    "buyer_siret",
    "order_reference",
    "total_ht",
    "total_tva",
    "total_ttc",
    "amount_due",
    "currency",
)

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    page: int  # 0-based
    source: Source
    # OCR: the line Tesseract read the word in (block, paragraph, line); its words belong
    # together even when their boxes stray up or down.
    line: tuple[int, int, int] | None = None
    # OCR of a tilted scan: y0/y1 are straightened so that rows follow the printed lines;
    # adding ``lift`` gives back where the word sits on the page (to frame it there).
    lift: float = 0.0


@dataclass(slots=True)
class Row:
    """Words that sit on one visual line of a page, left to right."""

    page: int
    words: list[Word]
    source: Source

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def top(self) -> float:
        return min(word.y0 for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.y1 for word in self.words)

    @property
    def left(self) -> float:
        return min(word.x0 for word in self.words)

    def spans(self) -> Iterator[tuple[Word, int, int]]:
        """Each word with where it stands in :attr:`text` (start, end)."""
        position = 0
        for word in self.words:
            yield word, position, position + len(word.text)
            position += len(word.text) + 1

    def bbox_of(self, start: int, end: int, *, on_page: bool = False) -> BBox:
        """The box of the words covering characters ``start:end`` of :attr:`text`: in the
        straightened frame the rows are built in, or ``on_page`` where they are printed."""
        chosen = [word for word, first, last in self.spans() if last > start and first < end]
        chosen = chosen or self.words
        return (
            min(w.x0 for w in chosen),
            min(w.y0 + (w.lift if on_page else 0.0) for w in chosen),
            max(w.x1 for w in chosen),
            max(w.y1 + (w.lift if on_page else 0.0) for w in chosen),
        )


@dataclass(slots=True)
class Field:
    value: str | None
    confidence: float = 0.0
    source: Source | None = None
    page: int | None = None  # 1-based, as shown to the user
    bbox: BBox | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 2),
            "source": self.source,
            "page": self.page,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
        }


@dataclass(slots=True)
class PrefillResult:
    fields: dict[str, Field] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # about the whole document
    field_warnings: list[str] = field(default_factory=list)  # a field missing or uncertain
    pages_read: int = 0
    scanned: bool = False
    suggested_file_name: str | None = None
    text: str = ""  # what was read, row by row (the checks look for mandatory mentions)

    def value(self, name: str) -> str | None:
        found = self.fields.get(name)
        return found.value if found else None

    def all_warnings(self) -> list[str]:
        """The document's warnings, then the fields'."""
        return self.warnings + self.field_warnings

    def as_json(self) -> dict[str, Any]:
        """The truth-format keys (null when not found) plus ``fields`` and ``warnings``."""
        data: dict[str, Any] = {name: self.value(name) for name in FIELD_NAMES}
        data["fields"] = {
            name: self.fields[name].as_json() for name in FIELD_NAMES if name in self.fields
        }
        data["warnings"] = self.all_warnings()
        data["scanned"] = self.scanned
        return data
