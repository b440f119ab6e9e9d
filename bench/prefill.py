"""Prefill accuracy, speed and memory over a folder of ``NAME.pdf`` + ``NAME.truth.json``.

Prints the accuracy of each field and overall, split between text PDFs and scans (and on the
fields the truth knows: in real-dev a null means unknown); the median and 95th-percentile time
per document (and per scanned page); the peak memory of the reading process and of the OCR
workers; and the calibration of the confidence (how often a value given at ≥ 0.9, ≥ 0.8…
is right). Scans of real invoices: ``scripts/derive_scans.py``. Targets (2-core machine):
accuracy ≥ 98 % on text PDFs and ≥ 90 % on scans; median ≤ 0.3 s per text PDF and ≤ 4 s per
scanned page; peak ≤ 500 MB.

    .venv/bin/python bench/prefill.py ../shared/corpus/dev [more folders…]
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

from app.prefill.engine import OcrPool, prefill
from app.prefill.model import FIELD_NAMES

# Confidence bands, highest first: a value reported at ≥ 0.9 should be right 99 % of the time.
CONFIDENCE_BANDS = (0.9, 0.8, 0.6, 0.0)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    folders = [Path(arg) for arg in sys.argv[1:]] or [Path("../shared/corpus/dev")]
    pool = OcrPool()
    hits: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    known: dict[str, int] = {}
    calibration: dict[float, tuple[int, int]] = {}  # band → (right, values given)
    known_hits: dict[str, int] = {}
    times: dict[str, list[float]] = {"text": [], "scan": []}
    per_scanned_page: list[float] = []
    misses: list[str] = []
    try:
        for folder in folders:
            for pdf in sorted(folder.glob("*.pdf")):
                truth_file = pdf.with_suffix(".truth.json")
                if not truth_file.exists():
                    continue
                truth = json.loads(truth_file.read_text(encoding="utf-8"))
                started = time.perf_counter()
                result = prefill(pdf, ocr=pool)
                elapsed = time.perf_counter() - started
                found = result.as_json()
                kind = "scan" if truth.get("scanned") else "text"
                times[kind].append(elapsed)
                if result.scanned:
                    per_scanned_page.append(elapsed / max(1, result.pages_read))
                totals[kind] = totals.get(kind, 0) + 1
                for name in FIELD_NAMES:
                    if truth.get(name) is not None:  # real-dev: null means unknown
                        known[kind] = known.get(kind, 0) + 1
                        known_hits[kind] = known_hits.get(kind, 0) + (found[name] == truth[name])
                    confidence = found["fields"].get(name, {}).get("confidence", 0.0)
                    if found[name] is not None and truth.get(name) is not None:
                        band = next(b for b in CONFIDENCE_BANDS if confidence >= b)
                        right, seen = calibration.get(band, (0, 0))
                        calibration[band] = (right + (found[name] == truth[name]), seen + 1)
                    if found[name] == truth.get(name):
                        hits[(kind, name)] = hits.get((kind, name), 0) + 1
                    else:
                        misses.append(f"{pdf.name} {name}: {found[name]!r} ≠ {truth.get(name)!r}")
    finally:
        pool.close()

    print(f"{'champ':<18}" + "".join(f"{kind:>10}" for kind in totals))
    for name in FIELD_NAMES:
        cells = "".join(
            f"{100 * hits.get((kind, name), 0) / count:>9.1f}%" for kind, count in totals.items()
        )
        print(f"{name:<18}{cells}")
    for kind, count in totals.items():
        correct = sum(hits.get((kind, name), 0) for name in FIELD_NAMES)
        print(
            f"précision globale {kind} : {100 * correct / (count * len(FIELD_NAMES)):.1f} % "
            f"({count} documents)"
        )
        print(
            f"  sur les seuls champs connus de la vérité : "
            f"{100 * known_hits.get(kind, 0) / max(1, known.get(kind, 0)):.1f} %"
        )
    for kind, values in times.items():
        if values:
            print(
                f"temps par document {kind} : médiane {statistics.median(values):.2f} s, "
                f"95e centile {percentile(values, 0.95):.2f} s"
            )
    if per_scanned_page:
        print(
            f"temps par page numérisée : médiane {statistics.median(per_scanned_page):.2f} s, "
            f"95e centile {percentile(per_scanned_page, 0.95):.2f} s"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"mémoire maximale : lecture {own:.0f} Mo, processus OCR {workers:.0f} Mo")
    print("calibration (valeurs données, vérité connue) : confiance → justes / données")
    for band in CONFIDENCE_BANDS:
        right, seen = calibration.get(band, (0, 0))
        share = f"{100 * right / seen:.1f} %" if seen else "—"
        print(f"  ≥ {band:.1f} : {right}/{seen} ({share})")
    for miss in misses:
        print("  écart :", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
