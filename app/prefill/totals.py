"""The totals of an invoice — without VAT, VAT, with VAT, due — chosen so that they add up,
and the repairs a scan's figures need (a lost decimal mark, a misread digit, a lost sign)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from app.prefill.extract import (
    FRANCHISE,
    TOLERANCE,
    ZERO,
    Candidate,
    _after_label,
    _amount_in,
    _amount_in_total,
    _label,
    one_character_apart,
    row_height,
)
from app.prefill.model import Field, Row
from app.prefill.parsing import amounts_in

UNCHECKED_CONFIDENCE = 0.88

TOTAL_HT = _label(
    r"total\s+h\.?\s*t\.?\b",
    r"total\s+hors\s+taxes?",
    r"total\s+hors\s+t\.?v\.?a\.?",
    r"montant\s+total\s+h\.?\s*t\.?\b",
    r"sous[\s\-]total\s+h\.?\s*t\.?",
    r"total\s+net\s+h\.?\s*t\.?",
    r"total\s+\(?excl?\b",
)
TOTAL_HT_WEAK = _label(
    r"montant\s+h\.?\s*t\.?\b",
    r"sous[\s\-]total\b",
    r"\bsub[\s\-]?total\b",
    r"\bnet\s+h\.?\s*t\.?\b",
)
TOTAL_TVA = _label(
    r"total\s+(?:de\s+la\s+)?t\.?v\.?a\.?\b",
    r"montant\s+(?:de\s+la\s+)?t\.?v\.?a\.?\b",
    r"^\s*t\.?v\.?a\.?\b(?:\s*\(?\s*\d+(?:[.,]\d+)?\s*%\)?)?",
    r"taxe\s+sur\s+la\s+valeur\s+ajout[ée]e(?:\s*\(?\s*\d+(?:[.,]\d+)?\s*%\)?)?",
    r"\bVAT\b",
    # a utility bill's summary box: « dont TVA 20 % » under its total
    r"\bdont\s+t\.?v\.?a\.?\b(?:\s*\(?\s*\d+(?:[.,]\d+)?\s*%\)?)?",
)
NOT_VAT_TOTAL = re.compile(
    r"siret|siren|\bFR\s?[0-9A-Z]{2}\s?\d{3}|intra|n\s*[°ºo]|num[ée]ro|non\s+applicable|293"
    r"|identif|\bexcl?\b|\bincl?\b|h\.?\s*t\.?\b|t\.?t\.?c|hors\s+tax",
    re.I,
)
TOTAL_TTC = _label(
    r"total\s+t\.?\s*t\.?\s*c\.?\b",
    r"montant\s+(?:total\s+)?t\.?\s*t\.?\s*c\.?\b",
    r"total\s+toutes\s+taxes",
    r"total\s+\(?incl?\b",
    r"\btotal\s+g[ée]n[ée]ral",
    r"(?:total|montant)\s+(?:total\s+)?de\s+(?:votre|la|cette)\s+facture",
)
# « TOTAL », « Total (EUR) », « Total : » with the amount right after: the grand total, when
# no « Total TTC » says it (not « Sous-total », not « Total HT »).
TOTAL_BARE = _label(r"(?<![\w\-])total\s*(?:\(\s*(?:EUR|€)\s*\)|EUR|€)?\s*:?(?=\s*-?\d)")
AMOUNT_DUE = _label(
    r"net\s+[àa]\s+payer",
    r"reste\s+[àa]\s+payer",
    r"montant\s+(?:net\s+|total\s+)?[àa]\s+payer",
    r"total\s+[àa]\s+payer",
    r"^\s*[àa]\s+payer\b",
    r"montant\s+(?:net\s+)?[àa]\s+r[ée]gler",
    r"net\s+[àa]\s+r[ée]gler",
    r"solde\s+(?:d[ûu]|[àa]\s+payer)",
    r"montant\s+d[ûu]",
    r"reste\s+d[ûu]",
    r"total\s+[àa]\s+r[ée]gler",
    r"net\s+[àa]\s+(?:d[ée]duire|rembourser)",
    r"montant\s+(?:net\s+)?[àa]\s+rembourser",
    r"amount\s+due",
    r"balance\s+due",
)
DEPOSIT = _label(
    r"acomptes?\s+(?:d[ée]j[àa]\s+)?(?:vers[ée]s?|r[ée]gl[ée]s?|pay[ée]s?|per[çc]us?)",
    r"d[ée]j[àa]\s+(?:r[ée]gl[ée]|pay[ée]|vers[ée])",
    r"\bacompte\b",
)


@dataclass(slots=True)
class Totals:
    ht: Field
    tva: Field
    ttc: Field
    due: Field


def _last(found: list[Candidate]) -> Candidate | None:
    """Totals sit at the end: the last occurrence, in reading order, wins."""
    return max(found, key=lambda c: (c.row.page, c.row.top), default=None)


def _consistent_triple(
    hts: list[Candidate], tvas: list[Candidate], ttcs: list[Candidate]
) -> tuple[Candidate, Candidate, Candidate] | None:
    """The labelled amounts that add up (HT + TVA = TTC within a cent or two), when the last
    of each do not: the most confident such triple, the latest on the page at equal score."""
    best: tuple[float, tuple[int, float], tuple[Candidate, Candidate, Candidate]] | None = None
    for ht in hts:
        for tva in tvas:
            for ttc in ttcs:
                if abs(Decimal(ht.value) + Decimal(tva.value) - Decimal(ttc.value)) > TOLERANCE:
                    continue
                if Decimal(ttc.value) == ZERO:
                    continue
                score = ht.confidence + tva.confidence + ttc.confidence
                where = max((c.row.page, c.row.top) for c in (ht, tva, ttc))
                if best is None or (score, where) > (best[0], best[1]):
                    best = (score, where, (ht, tva, ttc))
    return best[2] if best else None


def totals(rows: list[Row]) -> Totals:
    ht_found = _after_label(rows, TOTAL_HT, _amount_in_total)
    ht = _last(ht_found)
    weak_ht = _after_label(rows, TOTAL_HT_WEAK, _amount_in, below=False)
    if ht is None:
        ht = _last(weak_ht)
    vat_rows = _after_label(rows, TOTAL_TVA, _amount_in, exclude=NOT_VAT_TOTAL)
    ttc_found = _after_label(rows, TOTAL_TTC, _amount_in_total)
    ttc = _last(ttc_found)
    bare = _after_label(rows, TOTAL_BARE, _amount_in, below=False)
    for candidate in bare:
        candidate.confidence = 0.85
    if ttc is None:
        ttc = _last(bare)
    due = _last(_after_label(rows, AMOUNT_DUE, _amount_in_total))
    # a deposit is said among the totals, not as a line of the table above them (« Trop-perçu
    # sur acompte » on a regularisation invoice)
    deposit = _last(
        [
            found
            for found in _after_label(rows, DEPOSIT, _amount_in)
            if ht is None or (found.row.page, found.row.top) >= (ht.row.page, ht.row.top)
        ]
    )
    franchise = any(FRANCHISE.search(row.text) for row in rows)

    ht_value = Decimal(ht.value) if ht else None
    ttc_value = Decimal(ttc.value) if ttc else None
    tva_field: Field
    tva_value: Decimal | None
    explicit_total = [c for c in vat_rows if re.search(r"total|montant", c.row.text, re.I)]
    if explicit_total:
        tva = _last(explicit_total)
        assert tva is not None
        tva_field, tva_value = tva.to_field(), Decimal(tva.value)
    elif vat_rows:
        # One line per rate: their sum is the VAT total; only the lines of the totals block
        # (a second bill or a lines table elsewhere in the file has its own).
        near = [c for c in vat_rows if ttc is None or _near(c.row, ttc.row)] or vat_rows
        lines = {(c.row.page, round(c.row.top)): c for c in near}
        tva_value = sum((Decimal(c.value) for c in lines.values()), ZERO)
        first = next(iter(lines.values()))
        tva_field = (
            first.to_field()
            if len(lines) == 1
            else Field(str(tva_value), 0.85, first.row.source, first.row.page + 1)
        )
        if ht_value is not None and not _plausible_vat(abs(ht_value), abs(tva_value)):
            # a scan that lost a line's decimal mark (« 672515 » for « 6 725,15 »)
            repaired = sum((_decimal_mark_lost(c) for c in lines.values()), ZERO)
            if repaired != tva_value and _plausible_vat(abs(ht_value), abs(repaired)):
                tva_value, tva_field.confidence = repaired, 0.7
        tva_field.value = str(tva_value)
    elif franchise:
        tva_value = ZERO
        tva_field = Field("0.00", 0.8)
    else:
        tva_value = None
        tva_field = Field(None)
    if tva_value is not None and ttc_value is not None and abs(tva_value) > abs(ttc_value):
        tva_value, tva_field = None, Field(None)  # more VAT than the total: a misreading

    if ht and ttc and tva_value is not None and _sign_lost(ht_value, tva_value, ttc_value):
        # a negative invoice whose minus sign a scan lost on some of its totals
        for printed in (ht, ttc):
            printed.value = str(-abs(Decimal(printed.value)))
        ht_value, ttc_value = Decimal(ht.value), Decimal(ttc.value)
        tva_value = -abs(tva_value)
        tva_field.value = str(tva_value)
    if (
        ht_value is not None
        and tva_value is not None
        and ttc_value is not None
        and abs(ht_value + tva_value - ttc_value) > TOLERANCE
    ):
        triple = _consistent_triple(ht_found + weak_ht, vat_rows, ttc_found + bare)
        if triple is not None:  # the amounts that agree, rather than the last of each
            ht, tva_candidate, ttc = triple
            ht_value, ttc_value = Decimal(ht.value), Decimal(ttc.value)
            tva_field, tva_value = tva_candidate.to_field(), Decimal(tva_candidate.value)

    if not _adds_up(ht_value, tva_value, ttc_value):
        table = _vat_table(rows) or _repeated_rows(rows)
        if table is not None and (
            ttc_value is None
            or Decimal(table[2].value) == ttc_value
            or ht_value is None
            or tva_value is None
        ):
            # Unlabelled, the VAT table's rows (rate, base, VAT, total) agree with themselves.
            ht, tva_candidate, ttc = table
            ht_value, ttc_value = Decimal(ht.value), Decimal(ttc.value)
            tva_field, tva_value = tva_candidate.to_field(), Decimal(tva_candidate.value)
    if ht and ttc and tva_value is not None and not _adds_up(ht_value, tva_value, ttc_value):
        in_cents = _in_cents(ht, tva_value, ttc)
        if in_cents is not None:
            ht_value, ttc_value = in_cents
            ht.value, ttc.value = str(ht_value), str(ttc_value)
    ht_field = ht.to_field() if ht else Field(None)
    ttc_field = ttc.to_field() if ttc else Field(None)
    if (
        ht_value is not None
        and tva_value is not None
        and ttc_value is not None
        and abs(ht_value + tva_value - ttc_value) > TOLERANCE
        and not explicit_total
        and _plausible_vat(ht_value, ttc_value - ht_value)
    ):
        # The VAT lines do not add up (one misread or missed) but the labelled totals give it.
        tva_value = ttc_value - ht_value
        tva_field = Field(str(tva_value), 0.7, ttc_field.source)
        _unchecked(ht_field, ttc_field)
    if ht_value is not None and tva_value is not None and ttc_value is not None:
        if abs(ht_value + tva_value - ttc_value) <= TOLERANCE:
            for item in (ht_field, tva_field, ttc_field):
                item.confidence = min(1.0, item.confidence + 0.05)
        else:
            for item in (ht_field, tva_field, ttc_field):
                item.confidence *= 0.6
    elif (
        ht_value is not None
        and tva_value is not None
        and ttc_value is None
        and _plausible_vat(abs(ht_value), abs(tva_value))
    ):
        ttc_field = Field(str(ht_value + tva_value), 0.7, ht_field.source)
        ttc_value = ht_value + tva_value
        _unchecked(ht_field, tva_field)
    elif ttc_value is not None and tva_value is not None and ht_value is None:
        ht_field = Field(str(ttc_value - tva_value), 0.7, ttc_field.source)
        _unchecked(tva_field, ttc_field)
    elif (
        ht_value is not None
        and ttc_value is not None
        and tva_value is None
        and _plausible_vat(abs(ht_value), abs(ttc_value) - abs(ht_value))
    ):
        tva_field = Field(str(ttc_value - ht_value), 0.7, ttc_field.source)
        _unchecked(ht_field, ttc_field)

    if due is not None:
        due_field = due.to_field()
        misread = (
            ttc_value is not None
            and deposit is None
            and Decimal(due.value) != ttc_value
            and _spaced_out(due.row.text, ttc_value)
        )
        if misread:
            due_field.value = str(ttc_value)  # « 31 17 1 ,92 € »: OCR split a big amount
        elif ttc_value is not None and Decimal(due.value) > ttc_value + TOLERANCE:
            due_field.confidence *= 0.5
        elif ttc_value is not None and deposit is None and Decimal(due.value) != ttc_value:
            due_field.confidence *= 0.6  # less than the total, and nothing paid says why
    elif ttc_value is not None and deposit is not None:
        remaining = ttc_value - abs(Decimal(deposit.value))  # « Déjà réglé −540,00 »
        due_field = Field(str(remaining), 0.75, ttc_field.source)
    else:
        # No « net à payer » printed: nothing to read (the deposit form takes the total with
        # VAT, which is what is due when nothing was paid in advance).
        due_field = Field(None)
    return Totals(ht_field, tva_field, ttc_field, due_field)


def as_credit_note(*fields: Field) -> None:
    """A credit note is deposited with positive amounts (its type says it is a credit), however
    it prints them (« −120,00 € »)."""
    for item in fields:
        if item.value is not None and item.value.startswith("-"):
            item.value = item.value[1:]


def _near(row: Row, other: Row) -> bool:
    """On the same page, within a totals block's height (about fifteen lines) of each other."""
    return row.page == other.page and abs(row.top - other.top) <= 15 * row_height(other)


def _sign_lost(ht: Decimal | None, tva: Decimal | None, ttc: Decimal | None) -> bool:
    """Some totals negative, others not, and they add up once all are negative."""
    if ht is None or tva is None or ttc is None:
        return False
    signs = {value < 0 for value in (ht, tva, ttc) if value != 0}
    return signs == {True, False} and abs(abs(ht) + abs(tva) - abs(ttc)) <= TOLERANCE


def _adds_up(ht: Decimal | None, tva: Decimal | None, ttc: Decimal | None) -> bool:
    return (
        ht is not None and tva is not None and ttc is not None and abs(ht + tva - ttc) <= TOLERANCE
    )


RATE = re.compile(r"(?<![\d,.])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def _rate_row(row: Row) -> tuple[Decimal, Decimal, Decimal, int, int] | None:
    """(base, VAT, total) in a row of a VAT table: a rate and three amounts where the base
    times the rate is the VAT and base + VAT the total (« 20,00 % 97,98 489,97 587,95 »)."""
    rate_match = RATE.search(row.text)
    if rate_match is None:
        return None
    rate = Decimal(rate_match.group(1).replace(",", "."))
    if not ZERO < rate <= 20:
        return None
    amounts = [
        (value, start, end)
        for value, start, end in amounts_in(row.text)
        if start >= rate_match.end() and not row.text[end:].lstrip().startswith("%")
    ]
    for base, start, _ in amounts:
        for vat, _, _ in amounts:
            if abs(base * rate / 100 - vat) > TOLERANCE or vat <= 0:
                continue
            for total, _, end in amounts:
                if abs(base + vat - total) <= TOLERANCE and total > base:
                    return base, vat, total, start, end
    return None


def _repeated_rows(rows: list[Row]) -> tuple[Candidate, Candidate, Candidate] | None:
    """A VAT recap's rate line and its « TOTAL » line repeat the same figures (one rate):
    on a scan each may have a digit misread (« 97,98 469,97 587,95 » over « 97,38 489,97
    587,95 »). Taken column by column from either line, the figures that add up — base +
    VAT = total, the VAT at most 20 % of the base — are the totals."""
    for index, row in enumerate(rows[:-1]):
        below = rows[index + 1]
        if below.page != row.page or below.top - row.bottom > 2 * row_height(row):
            continue
        upper, lower = _recap_amounts(row), _recap_amounts(below)
        if len(upper) < 3 or len(upper) != len(lower) or upper == lower:
            continue
        figures = zip(upper, lower, strict=True)
        if not all(one_character_apart(f"{a:.2f}", f"{b:.2f}") for a, b in figures):
            continue
        columns = [{a, b} for a, b in zip(upper, lower, strict=True)]
        for base_at, vat_at, total_at in itertools.permutations(range(len(columns)), 3):
            for base, vat, total in itertools.product(
                columns[base_at], columns[vat_at], columns[total_at]
            ):
                if _adds_up(base, vat, total) and _plausible_vat(base, vat):
                    return (
                        Candidate(str(base), 0.8, below, 0, len(below.text)),
                        Candidate(str(vat), 0.8, below, 0, len(below.text)),
                        Candidate(str(total), 0.8, below, 0, len(below.text)),
                    )
    return None


def _recap_amounts(row: Row) -> list[Decimal]:
    """The amounts of a row with two decimals, past its rate (« 20,00% » is not one)."""
    return [
        value
        for value, start, end in amounts_in(row.text)
        if re.search(r"[.,]\d{2}$", row.text[start:end])
        and not row.text[end:].lstrip().startswith("%")
    ]


def _vat_table(rows: list[Row]) -> tuple[Candidate, Candidate, Candidate] | None:
    """The totals of the last VAT table (consecutive rate rows, summed)."""
    groups: list[list[tuple[int, tuple[Decimal, Decimal, Decimal, int, int]]]] = []
    for index, row in enumerate(rows):
        found = _rate_row(row)
        if found is None:
            continue
        if groups and index - groups[-1][-1][0] <= 2 and rows[groups[-1][-1][0]].page == row.page:
            groups[-1].append((index, found))
        else:
            groups.append([(index, found)])
    if not groups:
        return None
    last = groups[-1]
    row = rows[last[-1][0]]
    start, end = last[-1][1][3], last[-1][1][4]
    base, vat, total = (sum((item[1][k] for item in last), ZERO) for k in range(3))
    return (
        Candidate(str(base), 0.85, row, start, end),
        Candidate(str(vat), 0.85, row, start, end),
        Candidate(str(total), 0.85, row, start, end),
    )


def _decimal_mark_lost(candidate: Candidate) -> Decimal:
    """The candidate's amount, in cents when OCR printed it with no decimal mark at all."""
    value = Decimal(candidate.value)
    printed = candidate.row.text[candidate.start : candidate.end]
    if candidate.row.source == "ocr" and not re.search(r"[.,]", printed):
        return (value / 100).quantize(Decimal("0.01"))
    return value


def _in_cents(ht: Candidate, tva: Decimal, ttc: Candidate) -> tuple[Decimal, Decimal] | None:
    """HT and TTC that add up with the VAT once a scan's total printed with no decimal mark
    (« 312540 » for « 3 125,40 ») is read in cents; None when no such reading adds up."""
    for ht_value in {Decimal(ht.value), _decimal_mark_lost(ht)}:
        for ttc_value in {Decimal(ttc.value), _decimal_mark_lost(ttc)}:
            if _adds_up(ht_value, tva, ttc_value):
                return ht_value, ttc_value
    return None


FIGURES = re.compile(r"\d[\d\s.,]*\d")


def _spaced_out(text: str, total: Decimal) -> bool:
    """Whether a run of figures of ``text`` is ``total`` once OCR's stray spaces and lost or
    misplaced decimal mark are set aside: a large print amount read « 31 17 1 ,92 », a
    framed total read « 4044307€ » or « .53 70162 » for « 40 443,07 », « 53 701,62 »."""
    figures = f"{abs(total):.2f}".replace(".", "")
    return any(
        re.sub(r"\D", "", run.group()).lstrip("0") == figures.lstrip("0")
        for run in FIGURES.finditer(text)
    )


def _plausible_vat(ht: Decimal, vat: Decimal) -> bool:
    """VAT between 0 and 20 % of the total without VAT (the highest French rate)."""
    return ht > 0 and ZERO <= vat <= ht * Decimal("0.2") + TOLERANCE


def _unchecked(*fields: Field) -> None:
    """Two totals read, the third derived from them: nothing checks them against each other,
    so they are not reported as sure (the form tints what is below 0.9)."""
    for item in fields:
        item.confidence = min(item.confidence, UNCHECKED_CONFIDENCE)
