"""Undo what PDF producers do to text layers before the fields are looked for: accents kept
apart from their letters (LaTeX: « Num´ero », « entraˆınera »), typographic hyphens inside
numbers and dates (« 18‐08‐2026 »), and letter-spaced headings (« F A C T U R E »)."""

from __future__ import annotations

import itertools
import re
import unicodedata

from app.prefill.model import Word

# A spacing accent and the combining one it stands for; LaTeX puts the accent before its letter
# (the cedilla after it).
_ACCENT_BEFORE = {"´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "¨": "\u0308", "˜": "\u0303"}
_SPLIT_ACCENT = re.compile("([´`ˆ¨˜])\\s?([A-Za-zı])")
_SPLIT_CEDILLA = re.compile("([cC])\\s?¸")
_HYPHENS = re.compile("(?<=[0-9A-Za-z])[\u2010\u2011\u2012\u2013\u2212](?=[0-9A-Za-z])")
_MINUS = re.compile("(?<![0-9A-Za-z])[\u2212\u2013](?=\\s?[0-9])")  # « −120,00 », « – 5 »


def _compose(match: re.Match[str]) -> str:
    letter = "i" if match.group(2) == "ı" else match.group(2)
    return unicodedata.normalize("NFC", letter + _ACCENT_BEFORE[match.group(1)])


def clean_text(text: str) -> str:
    """One word's text with its accents joined and its hyphens plain."""
    if any(mark in text for mark in _ACCENT_BEFORE):
        text = _SPLIT_ACCENT.sub(_compose, text)
    if "¸" in text:
        text = _SPLIT_CEDILLA.sub(lambda m: "ç" if m.group(1) == "c" else "Ç", text)
    return _MINUS.sub("-", _HYPHENS.sub("-", text))


def _is_spaced_letter(word: Word) -> bool:
    return len(word.text) == 1 and word.text.isalpha() and word.text.isupper()


def _merge(words: list[Word]) -> Word:
    return Word(
        "".join(word.text for word in words),
        words[0].x0,
        min(word.y0 for word in words),
        words[-1].x1,
        max(word.y1 for word in words),
        words[0].page,
        words[0].source,
        words[0].line,
        words[0].lift,
    )


def _split_at_word_gaps(run: list[Word]) -> list[list[Word]]:
    """A letter-spaced run may hold several words (« F A C T U R É  À »): a gap much wider than
    the usual one between its letters ends a word."""
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(run)]
    usual = sorted(gaps)[len(gaps) // 2]
    groups = [[run[0]]]
    for gap, word in zip(gaps, run[1:], strict=True):
        if gap > max(1.0, usual * 1.8):
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def join_letter_spacing(words: list[Word]) -> list[Word]:
    """Runs of three or more capital letters standing alone (a letter-spaced heading), with
    a capital fragment just before them (« FAC T U R É »), become words. ``words`` are one
    row's, left to right."""
    joined: list[Word] = []
    index = 0
    while index < len(words):
        end = index
        while end < len(words) and _is_spaced_letter(words[end]):
            end += 1
        if end - index < 3:
            joined.append(words[index])
            index += 1
            continue
        run = words[index:end]
        groups = _split_at_word_gaps(run)
        usual = sorted(b.x0 - a.x1 for a, b in itertools.pairwise(run))[(len(run) - 1) // 2]
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.text.isalpha()
            and previous.text.isupper()
            and run[0].x0 - previous.x1 <= max(1.0, usual * 1.8)
        ):
            joined[-1] = _merge([previous, *groups[0]])
            groups = groups[1:]
        joined.extend(_merge(group) for group in groups)
        index = end
    return joined
