"""The written invoice's table reads as one: each figure column's header ends where its
figures end (issue 32: the headers were left-aligned over right-aligned figures)."""

from __future__ import annotations

from dataclasses import replace

import pymupdf

from app.invoicing.model import VatRegime
from app.invoicing.pdf import page_pdf
from tests.support.written_invoices import written_invoice


def test_figure_headers_end_where_their_figures_end() -> None:
    invoice = next(
        made
        for made in map(written_invoice, range(50))
        if made.regime is VatRegime.STANDARD and len(made.lines) >= 3
    )
    pdf = page_pdf(replace(invoice, number="2026-0042"))
    with pymupdf.open(stream=pdf, filetype="pdf") as document:  # type: ignore[no-untyped-call]
        words = document[0].get_text("words")
    header_words = {"Quantité": None, "HT": None, "TVA": None}
    headers = [word for word in words if word[4] in header_words and word[1] < 400]
    header_line = min(word[1] for word in headers if word[4] == "Quantité")
    on_header = sorted(
        (word for word in words if abs(word[1] - header_line) < 2), key=lambda word: word[0]
    )
    rights = [round(word[2]) for word in on_header if word[4] in ("Quantité", "HT", "TVA")]
    figures = [word for word in words if word[1] > header_line + 5 and word[4] in ("€", "%")]
    figure_rights = {round(word[2]) for word in figures}
    for right in rights:  # « Quantité », « unitaire HT », « TVA », « Montant HT »
        if right == rights[0]:
            continue  # the quantity column ends with a unit word, checked below
        assert any(abs(right - edge) <= 2 for edge in figure_rights), (right, figure_rights)
    quantities = [word for word in words if word[1] > header_line + 5 and word[2] <= rights[0] + 2]
    assert any(abs(round(word[2]) - rights[0]) <= 2 for word in quantities)
