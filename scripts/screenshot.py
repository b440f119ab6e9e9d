"""Take screenshots of Bordereau's window for review (run under xvfb-run).

Usage: xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshot.py OUT_DIR [WIDTHxHEIGHT]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from app.paths import resolve_paths
from app.services import Services
from ui.main_window import MainWindow
from ui.resources import resource_path


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    size = sys.argv[2] if len(sys.argv) > 2 else "1366x768"
    width, height = (int(part) for part in size.split("x"))
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(QIcon(str(resource_path("icons", "bordereau.svg"))))
    app.setStyleSheet(resource_path("style.qss").read_text("utf-8"))
    data = Path(tempfile.mkdtemp(prefix="bordereau-shot-"))
    services = Services(resolve_paths(data))
    services.open_database()
    directory_export: Path | None = None
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.support.directory_export import write_export

        directory_export = data / "annuaire.xlsx"
        write_export(directory_export, structures=2000, services=3000)
    except ImportError:  # the test helpers are not shipped in installers
        directory_export = None
    window = MainWindow(services)
    window.setGeometry(0, 0, width, height)
    window.show()

    def grab(name: str) -> None:
        app.processEvents()
        screen = app.primaryScreen()
        screen.grabWindow(0).save(str(out / f"{name}-{size}.png"))

    def sequence() -> None:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            grab(window.tabs.widget(index).objectName())
        dialog = window.open_account_dialog()
        dialog.move(200, 100)
        grab("account_dialog")
        dialog.reject()
        annuaire = window.open_directory_dialog()
        annuaire.move(150, 80)
        grab("annuaire_vide")
        if directory_export is not None:
            services.import_directory(directory_export)
            annuaire.reject()
            annuaire = window.open_directory_dialog()
            annuaire.move(150, 80)
            annuaire.query.setText("saint etienne")
            annuaire._start_search()
            QTimer.singleShot(600, lambda: finish(annuaire))
            return
        finish(annuaire)

    def finish(annuaire: QDialog) -> None:
        app.processEvents()
        grab("annuaire_dialog")
        annuaire.reject()
        for widget in app.topLevelWidgets():
            if isinstance(widget, QDialog):
                widget.close()
        services.close()
        app.quit()

    QTimer.singleShot(500, sequence)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
