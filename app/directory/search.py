"""Search the directory: SIRET or postal-code prefixes, names and cities through FTS5
(accent- and case-insensitive, prefixes), and typo tolerance by correcting each word
against the index's own vocabulary."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from app.directory.store import STRUCTURE_COLUMNS, WORD, Structure, structure_from_row
from app.domain.text import fold

if TYPE_CHECKING:
    from app.directory.store import DirectoryStore

STOP_WORDS = frozenset(
    {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en"}
)
MIN_FUZZY_SCORE = 75.0
ABBREVIATIONS = {
    "st": ("saint",),
    "ste": ("sainte",),
    "ch": ("centre", "hospitalier"),
    "chu": ("centre", "hospitalier", "universitaire"),
    "cc": ("communaute", "communes"),
    "mairie": ("commune",),
    "ville": ("commune",),
}


def _digits_search(connection: sqlite3.Connection, digits: str, limit: int) -> list[Structure]:
    """A SIRET prefix, or a postal code (5 digits or a department prefix)."""
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    rows = connection.execute(
        f"SELECT {STRUCTURE_COLUMNS} FROM structures WHERE siret >= ? AND siret < ? "
        "ORDER BY active DESC, name LIMIT ?",
        (digits, upper, limit),
    ).fetchall()
    if len(digits) <= 5:
        rows += connection.execute(
            f"SELECT {STRUCTURE_COLUMNS} FROM structures "
            "WHERE postal_code >= ? AND postal_code < ? "
            "ORDER BY active DESC, name LIMIT ?",
            (digits, upper, limit),
        ).fetchall()
    seen: set[str] = set()
    found = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            found.append(structure_from_row(row))
    return found[:limit]


CANDIDATES = 1500  # a vague query ("commune") matches 50 000 rows: rank only this many


def _fts(connection: sqlite3.Connection, match: str, limit: int) -> list[Structure]:
    columns = ", ".join(f"s.{name.strip()}" for name in STRUCTURE_COLUMNS.split(","))
    rows = connection.execute(
        f"SELECT {columns} FROM ("
        "  SELECT rowid, bm25(structures_fts, 10.0, 4.0, 3.0, 1.0) AS score FROM structures_fts"
        "  WHERE structures_fts MATCH ? LIMIT ?"
        ") f JOIN structures s ON s.id = f.rowid "
        "ORDER BY s.active DESC, f.score, length(s.name) LIMIT ?",
        (match, CANDIDATES, limit),
    ).fetchall()
    return [structure_from_row(row) for row in rows]


def _quote(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def _term(word: str, *, prefix: bool = True) -> str:
    """A word (as a prefix while typed), or its expansion ("st" → "saint")."""
    own = f"{_quote(word)}*" if prefix and len(word) >= 2 else _quote(word)
    expansion = ABBREVIATIONS.get(word)
    if not expansion:
        return own
    return f"({own} OR (" + " AND ".join(_quote(part) for part in expansion) + "))"


def search(
    connection: sqlite3.Connection, store: DirectoryStore, query: str, limit: int = 20
) -> list[Structure]:
    text = query.strip()
    compact = re.sub(r"[\s.]", "", text)
    if compact.isdigit() and len(compact) >= 2:
        return _digits_search(connection, compact, limit)
    words = [w for w in WORD.findall(fold(text)) if w not in STOP_WORDS]
    if not words:
        return []
    # Earlier words are whole; the last one is still being typed: a prefix.
    exact = " AND ".join(
        _term(word, prefix=index == len(words) - 1) for index, word in enumerate(words)
    )
    found = _fts(connection, exact, limit)
    if len(found) >= min(limit, 3):
        return found
    # Typos: each word may also be the nearest words of the index.
    from rapidfuzz import fuzz, process

    vocabulary = store.vocabulary()
    known = store.vocabulary_set()
    groups = []
    for word in words:
        variants = {word}
        if len(word) >= 4 and word not in known:
            for candidate, _score, _index in process.extract(
                word, vocabulary, scorer=fuzz.ratio, limit=4, score_cutoff=MIN_FUZZY_SCORE
            ):
                variants.add(candidate)
        groups.append("(" + " OR ".join(f"{_quote(v)}*" for v in sorted(variants)) + ")")
    seen = {item.siret for item in found}
    for item in _fts(connection, " AND ".join(groups), limit):
        if item.siret not in seen:
            found.append(item)
            seen.add(item.siret)
    return found[:limit]
