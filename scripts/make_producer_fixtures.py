"""Invoices made by real producers for ``bench/prefill.py`` and the prefill tests: the
families of ``tests/support/producer_invoices.py`` written as HTML and turned into PDF by
WeasyPrint or LibreOffice (Debian packages ``weasyprint`` and ``libreoffice-writer-nogui``),
each with its truth, then scans of some of them.

    .venv/bin/python scripts/make_producer_fixtures.py tests/fixtures/producers [SEED]
    .venv/bin/python scripts/make_producer_fixtures.py --classes tests/fixtures/producers [SEED]

``--classes`` writes the families of ``tests/support/producer_classes.py`` (the layouts of
issue 36: hotel, identifiants, energie, negative), numbered from 100 so that the first
families' files stay as they are.

Another seed gives other invoices of the same families: a check that a fix holds for the
family, not for the committed files.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.invoice_factory import scan_of
from tests.support.producer_classes import CLASS_FAMILIES, make_class_invoice, render_class_html
from tests.support.producer_invoices import FAMILIES, make_invoice, render_html

PER_FAMILY = 5
SCANS_PER_FAMILY = 2
OFFICE_FAMILIES = {"traitement_texte", "micro"}


def producers() -> tuple[str, str]:
    weasyprint, soffice = shutil.which("weasyprint"), shutil.which("soffice")
    if not weasyprint or not soffice:
        raise SystemExit(
            "Il manque WeasyPrint ou LibreOffice : "
            "sudo apt-get install weasyprint libreoffice-writer-nogui"
        )
    return weasyprint, soffice


def to_pdf(html_file: Path, producer: str, tools: tuple[str, str]) -> bytes:
    weasyprint, soffice = tools
    pdf = html_file.with_suffix(".pdf")
    if producer == "weasyprint":
        subprocess.run([weasyprint, str(html_file), str(pdf)], check=True, capture_output=True)
    else:
        subprocess.run(
            [soffice, "--headless", "--infilter=HTML (StarWriter)",
             "--convert-to", "pdf:writer_pdf_Export",
             "--outdir", str(html_file.parent), str(html_file)],
            check=True, capture_output=True,
        )  # fmt: skip
    return pdf.read_bytes()


def main() -> int:
    arguments = sys.argv[1:]
    classes = "--classes" in arguments
    arguments = [argument for argument in arguments if argument != "--classes"]
    target = Path(arguments[0] if arguments else "tests/fixtures/producers")
    target.mkdir(parents=True, exist_ok=True)
    tools = producers()
    rng = random.Random(int(arguments[1]) if len(arguments) > 1 else 36 if classes else 1789)
    families, make, render, first = (
        (CLASS_FAMILIES, make_class_invoice, render_class_html, 100)
        if classes
        else (FAMILIES, make_invoice, render_html, 0)
    )
    written = 0
    with tempfile.TemporaryDirectory() as work:
        for round_ in range(PER_FAMILY):
            for position, family in enumerate(families):
                index = first + round_ * len(families) + position
                invoice = make(index, family, rng)
                page = render(invoice, rng)
                producer = (
                    "libreoffice"
                    if family in OFFICE_FAMILIES or rng.random() < 0.15
                    else "weasyprint"
                )
                html_file = Path(work) / f"{invoice.name}.html"
                html_file.write_text(page, "utf-8")
                pdf = to_pdf(html_file, producer, tools)
                truth = invoice.truth()
                truth["extra"]["producer"] = producer
                _write(target, invoice.name, pdf, truth)
                written += 1
                if round_ < SCANS_PER_FAMILY:
                    truth = {**truth, "scanned": True}
                    dpi = rng.choice((200, 300))
                    _write(target, invoice.name + "_scan", scan_of(pdf, rng, dpi=dpi), truth)
                    written += 1
    print(f"{written} factures écrites dans {target}")
    return 0


def _write(folder: Path, name: str, pdf: bytes, truth: dict[str, object]) -> None:
    (folder / f"{name}.pdf").write_bytes(pdf)
    (folder / f"{name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), "utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
