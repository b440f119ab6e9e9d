"""What Bordereau does on Windows, tested here on Linux (issue 23): where its data goes, how
the Credential Locker is named, file names Windows accepts, CSV lines ending in CRLF, and
the Tesseract the installer puts beside the frozen program."""

from __future__ import annotations

import io
import sys
from pathlib import Path, PureWindowsPath

import pytest
from keyring.backends.Windows import WinVaultKeyring
from platformdirs.windows import Windows

from app.credentials import CredentialStore
from app.files import file_name_for, spreadsheet_csv
from app.paths import resolve_paths
from app.prefill.pages import bundled_tessdata, bundled_tesseract


def test_data_settings_and_logs_live_under_localappdata(monkeypatch: pytest.MonkeyPatch) -> None:
    local = r"C:\Users\Léa Martin\AppData\Local"
    # what Windows answers for the known folder, through platformdirs' own override
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)
    monkeypatch.delenv("BORDEREAU_DATA_DIR", raising=False)
    paths = resolve_paths(system=Windows)
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.cache_dir):
        assert PureWindowsPath(str(folder)).is_relative_to(PureWindowsPath(local, "Bordereau"))


def test_account_show_names_the_windows_credential_manager() -> None:
    store = CredentialStore(backend=WinVaultKeyring())
    assert store.backend_description() == (
        "trousseau du système (Gestionnaire d'identification Windows)"
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("FA/2026/0042", "FA-2026-0042.pdf"),
        ('F:12 <acompte> "B"|?*', "F-12 -acompte- -B----.pdf"),
        ("CON", "_CON.pdf"),
        ("com1.2026", "_com1.2026.pdf"),
        ("facture. ", "facture.pdf"),
        ("", "document.pdf"),
        ("x" * 300, "x" * 116 + ".pdf"),
    ],
)
def test_suggested_file_names_are_accepted_by_windows(number: str, expected: str) -> None:
    name = file_name_for(number, "pdf")
    assert name == expected
    assert not set('<>:"/\\|?*') & set(name) and len(name) <= 120


def test_csv_lines_end_in_crlf_as_excel_expects() -> None:
    stream = io.StringIO(newline="")
    writer = spreadsheet_csv(stream)
    writer.writerows([["Numéro", "Montant"], ["F-1", "1 200,00"]])
    assert stream.getvalue() == "\ufeffNuméro;Montant\r\nF-1;1 200,00\r\n"


def test_the_frozen_program_uses_the_tesseract_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "Bordereau"
    (installed / "tesseract" / "tessdata").mkdir(parents=True)
    tesseract = installed / "tesseract" / "tesseract.exe"
    tesseract.write_bytes(b"MZ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(installed / "bordereau.exe"))
    assert bundled_tesseract() == tesseract
    assert bundled_tessdata(tesseract) == installed / "tesseract" / "tessdata"


def test_a_development_run_uses_the_system_tesseract() -> None:
    assert not getattr(sys, "frozen", False)
    assert bundled_tesseract() is None
