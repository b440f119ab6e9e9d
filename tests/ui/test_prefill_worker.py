"""The prefill worker reads off the UI thread and reports through Qt signals."""

from __future__ import annotations

import random
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.prefill.engine import PrefillCancelled
from app.prefill.intake import UnreadableInvoiceError
from app.prefill.model import PrefillResult
from app.services import Services
from tests.support.invoice_factory import make_invoice, render, scan_of
from ui.workers import PrefillWorker, WorkerPool


def _invoice_pdf(tmp_path: Path, *, scanned: bool = False) -> tuple[Path, str]:
    rng = random.Random(5)
    invoice = make_invoice(3, "plusieurs_siret", rng)
    pdf = render(invoice, rng)
    path = tmp_path / ("scan.pdf" if scanned else "facture.pdf")
    path.write_bytes(scan_of(pdf, rng) if scanned else pdf)
    return path, invoice.number


def test_worker_reports_progress_then_the_result(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    path, number = _invoice_pdf(tmp_path)
    worker = PrefillWorker(services.deposit, path)
    steps: list[str] = []
    worker.signals.progress.connect(lambda _fraction, message: steps.append(message))
    with qtbot.waitSignal(worker.signals.succeeded, timeout=20000) as blocker:
        WorkerPool().start(worker)
    result = blocker.args[0].reading
    assert isinstance(result, PrefillResult)
    assert blocker.args[0].invoice.number == number  # mapped and checked too
    assert result.value("invoice_number") == number
    assert steps[0] == "Vérification du fichier" and steps[-1] == "Lecture terminée"


def test_worker_failure_carries_the_french_message(
    qtbot: QtBot, services: Services, tmp_path: Path
) -> None:
    bad = tmp_path / "photo.pdf"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    worker = PrefillWorker(services.deposit, bad)
    with qtbot.waitSignal(worker.signals.failed, timeout=20000) as blocker:
        WorkerPool().start(worker)
    error = blocker.args[0]
    assert isinstance(error, UnreadableInvoiceError)
    assert "image JPEG" in error.message


def test_cancelling_stops_the_ocr(qtbot: QtBot, services: Services, tmp_path: Path) -> None:
    worker = PrefillWorker(services.deposit, _invoice_pdf(tmp_path, scanned=True)[0])
    worker.signals.progress.connect(
        lambda _fraction, message: worker.cancel() if message == "Lecture du texte" else None
    )
    with qtbot.waitSignal(worker.signals.failed, timeout=30000) as blocker:
        WorkerPool().start(worker)
    assert isinstance(blocker.args[0], PrefillCancelled)
