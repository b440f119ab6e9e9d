"""Prefill: Factur-X first, else the text layer of the first three pages, else OCR."""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from multiprocessing.pool import Pool
from pathlib import Path

from app.errors import BordereauError
from app.prefill import extract, totals
from app.prefill.facturx_reader import embedded_xml, read_facturx
from app.prefill.intake import damaged, open_invoice
from app.prefill.layout import rows_from_words
from app.prefill.model import FIELD_NAMES, Field, PrefillResult, Row, Word
from app.prefill.pages import OcrUnavailableError, has_usable_text, ocr_page, text_layer_words

log = logging.getLogger(__name__)

MAX_PAGES = 3  # what Chorus Pro's own recognition reads
LABELS = {
    "invoice_number": "le numéro de facture",
    "issue_date": "la date de facture",
    "seller_siret": "votre SIRET",
    "buyer_siret": "le SIRET du destinataire",
    "total_ht": "le total HT",
    "total_tva": "le total de TVA",
    "total_ttc": "le total TTC",
    "amount_due": "le net à payer",
}
LOW_CONFIDENCE = 0.6

Progress = Callable[[float, str], None]


class PrefillCancelled(BordereauError):
    title = "Lecture annulée"

    def __init__(self) -> None:
        super().__init__("La lecture de la facture a été annulée.")


class OcrPool:
    """Worker processes for Tesseract, started on first use and kept for the session.

    ``spawn`` everywhere (the default on Windows and macOS, and safe with Qt's threads on
    Linux); frozen builds need ``multiprocessing.freeze_support()``, called in ``app.cli.main``.
    """

    def __init__(self, processes: int | None = None) -> None:
        self._processes = processes or max(1, min(2, multiprocessing.cpu_count()))
        self._pool: Pool | None = None
        self._lock = threading.Lock()

    def pool(self) -> Pool:
        with self._lock:
            if self._pool is None:
                self._pool = multiprocessing.get_context("spawn").Pool(self._processes)
            return self._pool

    def terminate(self) -> None:
        """Stop the workers at once (cancellation); the next use starts new ones."""
        with self._lock:
            if self._pool is not None:
                self._pool.terminate()
                self._pool.join()
                self._pool = None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool.join()
                self._pool = None


SECOND_READING_PAGES = 3
EXPECTED_OCR_SECONDS_PER_PAGE = 1.5


def _ocr_pages(
    path: Path,
    indexes: list[int],
    ocr: OcrPool,
    progress: Progress,
    cancelled: Callable[[], bool],
    unread: list[int],
    *,
    light_print: bool = False,
) -> list[Word]:
    """The OCR words of the pages ``indexes``; the numbers of pages that failed go to
    ``unread`` (the others are still read)."""
    pool = ocr.pool()
    pending = {
        index: pool.apply_async(ocr_page, (str(path), index, light_print)) for index in indexes
    }
    words: list[Word] = []
    done = 0
    total = len(indexes)
    since = time.monotonic()  # the last page finished (or the start)
    progress(0.2, f"Lecture optique de la page 1 sur {total}…")
    while pending:
        if cancelled():
            ocr.terminate()
            raise PrefillCancelled
        # Between two pages the bar keeps moving, as a page usually takes about a second.
        share = min(0.9, (time.monotonic() - since) / EXPECTED_OCR_SECONDS_PER_PAGE)
        progress(
            0.2 + 0.7 * (done + share) / total,
            f"Lecture optique de la page {min(done + 1, total)} sur {total}…",
        )
        for index, job in list(pending.items()):
            job.wait(0.1)
            if job.ready():
                try:
                    words.extend(job.get())
                except OcrUnavailableError:
                    raise
                except Exception:  # this page only (a broken image, a page too odd to render)
                    log.warning(
                        "Lecture optique de la page %d impossible", index + 1, exc_info=True
                    )
                    unread.append(index + 1)
                del pending[index]
                done += 1
                since = time.monotonic()
                progress(0.2 + 0.7 * done / total, f"Lecture optique : page {done}/{total} lue")
    return words


DERIVED_CONFIDENCE = 0.75  # a total computed from the others is given at 0.7


def _worth_a_second_reading(result: PrefillResult) -> bool:
    """The totals, the number or the date were not found, or an order's label was read
    without its value: Tesseract's first segmentation may have missed a column or a box
    (light print, a tinted background, a header band's framed boxes)."""
    missing = any(
        result.fields[name].value is None
        for name in ("invoice_number", "issue_date", "total_ht", "total_tva", "total_ttc")
    )
    order_unread = result.fields["order_reference"].value is None and bool(
        extract.ORDER_LABELS.search(result.text)
    )
    # a total worked out from the two others rather than read: its line was not read
    derived = any(
        result.fields[name].confidence < DERIVED_CONFIDENCE
        for name in ("total_ht", "total_tva", "total_ttc")
    )
    return missing or order_unread or derived


def _union(first: list[Word], second: list[Word]) -> list[Word]:
    """The first reading's words, plus the second's that stand where the first read nothing."""
    by_page: dict[int, list[Word]] = {}
    for word in first:
        by_page.setdefault(word.page, []).append(word)
    added = [
        # The second reading numbers its lines afresh: keep them apart from the first's.
        replace(word, line=(10_000 + word.line[0], *word.line[1:]) if word.line else None)
        for word in second
        if not any(_overlap(word, other) for other in by_page.get(word.page, []))
    ]
    return first + added


def _overlap(a: Word, b: Word) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


TOTALS = ("total_ht", "total_tva", "total_ttc", "amount_due")
PARTIES = ("seller_siret", "seller_vat", "buyer_siret")


def _keep_the_best(result: PrefillResult, readings: list[PrefillResult]) -> None:
    """Into ``result`` (the first reading), the best of the readings: the first, the first
    with the second's words where it read nothing, and the second alone (in a framed box the
    first reading may have read a few stray words that keep the second's out of the union).
    The totals go together, from one reading — the one that read the most of them, the
    surest — so that an HT of one reading never meets a TTC of another. Any other field is
    the surest of the first two (the first of equals: the first reading), or the second
    alone's when neither read it; the VAT number and the buyer come from readings that agree
    on who the seller is."""

    def totals_score(reading: PrefillResult) -> tuple[int, int, float]:
        found = [reading.fields[name] for name in TOTALS if reading.fields[name].value]
        return (
            -_in_cents_elsewhere(reading, readings),
            len(found),
            sum(field.confidence for field in found),
        )

    second_alone = readings[-1]

    def preferred(name: str, among: list[PrefillResult]) -> PrefillResult:
        merged = [reading for reading in among if reading is not second_alone]
        best = max(merged, key=lambda reading: reading.fields[name].confidence, default=None)
        if best is None or (best.fields[name].value is None and second_alone in among):
            return second_alone
        return best

    best_totals = max(readings, key=totals_score)
    seller = preferred("seller_siret", readings).fields["seller_siret"].value
    same_seller = [r for r in readings if r.fields["seller_siret"].value == seller]
    for name in list(result.fields):
        if name in TOTALS:
            chosen = best_totals
        else:
            chosen = preferred(name, same_seller if name in PARTIES else readings)
        if chosen.fields[name].value is not None or name in TOTALS:
            result.fields[name] = chosen.fields[name]


def _in_cents_elsewhere(reading: PrefillResult, readings: list[PrefillResult]) -> int:
    """How many of ``reading``'s totals another reading gives a hundred times smaller: OCR
    loses a decimal mark (« 375048 » for « 3 750,48 »), it never makes one up."""
    lost = 0
    for name in TOTALS:
        value = reading.fields[name].value
        others = [other.fields[name].value for other in readings]
        if value is not None and any(
            smaller is not None and Decimal(smaller) * 100 == Decimal(value) != 0
            for smaller in others
        ):
            lost += 1
    return lost


def _warn_missing(result: PrefillResult) -> None:
    for name, label in LABELS.items():
        found = result.fields.get(name)
        if found is None or found.value is None:
            pronoun = "la" if label.startswith("la ") else "le"
            result.field_warnings.append(f"Bordereau n'a pas trouvé {label} : saisissez-{pronoun}.")
        elif found.confidence < LOW_CONFIDENCE:
            result.field_warnings.append(f"Vérifiez {label} : la lecture est incertaine.")


def prefill(
    path: Path,
    *,
    own_siret: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    ocr: OcrPool | None = None,
    today: date | None = None,
) -> PrefillResult:
    """Read ``path``. Raise :class:`UnreadableInvoiceError` when it cannot be read at all;
    otherwise return what was found, with a warning for each gap."""
    report = progress or (lambda _fraction, _message: None)
    is_cancelled = cancelled or (lambda: False)
    report(0.0, "Vérification du fichier")
    intake = open_invoice(path)
    try:
        xml = embedded_xml(intake.content)
        structured = read_facturx(xml) if xml else None
        if structured is not None:
            structured.warnings = intake.warnings + structured.warnings
            structured.suggested_file_name = intake.suggested_file_name
            structured.pages_read = intake.document.page_count
            structured.text = "\n".join(page.get_text() for page in intake.document)
            report(1.0, "Factur-X lu")
            return structured
        report(0.1, "Lecture du texte")
        words: list[Word] = []
        to_ocr: list[int] = []
        for index in range(min(MAX_PAGES, intake.document.page_count)):
            try:
                page_words = text_layer_words(intake.document[index], index)
            except Exception as exc:  # PyMuPDF: a looping page tree, a broken content stream
                raise damaged(path.name, exc) from exc
            if has_usable_text(page_words):
                words.extend(page_words)
            else:
                to_ocr.append(index)
        pages = min(MAX_PAGES, intake.document.page_count)
    finally:
        intake.document.close()
    own_pool = ocr is None and bool(to_ocr)
    pool = ocr or OcrPool()
    ocr_problem: OcrUnavailableError | None = None
    unread: list[int] = []
    result = PrefillResult(
        warnings=list(intake.warnings),
        pages_read=pages,
        scanned=bool(to_ocr),
        suggested_file_name=intake.suggested_file_name,
    )
    try:
        try:
            if to_ocr:
                words.extend(_ocr_pages(path, to_ocr, pool, report, is_cancelled, unread))
        except OcrUnavailableError as exc:
            pool.terminate()  # the other pages would fail the same way
            ocr_problem = exc  # the PDF can still be sent: the user types what OCR would read
        rows = rows_from_words(sorted(words, key=lambda w: w.page))
        result.text = "\n".join(row.text for row in rows)
        report(0.92, "Recherche des champs")
        fill_from_rows(result, rows, own_siret=own_siret, today=today or date.today())
        if to_ocr and ocr_problem is None and _worth_a_second_reading(result):
            report(0.93, "Seconde lecture optique")

            def second_progress(fraction: float, _message: str) -> None:
                report(0.93 + 0.06 * (fraction - 0.2) / 0.7, "Seconde lecture optique")

            more = _ocr_pages(
                path,
                to_ocr[:SECOND_READING_PAGES],
                pool,
                second_progress,
                is_cancelled,
                [],
                light_print=True,
            )
            readings = [result]
            for reading_words in (_union(words, more), more):
                rows = rows_from_words(sorted(reading_words, key=lambda w: w.page))
                readings.append(PrefillResult())
                fill_from_rows(readings[-1], rows, own_siret=own_siret, today=today or date.today())
            _keep_the_best(result, readings)
    finally:
        if own_pool:
            pool.close()
    if unread:
        pages_text = ", ".join(str(number) for number in unread)
        result.warnings.insert(
            0,
            f"La lecture optique n'a pas pu lire la page {pages_text} (image illisible) : "
            "vérifiez cette page et saisissez ce qui manque.",
        )
    if ocr_problem is not None:
        result.warnings.insert(0, f"{ocr_problem.message} Saisissez les champs vous-même.")
    elif to_ocr:
        result.warnings.insert(
            0,
            "Cette facture est une image (numérisation) : Bordereau l'a lue par "
            "reconnaissance de caractères. Vérifiez surtout les montants.",
        )
    _warn_missing(result)
    report(1.0, "Lecture terminée")
    return result


def fill_from_rows(
    result: PrefillResult, rows: list[Row], *, own_siret: str | None, today: date
) -> None:
    if not rows:
        for name in FIELD_NAMES:
            result.fields[name] = Field(None)
        return
    seller, buyer = extract.parties(rows, own_siret)
    found = totals.totals(rows)
    fields = {
        "invoice_number": extract.invoice_number(rows),
        "issue_date": extract.issue_date(rows),
        "invoice_type": extract.invoice_type(rows),
        "seller_siret": seller,
        "seller_vat": extract.seller_vat(rows, seller.value, buyer.value),
        "buyer_siret": buyer,
        "order_reference": extract.order_reference(rows),
        "total_ht": found.ht,
        "total_tva": found.tva,
        "total_ttc": found.ttc,
        "amount_due": found.due,
        "currency": extract.currency(rows),
    }
    if fields["invoice_type"].value == "avoir":
        totals.as_credit_note(found.ht, found.tva, found.ttc, found.due)
    issued = fields["issue_date"]
    if issued.value and not extract.plausible_date(issued.value, today):
        issued.confidence = min(issued.confidence, 0.4)
    result.fields.update(fields)
