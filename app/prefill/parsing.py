"""French (and English) amounts and dates as invoices print them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2,
    "fév": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7,
    "juil": 7, "août": 8, "aout": 8, "aoû": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12, "january": 1, "february": 2, "march": 3, "april": 4, "may": 5,
    "june": 6, "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
}  # fmt: skip
FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip

SPACES = "\u00a0\u202f\u2009 "
MAX_AMOUNT_DIGITS = 15  # a thousand billion euros: longer runs of digits are not amounts
# A minus sign: the hyphen against the digits, or the typographic minus (U+2212, never a
# dash between words) with or without a space.
AMOUNT_PATTERN = re.compile(
    r"(?<![\w.,])(?:-|\u2212 ?)?\d{1,3}(?:[ \u00a0\u202f\u2009.,']\d{3})*(?:[.,]\d{1,2})?"
    r"(?![\w]|[.,]\d)"
    r"|(?<![\w.,])(?:-|\u2212 ?)?\d+(?:[.,]\d{1,2})?(?![\w]|[.,]\d)"
)
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})([\-/.])(\d{1,2})\2(\d{1,2})(?!\d)")  # also 2024/04/15
WORD_DATE = re.compile(
    r"(?<!\d)(\d{1,2})(?:er|st|nd|rd|th)?\s+([A-Za-zÀ-ÿ]{3,9})\.?,?\s+(\d{4})(?!\d)"
)
# English, month first: « March 3, 2025 », « Jan. 5, 2024 ».
MONTH_FIRST_DATE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})(?!\d)")


def parse_amount(text: str) -> Decimal | None:
    """``"1 188,00 €"``, ``"1.188,00"``, ``"1,188.00"``, ``"1188.5"`` → ``Decimal``; None when
    the text is not one amount."""
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace("\u2212", "-").strip()
    for space in SPACES:
        cleaned = cleaned.replace(space, "")
    cleaned = cleaned.replace("'", "")
    if not cleaned or not re.fullmatch(r"-?[\d.,]+", cleaned):
        return None
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-")
    last_dot, last_comma = cleaned.rfind("."), cleaned.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0 and len(cleaned) - decimal_at - 1 in (1, 2):
        integer, fraction = cleaned[:decimal_at], cleaned[decimal_at + 1 :]
    else:
        integer, fraction = cleaned, ""
    # What remains in the integer part must be thousands separators between groups of 3.
    groups = re.split(r"[.,]", integer)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
    ):
        return None
    digits = "".join(groups)
    if not digits.isdigit() or len(digits) > MAX_AMOUNT_DIGITS:
        return None  # not an amount: an identifier, a phone or account number
    try:
        value = Decimal(f"{digits}.{fraction or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return -value if negative else value


def amounts_in(text: str) -> list[tuple[Decimal, int, int]]:
    """Every amount in a line of text, with its span."""
    found = []
    for match in AMOUNT_PATTERN.finditer(text):
        value = parse_amount(match.group())
        if value is not None:
            found.append((value, match.start(), match.end()))
    return found


def _plausible(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if 1990 <= value.year <= 2100 else None


# A numeric date as OCR may give it: a « 1 » read « l », « I » or « | », a « 0 » read « O »,
# a space slipped in after the day's first digit or around a separator.
OCR_DIGIT = r"[0-9OoIl|]"
OCR_NUMERIC_DATE = re.compile(
    rf"(?<![\w|])({OCR_DIGIT}(?: ?{OCR_DIGIT})?) ?([/.\-]) ?({OCR_DIGIT}{{1,2}}) ?[/.\-] ?"
    rf"({OCR_DIGIT}{{4}}|{OCR_DIGIT}{{2}})(?![\w|])"
)
OCR_ISO_DATE = re.compile(
    rf"(?<![\w|])({OCR_DIGIT}{{4}}) ?([/.\-]) ?({OCR_DIGIT}{{1,2}}) ?[/.\-] ?"
    rf"({OCR_DIGIT}{{1,2}})(?![\w|])"
)
AS_DIGIT = str.maketrans("OoIl|", "00111")


def _ocr_repaired(text: str) -> str:
    """``text`` with its numeric dates as they were printed, the same length (so that spans
    still point into ``text``): « l1/03/2024 » is the 11th, not the 1st; « 3 1/03/2024 »
    the 31st; « 15/03/ 2024 », « 2026-08- 19 » and « 2024-12.01 » are dates. Only where the
    repair gives a real date."""
    pieces: list[str] = []
    kept = 0
    found = sorted(
        [*OCR_NUMERIC_DATE.finditer(text), *OCR_ISO_DATE.finditer(text)],
        key=lambda match: match.start(),
    )
    for match in found:
        raw = match.group()
        # one separator throughout: OCR reads a dash as a dot now and then
        repaired = re.sub(r"[/.\-]", match[2], raw.replace(" ", "").translate(AS_DIGIT))
        if match.start() < kept or repaired == raw or sum(map(str.isdigit, raw)) < 4:
            continue
        if not _a_real_date(repaired):
            continue
        pieces.append(text[kept : match.start()])
        pieces.append(repaired.ljust(len(raw)))
        kept = match.end()
    pieces.append(text[kept:])
    return "".join(pieces)


def _a_real_date(numeric: str) -> bool:
    day_first, year_first = NUMERIC_DATE.fullmatch(numeric), ISO_DATE.fullmatch(numeric)
    if day_first is not None:
        return _plausible(int(day_first[3]), int(day_first[2]), int(day_first[1])) is not None
    if year_first is not None:
        return _plausible(int(year_first[1]), int(year_first[3]), int(year_first[4])) is not None
    return False


def dates_in(text: str) -> list[tuple[date, int, int]]:
    """Every date in a line: 12/03/2025, 12.03.2025, 12-03-25, 2025-03-12, 12 mars 2025."""
    text = _ocr_repaired(text)
    found: list[tuple[date, int, int]] = []
    for match in ISO_DATE.finditer(text):
        value = _plausible(int(match[1]), int(match[3]), int(match[4]))
        if value:
            found.append((value, match.start(), match.end()))
    for match in NUMERIC_DATE.finditer(text):
        value = _plausible(int(match[3]), int(match[2]), int(match[1]))
        if value and not any(start <= match.start() < end for _, start, end in found):
            found.append((value, match.start(), match.end()))
    for match in WORD_DATE.finditer(text):
        month = MONTHS.get(match[2].lower().rstrip("."))
        if month:
            value = _plausible(int(match[3]), month, int(match[1]))
            if value:
                found.append((value, match.start(), match.end()))
    for match in MONTH_FIRST_DATE.finditer(text):
        month = MONTHS.get(match[1].lower())
        if month:
            value = _plausible(int(match[3]), month, int(match[2]))
            if value:
                found.append((value, match.start(), match.end()))
    for match in NUMERIC_DATE.finditer(text):
        # « 03/15/2025 »: no month 15, so an American date, month first.
        if int(match[2]) > 12 and not any(start <= match.start() < end for _, start, end in found):
            value = _plausible(int(match[3]), int(match[1]), int(match[2]))
            if value:
                found.append((value, match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str) -> date | None:
    found = dates_in(text)
    return found[0][0] if found else None


def format_amount_fr(value: Decimal, *, thousands: str = "\u202f", symbol: bool = True) -> str:
    """``Decimal("1188")`` → ``"1 188,00 €"`` (the inverse of :func:`parse_amount`)."""
    quantized = value.quantize(Decimal("0.01"))
    sign = "-" if quantized < 0 else ""
    integer, fraction = f"{abs(quantized):.2f}".split(".")
    grouped = ""
    while len(integer) > 3:
        grouped = thousands + integer[-3:] + grouped
        integer = integer[:-3]
    text = f"{sign}{integer}{grouped},{fraction}"
    return f"{text} €" if symbol else text


def format_date_fr(value: date) -> str:
    """``date(2025, 3, 12)`` → ``"12 mars 2025"``."""
    return f"{value.day} {FRENCH_MONTHS[value.month - 1]} {value.year}"
