"""Find the invoice fields in rows of positioned words: labels, layout, then validation.

Each field is looked for beside its label (same row, to the right), then just below it.
SIRETs and VAT numbers must pass their checksums; the seller is told from the buyer by
labels ("SIRET client"), by the "Facturé à" block, and by the user's own SIRET. The totals
are in :mod:`app.prefill.totals`.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from app.prefill.model import BBox, Field, Row, Word
from app.prefill.parsing import amounts_in, dates_in

ZERO = Decimal("0.00")
TOLERANCE = Decimal("0.02")


# What finds a value in the text after a label: (value, start, end), or None.
Pick = Callable[[str], tuple[str, int, int] | None]


def _label(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


NUMBER_LABELS = _label(
    r"(?:facture|avoir|invoice|credit\s+note)\s*(?:n\s*[°ºo]\.?|num[ée]ro|no\.?|#)\s*:?",
    r"n\s*[°ºo]\.?\s*(?:de\s+)?(?:la\s+)?(?:facture|l['’]avoir|avoir)\s*:?",
    r"num[ée]ro\s+(?:de\s+)?(?:la\s+)?(?:facture|l['’]avoir|d['’]avoir)\s*:?",
    r"invoice\s+number\s*:?",
    r"^\s*(?:facture|avoir|invoice)\s*:?(?=\s+\S*\d)",
)
# A title standing alone (« FACTURE », « Avoir »), the number beside or under it.
TITLE_WORD = re.compile(r"(?:FACTURE|Facture|AVOIR|Avoir|INVOICE|Invoice)")
# "N° : 2025-12" under a FACTURE title: weaker, only when nothing better is found.
NUMBER_LABELS_WEAK = _label(
    r"^\s*n\s*[°ºo]\.?\s*(?:de\s+pi[èe]ce\s*)?:",
    r"^\s*r[ée]f(?:[ée]rence)?\s*:",
    r"\bnum[ée]ro\s*:",  # « Numéro : » alone (« Numéro client : » is another number)
)
DATE_LABELS = _label(
    r"date\s+d['’]\s*[ée]mission",
    r"date\s+de\s+(?:la\s+)?factur(?:e|ation)",
    r"date\s+(?:de\s+l['’])?avoir",
    r"[ée]mise?\s+le",
    r"invoice\s+date",
    r"fait\s+(?:à\s+[\w\- ]+\s+)?le",
    r"^\s*le\b",
    r"(?-i:\bLe)(?=\s+\d{1,2}(?:er)?(?:\s+[a-zéû]{3,9}\.?\s+\d{4}|[/.\-]\d))",
    r"\b(?:facture|avoir)\s+du(?=\s+\d)",
    r"^\s*date\s*:",
    r"\bdate\b(?!\s+d['’]\s*[ée]ch)",
)
NOT_ISSUE_DATE = re.compile(
    r"\bsur\s+(?:la\s+)?facture|facture\s+d['’]origine|en\s+r[ée]f[ée]rence|[ée]ch[ée]ance"
    r"|livraison|paiement|payable|limite|validit|due\s+date|p[ée]riode|prochain"
    r"|r[ée]gler\s+avant|avant\s+le",
    re.I,
)
ORDER_LABELS = _label(
    r"(?:n\s*[°ºo]\.?\s*(?:d['’]\s*)?)?engagement(?:\s+juridique)?\s*(?:n\s*[°ºo]\.?)?\s*:?",
    r"\bEJ\b\s*(?:n\s*[°ºo]\.?)?\s*:?",
    r"bon\s+de\s+commande\s*(?:n\s*[°ºo]\.?)?\s*:?",
    r"(?:n\s*[°ºo]\.?\s*(?:de\s+)?|r[ée]f(?:[ée]rence)?\.?\s+(?:de\s+)?(?:la\s+)?)?commande"
    r"\s*(?:n\s*[°ºo]\.?)?\s*:?",
    r"purchase\s+order\s*(?:no\.?|number|#)?\s*:?",
    r"\bPO\b\s*(?:no\.?|number|#)?\s*:?",
)
ORDER_LABELS_WEAK = _label(r"votre\s+r[ée]f(?:[ée]rence)?\.?\s*:?", r"vos\s+r[ée]f[ée]rences\s*:?")
BUYER_HEADER = re.compile(
    r"factur[ée]\s+[àa]|^\s*client\b|destinataire|adresse\s+de\s+facturation|bill(?:ed)?\s+to"
    r"|acheteur|^\s*[àa]\s+l['’]attention",
    re.I,
)
BUYER_LABEL = re.compile(r"client|destinataire|acheteur|buyer|customer", re.I)
SELLER_LABEL = re.compile(r"fournisseur|vendeur|[ée]metteur|prestataire|seller|supplier", re.I)
CREDIT_NOTE = re.compile(r"\bavoir\b|credit\s+note|note\s+de\s+cr[ée]dit", re.I)
FRANCHISE = re.compile(r"293\s*B|TVA\s+non\s+applicable|franchise\s+en\s+base", re.I)

SIRET_PATTERN = re.compile(r"(?<![\dA-Z])(\d(?:[ \u00a0.]?\d){13})(?![\d])")
VAT_PATTERN = re.compile(r"\bFR((?:[ \u00a0]?[0-9A-Z]){2}(?:[ \u00a0]?\d){9})\b")
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/+.]*")
CANADA = re.compile(r"\b(?:TPS|TVQ|Qu[ée]bec|Canada|CAD)\b")
CURRENCIES = {
    "€": "EUR",
    "EUR": "EUR",
    "USD": "USD",
    "$": "USD",
    "GBP": "GBP",
    "£": "GBP",
    "CHF": "CHF",
}


@dataclass(slots=True)
class Candidate:
    value: str
    confidence: float
    row: Row
    start: int
    end: int

    def to_field(self, *, boost: float = 0.0) -> Field:
        scale = 0.92 if self.row.source == "ocr" else 1.0
        return Field(
            self.value,
            min(1.0, (self.confidence + boost) * scale),
            self.row.source,
            self.row.page + 1,
            self.row.bbox_of(self.start, self.end, on_page=True),
        )


# --- helpers ----------------------------------------------------------------------------------


BESIDE_LABEL = 0.95  # a value on its label's row; under it, or wrapped, it is less sure


def _after_label(
    rows: list[Row],
    label: re.Pattern[str],
    pick: Pick,
    *,
    exclude: re.Pattern[str] | None = None,
    below: bool = True,
) -> list[Candidate]:
    """Values found after each occurrence of ``label``: on its row, else under it (the words
    of the next rows that stand in the label's column: a value on the line below, or a
    column header with its value under it)."""
    found: list[Candidate] = []
    for index, row in enumerate(rows):
        text = row.text
        if exclude is not None and exclude.search(text):
            continue
        for match in label.finditer(text):
            rest = text[match.end() :]
            picked = pick(rest)
            if picked is not None:
                value, start, end = picked
                offset = match.end()
                found.append(Candidate(value, BESIDE_LABEL, row, offset + start, offset + end))
                break
            if not below:
                continue
            box = row.bbox_of(match.start(), match.end())
            more_labels = _header_row(rest)
            wrapped = _wrapped(rows, index, box, pick) if more_labels else None
            if wrapped is not None:
                found.append(wrapped)
                break
            if more_labels or not _value_follows(row, match.start(), match.end()):
                under = _under(rows, index, box, pick)
                if under is not None:
                    found.append(under)
                    break
    return found


def _wrapped(
    rows: list[Row],
    index: int,
    box: BBox,
    pick: Pick,
) -> Candidate | None:
    """The value of a label wrapped over two lines of its cell (« Amount due / Net à » then
    « payer »): the value stands right of the label, on the second line or centred between
    the two, so it makes a row of its own or ends the continuation's row."""
    row = rows[index]
    height = max(1.0, box[3] - box[1])
    inside = [word for word in row.words if word.x0 >= box[0] - 0.5 and word.x1 <= box[2] + 0.5]
    if not inside:
        return None
    phrase = _phrase_around(row.words, inside)
    if phrase[-1] is not row.words[-1]:
        return None  # other words follow on the row: another column, not a wrapped cell
    box = (box[0], box[1], phrase[-1].x1, box[3])
    for following in rows[index + 1 : index + 3]:
        if following.page != row.page or following.top - row.bottom > 0.6 * height:
            return None
        words = following.words
        if row.left - height <= words[0].x0 <= box[2] and words[0].text.isalpha():
            words = words[len(_phrase_around(words, [words[0]])) :]  # the label goes on
        if any(word.x0 <= box[2] and word.x1 >= box[0] for word in words):
            return None  # something under the label itself: a value below, not beside
        right = [word for word in words if word.x0 > box[2]]
        if right:
            cell = Row(following.page, right, following.source)
            picked = pick(cell.text)
            if picked is not None:
                value, start, end = picked
                return Candidate(value, 0.85, cell, start, end)
        row = following
    return None


def _header_row(rest: str) -> bool:
    """Whether what follows a label on its row is more labels (« Date de facturation Date
    d'échéance Origine »): no digit, no colon announcing an inline value."""
    return not re.match(r"\s*:", rest) and not re.search(r"\d", rest)


def _value_follows(row: Row, start: int, end: int) -> bool:
    """Whether the label is followed on its row by a word close enough to be its value
    (« bon de commande : Aucun »), rather than by another column (a header row)."""
    box = row.bbox_of(start, end)
    height = max(1.0, box[3] - box[1])
    after = [word for word in row.words if word.x0 >= box[2] - 0.5]
    return bool(after) and after[0].x0 - box[2] <= 1.5 * height


def _under(
    rows: list[Row],
    index: int,
    box: BBox,
    pick: Pick,
) -> Candidate | None:
    """The value in the label's column on the next rows (at most three, close below)."""
    row = rows[index]
    height = max(1.0, box[3] - box[1])
    bottom = row.bottom
    for following in rows[index + 1 : index + 4]:
        if following.page != row.page or following.top - bottom > 3.5 * height:
            return None
        column = _phrase_around(
            following.words,
            [
                word
                for word in following.words
                if word.x1 >= box[0] - height and word.x0 <= box[2] + height
            ],
        )
        if column:
            cell = Row(following.page, column, following.source)
            picked = pick(cell.text)
            if picked is not None:
                value, start, end = picked
                return Candidate(value, 0.85, cell, start, end)
        bottom = following.bottom
    return None


def _phrase_around(words: list[Word], chosen: list[Word]) -> list[Word]:
    """``chosen`` (consecutive words of a row) with the words that continue them closely on
    either side: a value in a bigger font overflows its label's column (« 5 089,82 »)."""
    if not chosen:
        return chosen
    first, last = words.index(chosen[0]), words.index(chosen[-1])
    while first > 0 and _close(words[first - 1], words[first]):
        first -= 1
    while last + 1 < len(words) and _close(words[last], words[last + 1]):
        last += 1
    return words[first : last + 1]


def _close(left: Word, right: Word) -> bool:
    return right.x0 - left.x1 <= 0.5 * max(1.0, left.y1 - left.y0)


def _first_token_with_digit(text: str) -> tuple[str, int, int] | None:
    for match in TOKEN.finditer(text):
        token = match.group().rstrip(".")
        lowered = token.lower()
        if lowered in {"n", "no", "n°", "du", "le", "de", "ref", "réf"}:
            continue
        if any(ch.isdigit() for ch in token) and len(token) <= 30:
            return token, match.start(), match.start() + len(token)
        if len(token) > 2:  # a word that is not a number: the label has no value here
            return None
    return None


def _amount_in(text: str) -> tuple[str, int, int] | None:
    """The last amount of the text that is not a percentage, nor a date's, a year's, a
    page's or a postcode's figures."""
    chosen = None
    in_dates = [(start, end) for _value, start, end in dates_in(text)]
    for value, start, end in amounts_in(text):
        if text[end:].lstrip().startswith("%"):
            continue
        if any(first <= start < last for first, last in in_dates):
            continue
        if _not_money(text, start, end):
            continue
        chosen = (str(value), start, end)
    return chosen


WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
PROSE_WORDS = 5  # more words than this between a label and an amount: a sentence


def _amount_in_total(text: str) -> tuple[str, int, int] | None:
    """The amount after a total's label, not one a sentence goes on to (« le montant TTC dû
    sera majoré … par facture de 40,00 € »: the recovery fee, not the total)."""
    found = _amount_in(text)
    if found is not None and len(WORD.findall(text[: found[1]])) > PROSE_WORDS:
        return None
    return found


MONTH_OR_PERIOD = re.compile(
    r"(?:janv|f[ée]v|mars|avr|mai|juin|juil|ao[ûu]t|sept|oct|nov|d[ée]c)[a-zéû]*\.?\s*$"
    r"|(?:ann[ée]e|exercice|p[ée]riode|mois|©|copyright)\s*:?\s*$",
    re.I,
)
PAGE_NUMBER = re.compile(r"\bpage\s*$", re.I)
CURRENCY_AFTER = re.compile(r"\s*(?:€|EUR\b|euros?\b)", re.I)


def _not_money(text: str, start: int, end: int) -> bool:
    """A whole number printed as a year (« novembre 2026 », « Année 2015 »), a page number
    (« Page 2 / 3 ») or a postcode before its town (« 33600 Pessac »): never an amount,
    unless a currency says it is."""
    figure = text[start:end].strip()
    if not figure.isdigit() or CURRENCY_AFTER.match(text[end:]):
        return False
    before, following = text[max(0, start - 24) : start], text[end:].lstrip()
    if len(figure) == 4 and 1900 <= int(figure) <= 2100 and MONTH_OR_PERIOD.search(before):
        return True
    if PAGE_NUMBER.search(before) or following.startswith("/"):
        return True
    return len(figure) == 5 and following[:1].isupper() and following[:2].isalpha()


def _date_in(text: str) -> tuple[str, int, int] | None:
    found = dates_in(text)
    if not found:
        return None
    value, start, end = found[0]
    return value.isoformat(), start, end


def _number_goes_on(row: Row, end: int) -> bool:
    """Whether the digits ending at ``end`` go on: in the same word (« 389.00529.41211 »), or
    in a group of digits right after it (not a date, not the next column)."""
    for index, (word, start, word_end) in enumerate(row.spans()):
        if word_end > end:
            return bool(re.match(r"[.\u00a0]\d", word.text[end - start :]))
        if word_end == end:
            if index + 1 == len(row.words):
                return False
            after = row.words[index + 1]
            close = after.x0 - word.x1 <= max(1.0, word.y1 - word.y0)
            return close and after.text[:1].isdigit() and not dates_in(after.text)
    return False


SIREN_AT_END = re.compile(r"siret\s*:?\s*(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3})\s*$", re.I)


def _wrapped_siret(rows: list[Row], index: int) -> tuple[str, int, int, bool] | None:
    """A SIRET cut by the width of its box: « SIRET 247 182 744 » then « 00307 » at the start
    of the next line."""
    row = rows[index]
    match = SIREN_AT_END.search(row.text)
    if match is None or index + 1 >= len(rows):
        return None
    left = row.bbox_of(match.start(), match.end())[0]
    for following in rows[index + 1 : index + 3]:  # another column's line may come between
        if following.page != row.page or following.top - row.bottom > 2 * row_height(row):
            return None
        column = [word for word in following.words if abs(word.x0 - left) <= 3 * row_height(row)]
        if not column:
            continue
        if not re.fullmatch(r"\d{5}", column[0].text):
            return None
        digits = re.sub(r"\D", "", match.group(1)) + column[0].text
        if not stdnum_siret.is_valid(digits):
            return None
        return digits, match.start(1), match.end(1), True
    return None


# « SIREN : 732 829 320 » — nine digits and no more (LABELLED_SIREN also takes a SIRET's
# first nine)
SIREN_ALONE = re.compile(r"\bSIREN\b\s*(?:n\s*[°º]\s*)?:?\s*((?:\d[ \u00a0.]?){8}\d)(?!\d)", re.I)
NIC_LABELLED = re.compile(
    r"\b(?:NIC|code\s+(?:d['’]\s*)?[ée]tablissement)\b\s*:?\s*((?:\d[ \u00a0]?){4}\d)(?!\d)",
    re.I,
)


def _siren_and_nic(rows: list[Row], index: int) -> tuple[str, int, int, bool] | None:
    """A SIRET printed in two parts — « SIREN : 732 829 320 » and « NIC : 00074 » (or the
    establishment's code), on the line or the next — when together they make a valid one."""
    row = rows[index]
    siren = SIREN_ALONE.search(row.text)
    if siren is None:
        return None
    following = [
        other.text
        for other in rows[index + 1 : index + 3]
        if other.page == row.page and other.top - row.bottom <= 2 * row_height(row)
    ]
    for text in [row.text[siren.end() :], *following]:
        nic = NIC_LABELLED.search(text)
        if nic is None:
            continue
        digits = re.sub(r"\D", "", siren.group(1)) + re.sub(r"\D", "", nic.group(1))
        if stdnum_siret.is_valid(digits):
            return digits, siren.start(1), siren.end(1), True
    return None


def _sirets(row: Row) -> Iterable[tuple[str, int, int, bool]]:
    for match in SIRET_PATTERN.finditer(row.text):
        digits = re.sub(r"\D", "", match.group(1))
        if _number_goes_on(row, match.end(1)):
            continue  # 14 digits of a longer number (an IBAN or RIB, a malformed SIRET)
        if len(digits) == 14:
            yield digits, match.start(1), match.end(1), stdnum_siret.is_valid(digits)


# --- fields -----------------------------------------------------------------------------------


def _number_token(text: str) -> tuple[str, int, int] | None:
    """An invoice number's shape: a token with a digit that is not a date."""
    picked = _first_token_with_digit(text)
    if picked is None or dates_in(picked[0]):
        return None
    return picked


DATED_TITLE = re.compile(r"\s*du\s+\d", re.I)


def _beside_title(rows: list[Row]) -> list[Candidate]:
    """The number printed beside or under a title standing alone (« FACTURE » then, on its
    right or on the next line, « 2025-001 »), near the top of the first page."""
    found: list[Candidate] = []
    first_page = rows[0].page if rows else 0
    for index, row in enumerate(rows[:25]):
        if row.page != first_page:
            break
        for word, start, end in row.spans():
            if not TITLE_WORD.fullmatch(word.text):
                continue
            if _value_follows(row, start, end):
                picked = _number_token(row.text[end:])
                if picked is not None:
                    value, value_start, value_end = picked
                    found.append(Candidate(value, 0.8, row, end + value_start, end + value_end))
                    continue
                if not DATED_TITLE.match(row.text[end:]):
                    continue
                # « Facture du 29/01/2021 », the number on the line under it (« n° … »)
            under = _under(rows, index, row.bbox_of(start, end), _number_token)
            if under is not None:
                under.confidence = 0.8
                found.append(under)
    return found


def invoice_number(rows: list[Row]) -> Field:
    found = _after_label(rows, NUMBER_LABELS, _first_token_with_digit)
    if not found:
        found = _beside_title(rows)
    if not found:
        weak = _after_label(rows[:40], NUMBER_LABELS_WEAK, _first_token_with_digit, below=False)
        for candidate in weak:
            candidate.confidence = 0.75
        found = weak
    if not found:
        return Field(None)
    for candidate in found:
        if candidate.row.source == "ocr":
            _join_what_ocr_split(candidate)
            candidate.value = _zeros_read_as_o(candidate.value)
    best = max(found, key=lambda c: (c.confidence, -c.row.page, -c.row.top))
    # the same number read whole elsewhere on the page (a stray « ; » cut this one short)
    longer = [
        other
        for other in found
        if other.value.startswith(best.value)
        and len(other.value) > len(best.value)
        and other.confidence >= best.confidence - 0.1
    ]
    return max(longer, key=lambda c: len(c.value), default=best).to_field()


TIGHT_GAP = 0.2  # of a word's height: a space is wider; OCR's cut inside a word is not
SEPARATORS = "-/_."
NUMBER_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/_.]*")


def _join_what_ocr_split(candidate: Candidate) -> None:
    """An invoice number OCR read as two words (« 2025- 001 », « A2024 0029 »): the next
    word joined when it stands closer than a space, or right after a separator, and has a
    digit."""
    spans = list(candidate.row.spans())
    for (word, _start, end), (following, _next_start, next_end) in itertools.pairwise(spans):
        if end != candidate.end:
            continue
        height = max(1.0, word.y1 - word.y0)
        gap = following.x0 - word.x1
        after_separator = word.text.endswith(tuple(SEPARATORS)) and gap <= height
        if (
            (gap <= TIGHT_GAP * height or after_separator)
            and NUMBER_PART.fullmatch(following.text)
            and any(char.isdigit() for char in following.text)
        ):
            candidate.value += following.text
            candidate.end = next_end
        return


# How invoice numbers begin (« FACT0021 », « FA0012 », « INV0042 »): an « O » right after
# one of these, before digits, is a zero OCR misread.
PREFIX_THEN_O = re.compile(r"^(F|FA|FAC|FACT|FCT|FV|INV|AV|AVR)O(?=\d)")


def _zeros_read_as_o(number: str) -> str:
    """A scanned number's « O » that stands among its digits (« 2O24-0O12 »), between a
    separator and a digit (« F-O012 »), or right after an invoice prefix before digits
    (« FACTO021 ») is the zero it was printed as."""
    characters = list(PREFIX_THEN_O.sub(r"\g<1>0", number))
    for index, character in enumerate(characters):
        if character != "O":
            continue
        before = characters[index - 1] if index else ""
        after = characters[index + 1] if index + 1 < len(characters) else ""
        after_a_digit = before.isdigit() and (not after or after.isdigit() or after in "O-/_.")
        if after_a_digit or (bool(before) and before in SEPARATORS and after.isdigit()):
            characters[index] = "0"
    return "".join(characters)


def invoice_type(rows: list[Row]) -> Field:
    first_page = [row for row in rows if row.page == rows[0].page] if rows else []
    for row in first_page[:25]:
        match = CREDIT_NOTE.search(row.text)
        if match:
            return Candidate("avoir", 0.95, row, match.start(), match.end()).to_field()
    return Field("facture", 0.9, rows[0].source if rows else None, 1 if rows else None)


def issue_date(rows: list[Row]) -> Field:
    found = _after_label(rows, DATE_LABELS, _date_in, exclude=NOT_ISSUE_DATE)
    if found:
        return found[0].to_field()
    for row in rows[:40]:
        if NOT_ISSUE_DATE.search(row.text):
            continue
        picked = _date_in(_without_number(row.text))
        if picked:
            return Candidate(picked[0], 0.6, row, picked[1], picked[2]).to_field()
    return Field(None)


def _without_number(text: str) -> str:
    """The row with its invoice number blanked out (« N° 2025/12/12 » is not a date)."""
    match = NUMBER_LABELS.search(text)
    if match is None:
        return text
    picked = _first_token_with_digit(text[match.end() :])
    if picked is None:
        return text
    start, end = match.end() + picked[1], match.end() + picked[2]
    return text[:start] + " " * (end - start) + text[end:]


QUANTITY = re.compile(r"\d{1,4}")
PRICE = re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*,\d{2}(?!\d)")


def _order_number(text: str) -> tuple[str, int, int] | None:
    """An order's number: at least three characters, and not a price (under an empty
    « N° commande » box, the lines table's « 1 749,93 » is not an order) nor a date (the
    next box's, read into the empty one)."""
    found = _first_token_with_digit(text)
    if found is None or len(found[0]) < 3 or PRICE.match(text[found[1] :]):
        return None
    if any(start == found[1] for _date, start, _end in dates_in(text)):
        return None
    return found


def order_reference(rows: list[Row]) -> Field:
    found = [
        candidate
        for candidate in _after_label(rows, ORDER_LABELS, _order_number)
        # under a column header of the lines table, a short bare figure is a quantity
        if not (candidate.confidence < BESIDE_LABEL and QUANTITY.fullmatch(candidate.value))
    ]
    if not found:
        # « Votre référence » is where a buyer's order or commitment number is usually quoted.
        found = _after_label(rows, ORDER_LABELS_WEAK, _order_number, below=False)
        for candidate in found:
            candidate.confidence = 0.8
    if not found:
        return Field(None)
    return found[0].to_field()


def _buyer_zone(rows: list[Row]) -> tuple[int, float, float] | None:
    """(row index, left, right) of the "Facturé à" / "Client" heading near the top."""
    for index, row in enumerate(rows[:40]):
        if "siret" in row.text.lower():
            continue  # "SIRET client : …" is a label, not the heading of the block
        match = BUYER_HEADER.search(row.text)
        if match:
            box = row.bbox_of(match.start(), match.end())
            return index, box[0] - 20, box[0] + 260
    return None


# The seller's legal mentions (share capital, RCS, legal form, VAT number, bank details):
# a SIRET printed among them is the seller's, even in a footer or on the last page.
LEGAL_MENTIONS = re.compile(
    r"capital|\bRCS\b|\bR\.C\.S\b|\bS\.?A\.?S\.?U?\b|\bSARL\b|\bEURL\b|\bSA\b|\bAPE\b|\bNAF\b"
    r"|IBAN|BIC|entrepreneur\s+individuel|\bEI\b|auto[\s\-]?entrepreneur|micro[\s\-]entrep"
    r"|intracom",
    re.I,
)


@dataclass(slots=True)
class _PartyEvidence:
    candidate: Candidate
    seller: float = 0.0
    buyer: float = 0.0


def _party_evidence(
    rows: list[Row], index: int, candidate: Candidate, zone: tuple[int, float, float] | None
) -> _PartyEvidence:
    """How much the words around a SIRET say it is the seller's or the buyer's."""
    row = candidate.row
    evidence = _PartyEvidence(candidate)
    before = row.text[max(0, candidate.start - 40) : candidate.start]
    if BUYER_LABEL.search(before):
        evidence.buyer += 0.5
    elif SELLER_LABEL.search(before):
        evidence.seller += 0.5
    if (
        zone is not None
        and index > zone[0]
        and row.page == rows[zone[0]].page
        and index - zone[0] <= 8
        and zone[1] <= row.bbox_of(candidate.start, candidate.end)[0] <= zone[2]
    ):
        evidence.buyer += 0.4
    heading = _block_heading(rows, index, row.bbox_of(candidate.start, candidate.end))
    if heading == "buyer":
        evidence.buyer += 0.4
    elif heading == "seller":
        evidence.seller += 0.4
    neighbours = [
        other.text
        for other in rows[max(0, index - 1) : index + 2]
        if other.page == row.page and abs(other.top - row.top) <= 3 * row_height(row)
    ]
    if any(LEGAL_MENTIONS.search(text) for text in neighbours):
        evidence.seller += 0.15
    # INSEE numbers public bodies (the State, communes, hospitals, schools) from 1 and 2: a
    # tie-breaker only, a public body can sell and a company can buy.
    if candidate.value[0] in "12":
        evidence.buyer += 0.1
    else:
        evidence.seller += 0.1
    return evidence


def row_height(row: Row) -> float:
    return max(1.0, row.bottom - row.top)


def _block_heading(rows: list[Row], index: int, box: BBox) -> str | None:
    """« Client », « Acheteur », « Vendeur »… heading the block the SIRET stands in: the
    nearest row above, within a few lines, with a heading word in the SIRET's column."""
    row = rows[index]
    for above in reversed(rows[max(0, index - 8) : index]):
        if above.page != row.page or row.top - above.bottom > 12 * row_height(row):
            return None
        column = [w for w in above.words if w.x1 >= box[0] - 40 and w.x0 <= box[0] + 160]
        text = " ".join(w.text for w in column)
        if BUYER_HEADER.search(text):
            return "buyer"
        if SELLER_HEADER.search(text):
            return "seller"
    return None


SIRET_WORD = re.compile(r"siret", re.I)
HEAD_OFFICE = re.compile(r"si[èe]ge", re.I)
SELLER_HEADER = re.compile(
    r"^\s*(?:fournisseur|vendeur|[ée]metteur|prestataire|seller|supplier)\b", re.I
)


def parties(rows: list[Row], own_siret: str | None) -> tuple[Field, Field]:
    """(seller SIRET, buyer SIRET): the pair of different SIRETs that the words around them
    best support as seller and buyer; one SIRET alone is the seller's unless it is labelled
    or placed as the buyer's."""
    zone = _buyer_zone(rows)
    page_sirens = functools.cache(functools.partial(_sirens_of_the_page, rows))
    evidence: list[_PartyEvidence] = []
    for index, row in enumerate(rows):
        wrapped = _wrapped_siret(rows, index)
        composed = _siren_and_nic(rows, index)
        found = [*_sirets(row), *([wrapped] if wrapped else []), *([composed] if composed else [])]
        for digits, start, end, valid in found:
            if not valid and not SIRET_WORD.search(row.text[max(0, start - 30) : start]):
                continue  # 14 digits failing the checksum, not called a SIRET: another number
            if not valid and row.source == "ocr":
                repaired = _siret_misread(digits, page_sirens())
                if repaired is not None:
                    digits, valid = repaired, True
            candidate = Candidate(digits, 0.9 if valid else 0.3, row, start, end)
            item = _party_evidence(rows, index, candidate, zone)
            if own_siret and digits == own_siret:
                item.seller += 2.0
            evidence.append(item)
    if not evidence:
        return Field(None), Field(None)
    # The head office's SIRET (« Siège social : … SIRET … ») beside the one of the
    # establishment that invoices: the establishment's is the seller's.
    for item in evidence:
        before = item.candidate.row.text[: item.candidate.start]
        same_company = [
            other
            for other in evidence
            if other is not item and other.candidate.value[:9] == item.candidate.value[:9]
        ]
        if same_company and HEAD_OFFICE.search(before):
            item.seller -= 0.3
    # Reading order breaks ties: the letterhead comes before the buyer's block.
    for order, item in enumerate(evidence):
        item.seller += 0.01 / (1 + order)
    best: tuple[float, _PartyEvidence | None, _PartyEvidence | None] = (float("-inf"), None, None)
    for seller in evidence:
        for buyer in [None, *evidence]:
            if buyer is not None and buyer.candidate.value == seller.candidate.value:
                continue
            score = (
                seller.seller
                - seller.buyer
                + seller.candidate.confidence
                + (buyer.buyer - buyer.seller + buyer.candidate.confidence if buyer else 0.0)
            )
            if score > best[0]:
                best = (score, seller, buyer)
    _score, seller_item, buyer_item = best
    if buyer_item is None and seller_item is not None and seller_item.buyer > seller_item.seller:
        buyer_item, seller_item = seller_item, None
    return _party_field(seller_item, seller=True), _party_field(buyer_item, seller=False)


def _siret_misread(digits: str, page_sirens: set[str]) -> str | None:
    """A scanned SIRET that fails its key, made right by one of ``page_sirens`` (held by a
    valid VAT number or the RCS mention) when they differ by one digit (« 999 229 386 » read
    for « 999 329 386 », whose VAT number FR52 999 329 386 is printed beside it)."""
    for siren in page_sirens:
        if one_character_apart(siren, digits[:9]) and stdnum_siret.is_valid(siren + digits[9:]):
            return siren + digits[9:]
    return None


def _sirens_of_the_page(rows: list[Row]) -> set[str]:
    """The SIRENs a valid VAT number or the RCS mention of the page holds."""
    sirens = {registered_siren(rows)} | {number[4:] for number in _valid_vat_numbers(rows)}
    return sirens - {""}


def one_character_apart(first: str, second: str) -> bool:
    """Of the same length, and no more than one character different: one OCR misreading."""
    if len(first) != len(second):
        return False
    return sum(a != b for a, b in zip(first, second, strict=True)) <= 1


def _valid_vat_numbers(rows: list[Row]) -> set[str]:
    found = set()
    for row in rows:
        for match in VAT_PATTERN.finditer(row.text):
            number = _vat_key_repaired("FR" + re.sub(r"\s", "", match.group(1)), row)
            if stdnum_tva.is_valid(number):
                found.add(number)
    return found


# What OCR makes of a VAT key's digits: a letter that looks like the digit.
KEY_MISREAD = str.maketrans("OoIlBASZG", "001184526")


def _vat_key_repaired(number: str, row: Row) -> str:
    """``number`` as printed, or, read by OCR and failing its key, with the key's letters
    taken for the digits they look like when that passes (« FRB5… », « FRA7… »)."""
    if row.source != "ocr" or stdnum_tva.is_valid(number):
        return number
    repaired = number[:2] + number[2:4].translate(KEY_MISREAD) + number[4:]
    return repaired if stdnum_tva.is_valid(repaired) else number


def _party_field(item: _PartyEvidence | None, *, seller: bool) -> Field:
    if item is None:
        return Field(None)
    margin = (item.seller - item.buyer) if seller else (item.buyer - item.seller)
    confidence = item.candidate.confidence
    if margin >= 0.3:
        confidence += 0.07
    elif margin < 0.1:
        confidence -= 0.2  # nothing says which side it is on
    item.candidate.confidence = confidence
    return item.candidate.to_field()


def seller_vat(rows: list[Row], seller_siret: str | None, buyer_siret: str | None = None) -> Field:
    """The seller's VAT number: a valid French VAT number, preferably the one of the seller's
    SIREN, never the buyer's."""
    candidates: list[Candidate] = []
    misread: list[Candidate] = []
    siren = (seller_siret or "")[:9] or registered_siren(rows)
    others = _printed_sirens(rows) - {siren}
    for index, row in enumerate(rows):
        for match in VAT_PATTERN.finditer(row.text):
            number = _vat_key_repaired("FR" + re.sub(r"\s", "", match.group(1)), row)
            valid = stdnum_tva.is_valid(number)
            confidence = 0.9 if valid else 0.3
            if siren and number[4:] == siren:
                confidence += 0.09  # its key is computed from the seller's SIREN
            elif _someone_else_s(rows, index, match.start()):
                confidence -= 0.3
            if buyer_siret and number[4:] == buyer_siret[:9] != (seller_siret or "")[:9]:
                continue  # the buyer's VAT number, printed in its block
            if valid and number[4:] in others:
                continue  # a French VAT number holds its owner's SIREN: another party's
            candidates.append(Candidate(number, confidence, row, match.start(), match.end()))
        if row.source == "ocr" and seller_siret:
            misread.extend(_vat_misread(row, seller_siret[:9]))
    if misread and not any(
        c.value[4:] == seller_siret[:9] and c.confidence >= 0.9 for c in candidates if seller_siret
    ):
        candidates.extend(misread)
    if not candidates:
        return Field(None, 0.8 if any(FRANCHISE.search(r.text) for r in rows) else 0.6)
    return max(candidates, key=lambda c: c.confidence).to_field()


# The register's number in the legal mentions (« RCS Lyon 732 829 320 », « RCS Brest B
# 123 456 789 »): by law the seller's, wherever it is printed.
RCS_SIREN = re.compile(
    r"\bR\.?\s?C\.?\s?S\.?\b[\s:]*(?:[A-ZÀ-Ýa-zà-ÿ'\-]+\s+){0,3}?(?:[AB]\s+)?"
    r"((?:\d[ \u00a0.]?){8}\d)(?!\d)"
)
# Whose VAT number it is not: the customer's (« Vos identifiants », « TVA client »), a tax
# representative's.
NOT_SELLER_VAT = re.compile(
    r"vos\s+(?:identifiants|r[ée]f[ée]rences)|votre\s+(?:n\s*[°º]\s*(?:de\s+)?)?tva"
    r"|tva\s+(?:intra\w*\s+)?(?:du\s+)?client|client|acheteur|destinataire|factur[ée]\s+[àa]"
    r"|repr[ée]sentant\s+fiscal",
    re.I,
)


def registered_siren(rows: list[Row]) -> str:
    """The seller's SIREN from its RCS mention, when one with a right key is printed."""
    for row in reversed(rows):  # the footer's, when the page has several
        for match in RCS_SIREN.finditer(row.text):
            digits = re.sub(r"\D", "", match.group(1))
            if stdnum_siren.is_valid(digits):
                return digits
    return ""


def _someone_else_s(rows: list[Row], index: int, start: int) -> bool:
    """Whether the words before a VAT number, on its line or heading its block (a few lines
    above, in its column), say it is the customer's or a tax representative's."""
    row = rows[index]
    if NOT_SELLER_VAT.search(row.text[max(0, start - 40) : start]):
        return True
    left = row.bbox_of(start, start + 2)[0]
    for above in reversed(rows[max(0, index - 4) : index]):
        if above.page != row.page or row.top - above.bottom > 5 * row_height(row):
            return False
        column = " ".join(w.text for w in above.words if w.x1 >= left - 20 and w.x0 <= left + 160)
        if NOT_SELLER_VAT.search(column):
            return True
    return False


LABELLED_SIREN = re.compile(r"\b(?:SIREN|SIRET)\b\D{0,12}?((?:\d[ \u00a0]?){8}\d)", re.I)


def _printed_sirens(rows: list[Row]) -> set[str]:
    """The SIRENs printed under a « SIREN » or « SIRET » label (of a SIRET, its first nine
    digits): the parties named on the page."""
    return {
        re.sub(r"\D", "", match.group(1))
        for row in rows
        for match in LABELLED_SIREN.finditer(row.text)
    }


def _vat_misread(row: Row, siren: str) -> list[Candidate]:
    """The seller's VAT number as OCR spoils it (« FR0O6521336198 »: a stray or doubled
    character in the key; « FR5413436593 »: one of its digits lost): « FR », a few
    characters, then the seller's SIREN, where the key that SIREN must have can be read among
    those characters."""
    spaced_siren = r"[ \u00a0]?".join(siren)
    key = f"{int(siren + '12') % 97:02d}"  # the French VAT key of a SIREN
    found = []
    for match in re.finditer(rf"\bFR([0-9OoIl ]{{1,5}}?){spaced_siren}\b", row.text):
        noise = match.group(1).replace(" ", "").upper().replace("O", "0").replace("I", "1")
        noise = noise.replace("L", "1")
        one_lost = len(noise) == 1 and noise in key  # « FR5413436593 » for FR85…
        if (
            one_lost
            or key in noise
            or (key[0] in noise and key[1] in noise[noise.index(key[0]) + 1 :])
        ):
            found.append(Candidate(f"FR{key}{siren}", 0.85, row, match.start(), match.end()))
    return found


def currency(rows: list[Row]) -> Field:
    """The currency the amounts are in: an ISO code or a symbol printed on the invoice. On a
    scan a lone « $ » may be a misread « € » or « S »: it counts only when no euro is seen."""
    canadian = any(CANADA.search(row.text) for row in rows)
    seen: dict[str, Candidate] = {}
    for row in rows:
        for symbol, code in CURRENCIES.items():
            position = row.text.find(symbol)
            if position < 0 or (len(symbol) > 1 and not re.search(rf"\b{symbol}\b", row.text)):
                continue
            if symbol == "$" and canadian:  # a French-language invoice from Québec
                code = "CAD"
            if symbol == "$" and row.source == "ocr":
                code = f"?{code}"
            seen.setdefault(code, Candidate(code, 0.95, row, position, position + len(symbol)))
    if "EUR" in seen:
        return seen["EUR"].to_field()
    for code, candidate in seen.items():
        if not code.startswith("?"):
            return candidate.to_field()
    for code, candidate in seen.items():
        candidate.value, candidate.confidence = code[1:], 0.7
        return candidate.to_field()
    return Field("EUR", 0.6)


def plausible_date(value: str | None, today: date) -> bool:
    if value is None:
        return False
    parsed = date.fromisoformat(value)
    return date(today.year - 10, 1, 1) <= parsed <= date(today.year + 1, 12, 31)
