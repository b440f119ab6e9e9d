"""« Saisir une facture » under the operating system's own keyboard and mouse (issue 32):
Xvfb, a window manager and xdotool, the program in a process of its own as the user starts
it. An invoice written with the keyboard only, from Ctrl+N to its PDF; the wheel turned over
every part of the editor and of the credit-note dialog changes nothing that is kept; Escape,
the window manager's close (Alt+F4) and Ctrl+Q with typed work ask first."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf

from app.deposit.official_rules import official_broken_rules
from app.services import Services
from tests.support.real_display import Display, real_display

pytestmark = pytest.mark.slow

EDITOR = "Saisir une facture"
SCROLL_UP, SCROLL_DOWN = "4", "5"  # X's wheel buttons


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The user's home folder of the program's process: its Documents receive the PDFs."""
    folder = tmp_path / "maison"
    folder.mkdir()
    return folder


@contextmanager
def bordereau(
    display: Display, command: list[str], env: dict[str, str], home: Path
) -> Iterator[subprocess.Popen[bytes]]:
    app = subprocess.Popen(
        command,
        env={**display.env(env), "HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        display.window("Bordereau")
        time.sleep(2)  # the lists load after the first frame
        yield app
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()


def keys(display: Display, *names: str) -> None:
    for name in names:
        display.xdotool("key", "--clearmodifiers", name)
        time.sleep(0.25)


def write(display: Display, text: str) -> None:
    display.xdotool("type", "--delay", "40", text)
    time.sleep(0.25)


def gone(display: Display, name: str, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not display.xdotool("search", "--onlyvisible", "--name", name).split():
            return True
        time.sleep(0.2)
    return False


def type_an_invoice(display: Display) -> str:
    """Ctrl+N, then the keyboard only: who sells (the focus starts at their name), the
    customer — a company, by Alt+E and Alt+M —, one line in the table (Alt+L, F2 to edit a
    cell, Tab to the next), out of the table with Ctrl+Tab. The editor's window id."""
    keys(display, "ctrl+n")
    editor = display.window(EDITOR)
    time.sleep(1)
    write(display, "Marie Martin")
    keys(display, "Tab", "Tab", "Tab")  # trade name, SIRET (the account's), street
    write(display, "12 rue des Lilas")
    keys(display, "Tab")
    write(display, "33000")
    keys(display, "Tab")
    write(display, "Bordeaux")
    keys(display, "Tab", "Tab", "Tab")  # registration, VAT number, IBAN
    write(display, "FR76 3000 6000 0112 3456 7890 189")
    keys(display, "alt+e", "alt+m")
    write(display, "SARL Les Tilleuls")
    keys(display, "Tab")  # the SIRET is a public structure's: to the SIREN
    write(display, "443061841")
    keys(display, "Tab", "Tab")  # its VAT number follows from it
    write(display, "3 place du Marché")
    keys(display, "Tab")
    write(display, "33600")
    keys(display, "Tab")
    write(display, "Pessac")
    keys(display, "alt+l", "F2")
    write(display, "Pose de rayonnages")
    keys(display, "Return", "Tab", "Tab", "Tab", "F2")  # quantity, unit, price
    write(display, "400")
    keys(display, "Return", "ctrl+Tab")
    return editor


def wheel_over(display: Display, window: str, fractions: tuple[float, ...]) -> None:
    """The wheel turned down over the window at each of these widths, near the top of its
    form (what is on screen first passes under the pointer as the form scrolls) and near its
    bottom (what comes from below does); before each turn, back to the top with the wheel
    over the scroll bar (up then down over one field would undo a change)."""
    x, y, width, height = display.geometry(window)
    for fraction in fractions:
        for depth in (0.08, 0.82):
            display.xdotool("mousemove", "--sync", str(x + width - 20), str(y + height // 3))
            display.xdotool("click", "--repeat", "40", "--delay", "20", SCROLL_UP)
            display.xdotool(
                "mousemove", "--sync", str(x + int(width * fraction)), str(y + int(height * depth))
            )
            display.xdotool("click", "--repeat", "40", "--delay", "50", SCROLL_DOWN)
            time.sleep(0.2)


def test_an_invoice_written_with_the_keyboard_only_then_credited_with_the_wheel_turned(
    subprocess_env: dict[str, str],
    bordereau_cmd: list[str],
    services: Services,
    home: Path,
) -> None:
    with real_display() as display, bordereau(display, bordereau_cmd, subprocess_env, home):
        type_an_invoice(display)
        keys(display, "alt+f")  # « Émettre la facture… »
        display.window("Émettre la facture")
        keys(display, "Return")  # « Émettre », the default
        written = home / "Documents" / "Bordereau" / "Factures"
        deadline = time.monotonic() + 60
        while not list(written.glob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.5)
        (pdf,) = written.glob("*.pdf")
        _name, xml = get_xml_from_pdf(pdf.read_bytes(), check_xsd=True)
        assert official_broken_rules(xml) == []
        for typed in ("Marie Martin", "SARL Les Tilleuls", "443061841", "Pose de rayonnages"):
            assert typed.encode() in xml
        assert b"<ram:TaxBasisTotalAmount>400.00</ram:TaxBasisTotalAmount>" in xml
        (issued,) = services.invoicing.issued_list()
        number = issued.number

        keys(display, "Escape")  # issued: nothing to keep, it closes without a question
        assert gone(display, EDITOR)
        display.xdotool("windowactivate", "--sync", display.window("Bordereau"))
        keys(display, "alt+f", "f")  # Fichier › Factures écrites…
        display.window("Factures écrites")
        keys(display, "Tab", "Home", "alt+a")  # the list, its first invoice, « Créer un avoir… »
        credit = display.window(f"Avoir sur la facture {number}")
        wheel_over(display, credit, (0.25, 0.5, 0.7, 0.85))
        display.xdotool("windowactivate", "--sync", credit)
        keys(display, "Return")  # « Créer l'avoir », the default
        deadline = time.monotonic() + 30
        while len(services.invoicing.issued_list()) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
    credits = [row for row in services.invoicing.issued_list() if row.number != number]
    assert len(credits) == 1, "one credit note, of the whole invoice"
    note = services.invoicing.issued(credits[0].number).invoice
    assert note.is_credit_note and note.credited_number == number
    assert credits[0].total_ht == Decimal("400.00")  # nothing moved by the wheel


def test_the_wheel_over_every_part_of_the_editor_changes_nothing_that_is_saved(
    subprocess_env: dict[str, str],
    bordereau_cmd: list[str],
    services: Services,
    home: Path,
) -> None:
    """The editor's combo boxes (registration, unit, VAT, nature, regime, payment terms),
    dates and figures pass under the pointer as the form scrolls, at four widths."""
    with real_display() as display, bordereau(display, bordereau_cmd, subprocess_env, home):
        editor = type_an_invoice(display)
        keys(display, "ctrl+s")
        (draft,) = [row for row in services.invoicing.rows() if row.status == "draft"]
        before = services.invoicing.draft(draft.id)
        # the left column's choices and dates, the due date, the lines' unit, VAT and nature
        wheel_over(display, editor, (0.3, 0.5, 0.59, 0.85, 0.92))
        display.xdotool("windowactivate", "--sync", editor)
        keys(display, "ctrl+s")
        time.sleep(1)
        after = services.invoicing.draft(draft.id)
    assert after == before


def test_escape_the_close_button_and_ctrl_q_ask_before_typed_work_is_dropped(
    subprocess_env: dict[str, str],
    bordereau_cmd: list[str],
    services: Services,
    home: Path,
) -> None:
    question = "Fermer la facture"
    with (
        real_display() as display,
        bordereau(display, bordereau_cmd, subprocess_env, home) as app,
    ):
        keys(display, "ctrl+n")
        editor = display.window(EDITOR)
        # each time something more is typed: the draft kept by itself a few seconds after
        # the last change would leave nothing to ask about
        keys(display, "alt+m")
        write(display, "Mairie")
        keys(display, "Escape")
        display.window(question)
        keys(display, "Escape")  # « Annuler »: the editor stays, with what was typed
        assert gone(display, question)
        assert display.xdotool("search", "--onlyvisible", "--name", EDITOR).split()
        display.xdotool("windowactivate", "--sync", editor)
        write(display, " de")
        keys(display, "alt+F4")  # the window manager's close
        display.window(question)
        keys(display, "Escape")
        assert gone(display, question)
        display.xdotool("windowactivate", "--sync", editor)
        write(display, " Pessac")
        keys(display, "ctrl+q")  # quitting Bordereau from the editor's window
        display.window(question)
        keys(display, "Return")  # « Enregistrer en brouillon », the default
        assert app.wait(timeout=30) == 0  # then Bordereau quits
    (draft,) = [row for row in services.invoicing.rows() if row.status == "draft"]
    assert services.invoicing.draft(draft.id).customer.name == "Mairie de Pessac"


@pytest.mark.parametrize(("size", "scale"), [("1024x640", "1"), ("1366x768", "1.25")])
def test_the_editor_and_factures_ecrites_open_within_the_screen(
    subprocess_env: dict[str, str], bordereau_cmd: list[str], home: Path, size: str, scale: str
) -> None:
    """On a small screen, and at 125 % on a laptop's: the windows open whole, their buttons
    (« Émettre la facture… », « Fermer ») on screen without resizing anything."""
    width, height = (int(side) for side in size.split("x"))
    env = {**subprocess_env, "QT_SCALE_FACTOR": scale}
    with real_display(size) as display, bordereau(display, bordereau_cmd, env, home):
        keys(display, "ctrl+n")
        for name in (EDITOR, "Factures écrites"):
            window = display.window(name)
            time.sleep(0.5)
            x, y, shown_width, shown_height = display.geometry(window)
            assert x >= 0 and y >= 0, (name, x, y)
            assert x + shown_width <= width and y + shown_height <= height, (
                name,
                (x, y, shown_width, shown_height),
            )
            if name == EDITOR:
                keys(display, "Escape")  # nothing typed: it closes without a question
                assert gone(display, EDITOR)
                display.xdotool("windowactivate", "--sync", display.window("Bordereau"))
                keys(display, "alt+f", "f")
