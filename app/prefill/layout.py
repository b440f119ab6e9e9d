"""Group positioned words into visual rows, whatever produced them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import replace

from app.prefill.model import Row, Word
from app.prefill.normalize import clean_text, join_letter_spacing

# Words OCR sometimes cuts in two ("FACTU RE"): glued back when the halves make one of them.
KEYWORDS = frozenset(
    {"facture", "avoir", "total", "siret", "montant", "payer", "engagement", "commande", "date"}
)


def _glue_split_keywords(words: list[Word]) -> list[Word]:
    glued: list[Word] = []
    for word in words:
        previous = glued[-1] if glued else None
        if (
            previous is not None
            and word.source == "ocr"
            and (previous.text + word.text).lower() in KEYWORDS
        ):
            glued[-1] = Word(
                previous.text + word.text,
                previous.x0,
                min(previous.y0, word.y0),
                word.x1,
                max(previous.y1, word.y1),
                word.page,
                word.source,
                previous.line,
                previous.lift,
            )
        else:
            glued.append(word)
    return glued


def rows_from_words(words: Iterable[Word]) -> list[Row]:
    """Rows per page, top to bottom: a word joins a row when its vertical centre falls within
    the row's band (half a line height), so table cells on one line form one row."""
    by_page: dict[int, list[Word]] = {}
    for word in words:
        text = clean_text(word.text)
        if text.strip():
            if text != word.text:
                word = replace(word, text=text)
            by_page.setdefault(word.page, []).append(word)
    rows: list[Row] = []
    for page in sorted(by_page):
        page_rows: list[tuple[float, float, list[Word]]] = []  # centre, half height, words
        for centre, half, unit in _line_units(by_page[page]):
            if page_rows and abs(centre - page_rows[-1][0]) <= max(half, page_rows[-1][1]) * 0.8:
                page_rows[-1][2].extend(unit)
            else:
                page_rows.append((centre, half, list(unit)))
        for _centre, _half, row_words in page_rows:
            row_words = _glue_split_keywords(sorted(row_words, key=lambda w: w.x0))
            row_words = join_letter_spacing(row_words)
            rows.append(Row(page, row_words, row_words[0].source))
    return rows


def _line_units(words: list[Word]) -> list[tuple[float, float, list[Word]]]:
    """(centre, half height, words) of each line OCR read, or of each word of a text layer,
    top to bottom: a line OCR read stays whole, at the median height of its words."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    units: list[tuple[float, float, list[Word]]] = []
    for word in words:
        if word.line is not None:
            lines.setdefault(word.line, []).append(word)
        else:
            units.append(((word.y0 + word.y1) / 2, max(1.0, (word.y1 - word.y0) / 2), [word]))
    for line_words in lines.values():
        centre = statistics.median((w.y0 + w.y1) / 2 for w in line_words)
        half = max(1.0, statistics.median((w.y1 - w.y0) / 2 for w in line_words))
        units.append((centre, half, line_words))
    return sorted(units, key=lambda unit: (unit[0], unit[2][0].x0))
