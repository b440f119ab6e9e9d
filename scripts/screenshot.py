"""Take screenshots of Bordereau's window for review (run under xvfb-run).

Usage::

    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshot.py OUT [WxH]
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from app.paths import resolve_paths
from app.services import Services
from app.simulator.seed import siret_for
from ui.main_window import MainWindow
from ui.resources import resource_path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dev"
BREST = siret_for(4, "2129")


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
    services.context.open_database()
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
        # Demo mode: the first sync imports the demo account's year of invoices.
        demo = services.account.status().effective
        when(lambda: services.sync.last_sync_day(demo) is not None and not window._syncing, suivi)

    def suivi() -> None:
        from app.invoices.views import WorkCategory

        synthese = window.synthese
        window.tabs.setCurrentWidget(synthese)
        grab("tab_synthese")
        for row in range(synthese.model.rowCount()):
            found = synthese.model.row_of(row)
            if found is not None and found.category is WorkCategory.RECYCLE:
                synthese.table.selectRow(row)
        synthese.recycle_selected()
        synthese.recycle_dialog.move(300, 150)
        grab("synthese_recycler")
        synthese.recycle_dialog.reject()
        window.tabs.setCurrentWidget(window.rechercher)
        window.rechercher.criteria_button.setChecked(True)
        grab("tab_rechercher")
        window.rechercher.criteria_button.setChecked(False)
        window.tabs.setCurrentWidget(window.tableau_de_bord)
        when(lambda: window.tableau_de_bord.board is not None, dashboard)

    def dashboard() -> None:
        board = window.tableau_de_bord
        grab("tab_tableau_de_bord")
        board.late_table.selectRow(0)
        board.claim_button.click()
        tickets = window.sollicitations
        assert tickets is not None
        tickets.setGeometry(40, 20, min(width - 80, 1240), height - 60)
        grab("sollicitation_retard")
        tickets.portal_edit.setText("CPROCS0031415")
        tickets.save_tracking()
        tickets.note_edit.setText("Le service comptable confirme le mandatement sous 15 jours.")
        tickets.add_note()
        grab("sollicitations_window")
        tickets.close()
        item = board.late_table.item(0, 0)
        assert item is not None
        board._follow(item)
        when(lambda: getattr(window, "history_dialog", None) is not None, history)

    def history() -> None:
        window.history_dialog.move(250, 150)
        grab("suivi_traitement")
        window.history_dialog.reject()
        others()

    def others() -> None:
        window.tabs.setCurrentWidget(window.deposer)
        dialog = window.open_account_dialog()
        dialog.move(200, 100)
        grab("account_dialog")
        dialog.reject()
        wizard = window.open_connect_wizard()
        wizard.move(120, 40)
        grab("assistant_environnement")
        wizard.next()  # type: ignore[attr-defined]
        grab("assistant_piste")
        wizard.reject()
        guide = window.open_guide()
        guide.move(150, 40)
        grab("guide")
        guide.reject()
        window.message_bar.show_message(
            "Facture recyclée : elle repart vers le destinataire.", "success"
        )
        grab("barre_message")
        annuaire = window.open_directory_dialog()
        annuaire.move(150, 80)
        grab("annuaire_vide")
        if directory_export is not None:
            services.directory.import_export(directory_export)
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
        deposer()

    def when(condition: Callable[[], bool], then: Callable[[], None]) -> None:
        if condition():
            QTimer.singleShot(300, then)
        else:
            QTimer.singleShot(100, lambda: when(condition, then))

    def deposer() -> None:
        tab = window.deposer
        window.show_deposer()
        grab("deposer_vide")
        tab.open_files([CORPUS / "inv_101_003.pdf"])
        when(lambda: tab.prefill_result is not None, deposer_filled)

    def deposer_filled() -> None:
        tab = window.deposer
        tab._field_focused("totals.total_ttc_after_discount")
        grab("deposer_rempli")
        tab.form.recipient_siret.setText("21290004700012")
        tab.form.ttc_after.setText("1,00")
        tab.validate_and_send()
        when(lambda: not tab.busy, deposer_errors)

    def deposer_errors() -> None:
        grab("deposer_erreurs")
        tab = window.deposer
        structure, _ = services.directory.recipient_info(BREST)
        if structure is None:
            services.directory.lookup_online(BREST)
            structure, _ = services.directory.recipient_info(BREST)
        assert structure is not None
        tab.set_recipient(structure, "CULTURE")
        tab.form.ttc_after.set_value(tab.form.ttc_before.value())
        tab.validate_and_send()
        when(lambda: getattr(tab, "confirm_dialog", None) is not None, deposer_confirm)

    def deposer_confirm() -> None:
        tab = window.deposer
        grab("deposer_confirmation")
        tab.confirm_dialog.accept()
        when(lambda: tab.stack.currentWidget() is tab.result_page, deposer_sent)

    def deposer_sent() -> None:
        grab("deposer_envoye")
        editor = window.open_invoice_editor()
        editor.setGeometry(0, 0, min(width, 1040), height)
        QTimer.singleShot(400, lambda: editor_empty(editor))

    def editor_empty(editor: Any) -> None:
        grab("editeur_vide")
        from tests.support.written_invoices import seller

        made = seller(vat=False)
        editor.seller_name.setText(made.name)
        editor.seller_siret.setText(made.siret)
        editor.seller_street.setText(made.address.line1)
        editor.seller_postcode.setText(made.address.postcode)
        editor.seller_city.setText(made.address.city)
        editor.seller_iban.setText(made.iban)
        editor.company_choice.setChecked(True)
        editor.customer_name.setText("SARL Les Tilleuls")
        editor.customer_street.setText("3 place du Marché")
        editor.customer_postcode.setText("33600")
        editor.customer_city.setText("Pessac")
        table = editor.lines_table
        table.item(0, 0).setText("Création du site vitrine")
        table.item(0, 3).setText("1 200,00")
        editor.add_line()
        table.item(1, 0).setText("Formation à la mise à jour du site")
        table.item(1, 1).setText("3,5")
        table.item(1, 3).setText("60")
        editor.confirm_issue()  # « Émettre la facture… »: what is missing is said
        QTimer.singleShot(300, lambda: editor_missing(editor))

    def editor_missing(editor: Any) -> None:
        grab("editeur_mention_manquante")  # the customer's SIREN is missing
        editor.customer_siren.setText("443061841")
        editor.run_checks()
        QTimer.singleShot(300, lambda: editor_filled(editor))

    def editor_filled(editor: Any) -> None:
        grab("editeur_rempli")
        editor._issue()
        when(lambda: editor.issued is not None, lambda: editor_issued(editor))

    def editor_issued(editor: Any) -> None:
        grab("editeur_emise")
        import pymupdf

        with pymupdf.open(stream=editor.issued.pdf, filetype="pdf") as document:
            document[0].get_pixmap(dpi=110).save(str(out / f"facture_pdf-{size}.png"))
        editor.close()
        for widget in app.topLevelWidgets():
            if isinstance(widget, QDialog):
                widget.close()
        services.close()
        app.quit()

    QTimer.singleShot(500, sequence)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
