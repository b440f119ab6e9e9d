"""The main window: four tabs, menus, the demo banner and the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QSystemTrayIcon,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.environments import Environment
from app.domain.money import format_eur
from app.domain.text import counted, french_date
from app.errors import BordereauError
from app.files import file_name_for
from app.services import Services
from app.version import get_version
from ui import behaviour
from ui.dialogs.account_dialog import AccountDialog
from ui.main_background import BackgroundPart
from ui.main_menus import build_menus
from ui.tabs.deposer import DeposerTab
from ui.tabs.rechercher import RechercherTab
from ui.tabs.synthese import SyntheseTab
from ui.tabs.tableau_de_bord import TableauDeBordTab
from ui.widgets.demo_banner import DemoBanner
from ui.widgets.message_bar import MessageBar
from ui.workers import Worker, WorkerPool, error_text

if TYPE_CHECKING:
    from pathlib import Path

    from app.directory.store import Structure
    from app.invoices.listing import InvoiceSummary
    from app.sync.history import HistoryLine
    from ui.dialogs.directory_dialog import DirectoryDialog
    from ui.dialogs.restore_dialog import RestoreDialog
    from ui.windows.address_book import AddressBookWindow
    from ui.windows.invoice_editor import InvoiceEditor
    from ui.windows.sollicitations import SollicitationsWindow
    from ui.windows.written_invoices import WrittenInvoicesWindow

log = logging.getLogger(__name__)

OUTBOX_RETRY_MS = 2 * 60 * 1000
FIRST_SYNC_DELAY_MS = 1500  # after the window is shown


def deadline_text(summary: InvoiceSummary) -> str:
    """The payment deadline in one sentence, for « Suivi du traitement »."""
    schedule = summary.schedule

    def day(value: date | None) -> str:
        return french_date(value, "—")

    if summary.status in ("BROUILLON", "EN_ATTENTE_ENVOI"):
        return "Délai de paiement : il commencera quand la facture sera mise à disposition."
    if schedule.paid_on is not None:
        text = f"Mise en paiement le {day(schedule.paid_on)}"
        if schedule.is_late:
            text += (
                f", avec {counted(schedule.days_late, 'jour')} de retard : "
                f"{format_eur(schedule.owed)} d'intérêts et d'indemnité vous sont dus."
            )
        return text + "."
    if schedule.rejected:
        return "Facture rejetée : pas de délai de paiement (une nouvelle facture en ouvre un)."
    if schedule.suspended:
        return (
            "Facture suspendue : le délai de paiement est arrêté ; il repart quand vous la "
            "complétez."
        )
    if schedule.due_on is None:
        return "Délai de paiement : il commencera à la mise à disposition du destinataire."
    text = (
        f"Délai global de paiement : {schedule.deadline_days} jours à compter du "
        f"{day(schedule.started_on)} — à payer au plus tard le {day(schedule.due_on)}."
    )
    if schedule.is_late:
        text += (
            f" En retard de {counted(schedule.days_late, 'jour')} : "
            f"{format_eur(schedule.interest)} "
            f"d'intérêts moratoires et {format_eur(schedule.indemnity)} d'indemnité dus."
        )
    return text


# Room for the window manager's frame and title bar, which the window's own size excludes.
FRAME_ALLOWANCE = QSize(16, 48)


class MainWindow(BackgroundPart):
    def __init__(
        self, services: Services, *, auto_sync: bool = True, load_now: bool = True
    ) -> None:
        """``load_now``: read the database at once; at start-up the window is shown first and
        :meth:`load_data` runs right after the first frame, once the database is open."""
        super().__init__()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # Just after the first frame: the guard sees every event and the catalogue takes a
            # moment to load (about 170 ms before the first frame otherwise).
            QTimer.singleShot(behaviour.INSTALL_DELAY_MS, lambda: behaviour.install(app))
        self.services = services
        # How a file is handed to the computer's application for it (False: none).
        self.open_external: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.viewers: list[QDialog] = []  # Bordereau's own PDF viewers, when needed
        self.setObjectName("main_window")
        self.setWindowTitle("Bordereau")
        self.setMinimumSize(760, 480)  # fits a 1024×640 screen, task bar and frame included

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.demo_banner = DemoBanner()
        self.demo_banner.configure_requested.connect(self.open_connect_wizard)
        layout.addWidget(self.demo_banner)
        self.message_bar = MessageBar()
        layout.addWidget(self.message_bar)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        context = services.context
        self.synthese = SyntheseTab(
            services.invoices,
            services.deposit,
            services.directory,
            services.tickets,
            context.settings,
            received=services.received,
        )
        self.rechercher = RechercherTab(
            services.invoices,
            services.tickets,
            context.settings,
            received=services.received,
            open_paths=self._open_paths,
        )
        self.tableau_de_bord = TableauDeBordTab(services.invoices, received=services.received)
        self.deposer = DeposerTab(services.deposit, services.directory)
        self.sollicitations: SollicitationsWindow | None = None
        self.tabs.addTab(self.synthese, "&Synthèse")
        self.tabs.addTab(self.rechercher, "&Rechercher")
        self.tabs.addTab(self.tableau_de_bord, "&Tableau de bord")
        self.tabs.addTab(self.deposer, "&Déposer")
        self.synthese.deposit_requested.connect(self.show_deposer)
        self.synthese.draft_requested.connect(self.open_draft)
        self.synthese.follow_requested.connect(self.follow_invoice)
        self.synthese.retry_requested.connect(self.resume_outbox)
        self.synthese.invoices_changed.connect(self.refresh_views)
        self.synthese.received_requested.connect(self.show_received)
        self.rechercher.follow_requested.connect(self.follow_invoice)
        self.rechercher.view_requested.connect(self.view_invoices)
        self.rechercher.duplicate_requested.connect(self.duplicate_invoice)
        self.rechercher.ticket_requested.connect(self.create_ticket)
        self.synthese.ticket_requested.connect(self.create_ticket)
        self.tableau_de_bord.claim_requested.connect(self.prepare_claim)
        self.tableau_de_bord.follow_requested.connect(self.follow_invoice)
        for tab in (self.synthese, self.rechercher, self.deposer):
            tab.status_message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        for tab in (self.synthese, self.deposer):
            tab.outcome_reported.connect(self.message_bar.show_message)
        self.synchronised.connect(lambda _report: self.refresh_views())
        self.tabs.currentChanged.connect(self._tab_shown)
        self.deposer.directory_requested.connect(self.open_directory_dialog)
        self.deposer.write_requested.connect(self.open_invoice_editor)
        self.invoice_editor: InvoiceEditor | None = None
        self._quit_confirmed = False  # the user answered « quit » about unsaved work
        self.written_invoices: WrittenInvoicesWindow | None = None
        self.address_book: AddressBookWindow | None = None
        self.deposer.follow_requested.connect(self.follow_invoice)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        build_menus(self)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("status_mode")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("status_sync")
        self.sync_label.setContentsMargins(0, 0, 12, 0)
        self.mode_label.setContentsMargins(0, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.sync_label)
        self.statusBar().addPermanentWidget(self.mode_label)
        # until the account is read (with the database): what the settings file says
        self.demo_banner.setVisible(context.settings.environment is Environment.DEMO)
        self._restore_geometry()
        self.workers = WorkerPool()
        self._resuming = False
        self._auto_sync = auto_sync
        self.outbox_timer = QTimer(self, interval=OUTBOX_RETRY_MS)
        self.outbox_timer.timeout.connect(self._retry_outbox)
        self._syncing = False
        self.last_notification: str | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon() or QApplication.windowIcon(), self)
            self.tray.setToolTip("Bordereau")
            self.tray.show()
        self.sync_timer = QTimer(self, singleShot=True)
        self.sync_timer.timeout.connect(self.synchronise)
        self.data_loaded = False
        if load_now:
            self.load_data()

    def load_data(self) -> None:
        """What needs the database: the account, the lists, the outbox, the first sync."""
        self.data_loaded = True
        self.refresh_account_state()
        self.synthese.refresh()  # the dashboard computes its figures when it is shown
        self.rechercher.refresh()
        # the drafts load the outbox (the Chorus Pro client's models): just after the lists
        QTimer.singleShot(0, self.deposer.refresh_drafts)
        # Invoices left « En attente d'envoi » leave as soon as the platform answers again.
        self.outbox_timer.start()
        if self.services.deposit.has_waiting_invoices():
            self.resume_outbox()
        if self._auto_sync:
            self.sync_timer.start(FIRST_SYNC_DELAY_MS)
        self._say_what_the_records_need()
        QTimer.singleShot(0, self._daily_backup)

    def _say_what_the_records_need(self) -> None:
        """A damaged database (read-only until restored), or drafts of invoices left
        unfinished: said in the message bar, with the next step."""
        context = self.services.context
        if context.database_damage is not None:
            self.message_bar.show_message(
                context.database_damage,
                "error",
                "Restaurer une sauvegarde…",
                lambda: self.open_restore_dialog(),
            )
            return
        try:
            drafts = self.services.invoicing.draft_count()
        except BordereauError:
            return
        if drafts:
            self.message_bar.show_message(
                f"{drafts} facture(s) saisie(s) pas encore émise(s) : brouillon(s) à reprendre.",
                "warning",
                "Factures écrites…",
                lambda: self.open_written_invoices(),
            )

    def _daily_backup(self) -> None:
        """Once a day, a copy of the database, in the background."""
        worker = Worker(lambda _progress: self.services.context.daily_backup())
        worker.signals.failed.connect(
            lambda error: log.warning("Sauvegarde quotidienne impossible : %s", error)
        )
        self.workers.start(worker)

    def open_restore_dialog(self, reason: str | None = None) -> RestoreDialog:
        """Fichier › Restaurer une sauvegarde…: then everything is read again."""
        from ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.services, self, reason=reason)
        dialog.accepted.connect(lambda: self._restored(dialog.report_text or ""))
        self.restore_dialog = _shown_on_top(dialog)
        return dialog

    def _restored(self, report: str) -> None:
        self.message_bar.show_message(report or "La base de données est restaurée.", "success")
        self.refresh_views()
        self.deposer.refresh_drafts()

    # --- state ----------------------------------------------------------------------------

    def refresh_account_state(self) -> None:
        status = self.services.account.status()
        demo = status.effective is Environment.DEMO
        self.demo_banner.setVisible(demo)
        self.mode_label.setText(f"Mode : {status.mode_label}")
        self.sync_label.setText(
            "Synchronisation : Chorus Pro simulé" if demo else "Synchronisation : pas encore faite"
        )

    def _restore_geometry(self) -> None:
        """Where and how big it was last time, kept on the screen it is on; the first time,
        as big as fits the screen (its frame and the status bar included) up to 1200×760."""
        saved = self.services.context.settings.window_geometry
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            self.resize(1200, 760)
            return
        free = screen.availableGeometry()
        frame = FRAME_ALLOWANCE
        width = min(self.width() if saved else 1200, free.width() - frame.width())
        height = min(self.height() if saved else 760, free.height() - frame.height())
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        if not saved or not free.contains(self.frameGeometry()):
            self.move(
                free.left() + max(0, (free.width() - self.width() - frame.width()) // 2),
                free.top() + max(0, (free.height() - self.height() - frame.height()) // 2),
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_quit():
            event.ignore()
            return
        self.outbox_timer.stop()  # nothing is sent or synced behind a closed window
        self.sync_timer.stop()
        if self.sollicitations is not None:
            self.sollicitations.close()  # writes what was being typed
        self.services.context.settings.window_geometry = bytes(
            self.saveGeometry().toBase64().data()
        ).decode("ascii")
        try:
            self.services.context.save_settings()
        except OSError:
            log.warning("Réglages non enregistrés à la fermeture", exc_info=True)
        super().closeEvent(event)

    def _may_quit(self) -> bool:
        """Quitting (Ctrl+Q, the window's close button) with typed work asks first: the
        editor for its invoice, then an invoice open in Déposer never saved or changed
        since — as closing it there does. False: asked; the answer closes again."""
        if self._quit_confirmed:
            return True
        editor = self._open_editor()
        if editor is not None and editor.unsaved_work():
            editor.ask_then(self.close)
            return False
        if not self.deposer.unsaved_work():
            return self._may_leave_sending()
        from ui.questions import ask_to_keep_draft

        def quit_after(save: bool) -> None:
            if save and self.deposer.save_draft(quiet=True) is None:
                return
            if self._may_leave_sending():
                self._quit_confirmed = True
                self.close()

        self.quit_question = ask_to_keep_draft(
            self,
            name="quitter_facture_ouverte",
            title="Quitter Bordereau",
            text="La facture ouverte dans Déposer n'est pas enregistrée. L'enregistrer en "
            "brouillon avant de quitter ?",
            discard="Quitter sans enregistrer",
            on_save=lambda: quit_after(True),
            on_discard=lambda: quit_after(False),
        )
        return False

    def _may_leave_sending(self) -> bool:
        """An invoice being sent right now (its flux being integrated by Chorus Pro, say):
        « Attendre la fin » (the default) or « Quitter » — its sending then stops waiting and
        takes up again at the next start, from the outbox, never twice."""
        from app.deposit.outbox import STOPPING, sending_now

        if self._quit_confirmed or not sending_now():
            return True
        try:
            what = self.services.context.outbox().in_flight_numbers()
        except Exception:  # the database is away: the question still says something
            log.debug("Envois en cours non décrits", exc_info=True)
            what = []
        said = ", ".join(what) or "une facture"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Envoi en cours",
            f"Bordereau envoie {said}. Attendre la fin de l'envoi (quelques secondes à une "
            "minute) ? Si vous quittez maintenant, l'envoi reprendra au prochain lancement de "
            "Bordereau, là où il en est : la facture ne partira pas deux fois.",
            parent=self,
        )
        box.setObjectName("quitter_envoi_en_cours")
        wait = box.addButton("Attendre la fin", QMessageBox.ButtonRole.RejectRole)
        leave = box.addButton("Quitter, reprendre plus tard", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(wait)
        box.setEscapeButton(wait)

        def answered(_code: int) -> None:
            if box.clickedButton() is leave:
                STOPPING.set()
                self._quit_confirmed = True
                self.close()
            else:
                self._close_when_sent()

        box.finished.connect(answered)
        self.sending_question = box
        box.open()
        return False

    def _close_when_sent(self) -> None:
        """« Attendre la fin »: the window closes by itself once nothing is being sent."""
        from app.deposit.outbox import sending_now

        self.statusBar().showMessage("Bordereau se fermera à la fin de l'envoi.", 60000)

        def look() -> None:
            if sending_now():
                QTimer.singleShot(500, look)
                return
            self._quit_confirmed = True
            self.close()

        QTimer.singleShot(500, look)

    def _open_editor(self) -> InvoiceEditor | None:
        """The editor, while it is open (a closed one is deleted)."""
        import shiboken6

        editor = self.invoice_editor
        if editor is None or not shiboken6.isValid(editor) or not editor.isVisible():
            return None
        return editor

    # --- actions --------------------------------------------------------------------------

    def show_deposer(self) -> None:
        self.tabs.setCurrentWidget(self.deposer)

    def choose_invoices(self) -> None:
        """« Déposer une facture… » (Ctrl+O): the Déposer tab and the file chooser at once;
        what is chosen joins the invoices to prepare."""
        from ui.widgets.drop_zone import choose_pdfs

        self.show_deposer()
        paths = choose_pdfs(self)
        if paths:
            self.deposer.open_files(paths)

    def open_files(self, paths: list[Path]) -> None:
        """Files given on the command line or by the system (« Ouvrir avec Bordereau »)."""
        self.show_deposer()
        self.deposer.open_files(paths)

    def refresh_views(self) -> None:
        """The lists read the database again (after a sync, a deposit or an action)."""
        self.synthese.refresh()
        self.rechercher.refresh()
        self.tableau_de_bord.refresh()

    def _tab_shown(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current in (self.synthese, self.rechercher, self.tableau_de_bord):
            current.refresh()

    def find_invoice(self, number: str) -> None:
        """Rechercher, with the invoice ``number`` looked for (« Voir dans Rechercher »)."""
        self.refresh_views()
        self.tabs.setCurrentWidget(self.rechercher)
        self.rechercher.show_direction(0)
        self.rechercher.search_edit.setText(number)
        self.rechercher.apply_criteria()
        self.raise_()
        self.activateWindow()

    def show_received(self) -> None:
        """Rechercher › Reçues: the suppliers' invoices."""
        self.tabs.setCurrentWidget(self.rechercher)
        self.rechercher.show_received()

    def open_written_invoices(self) -> WrittenInvoicesWindow:
        """« Factures écrites »: drafts to take up again, issued invoices to correct."""
        from ui.windows.written_invoices import WrittenInvoicesWindow

        window = WrittenInvoicesWindow(
            self.services,
            lambda draft_id: self.open_invoice_editor(draft_id),
            self,
            open_paths=self._open_paths,
        )
        self.written_invoices = _shown_on_top(window)
        return window

    def open_address_book(self) -> AddressBookWindow:
        """Fichier › Clients et catalogue: what written invoices remember."""
        from ui.windows.address_book import AddressBookWindow

        self.address_book = _shown_on_top(AddressBookWindow(self.services, self))
        return self.address_book

    def open_invoice_editor(self, draft_id: int | None = None) -> InvoiceEditor:
        """« Saisir une facture »: a window of its own, beside the tabs."""
        from ui.windows.invoice_editor import InvoiceEditor

        editor = InvoiceEditor(self.services, self)
        if draft_id is not None:
            editor.load_draft(draft_id)
        editor.finished.connect(lambda _code: self.refresh_views())
        editor.show_in_search.connect(self.find_invoice)
        self.invoice_editor = _shown_on_top(editor)
        return editor

    def open_draft(self, draft_id: int, send: bool = False) -> None:
        self.show_deposer()
        self.deposer.open_draft(draft_id)
        if send:
            self.deposer.validate_and_send()

    def duplicate_invoice(self, invoice_id: int) -> None:
        try:
            draft_id = self.services.invoices.duplicate(invoice_id)
        except BordereauError as exc:
            self.statusBar().showMessage(exc.message, 10000)
            return
        self.open_draft(draft_id)
        self.statusBar().showMessage("Copie prête dans Déposer : vérifiez-la avant l'envoi.", 10000)

    def view_invoices(self, invoice_ids: list[int]) -> Worker:
        """« Visualiser »: the PDF (kept here, else from Chorus Pro) in the system's viewer."""
        folder = self.services.context.paths.cache_dir / "apercus"
        rows = self.services.invoices.views().rows(invoice_ids)

        def fetch(_progress: object) -> list[Path]:
            from pathlib import Path as _Path

            paths: list[_Path] = []
            for invoice_id in invoice_ids:
                number = rows[invoice_id].number if invoice_id in rows else str(invoice_id)
                target = folder / file_name_for(number or str(invoice_id), "pdf")
                paths.append(self.services.invoices.download([invoice_id], target))
            return paths

        self.statusBar().showMessage("Ouverture de la facture…")
        worker = Worker(fetch)
        worker.signals.succeeded.connect(self._open_paths)
        worker.signals.failed.connect(
            lambda error: self.statusBar().showMessage(
                f"Facture indisponible : {error_text(error)}", 10000
            )
        )
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _open_paths(self, paths: list[Path]) -> None:
        """In the computer's PDF application; in Bordereau's own viewer when there is none."""
        from ui.dialogs.pdf_viewer_dialog import PdfViewerDialog

        self.statusBar().clearMessage()
        self.opened_paths = paths
        for path in paths:
            if self.open_external(QUrl.fromLocalFile(str(path))):
                continue
            if path.suffix.lower() != ".pdf":  # no viewer of Bordereau's own for the others
                self.statusBar().showMessage(
                    f"Aucun logiciel pour ouvrir {path.name} : il est dans {path.parent}.", 15000
                )
                continue
            viewer = PdfViewerDialog(path, self)
            viewer.setModal(False)
            viewer.show()
            self.viewers.append(viewer)

    def prepare_claim(self, invoice_id: int) -> int | None:
        """« Préparer une réclamation » (dashboard): a late-payment sollicitation."""
        from app.tickets.templates import Template

        return self.create_ticket(invoice_id, Template.LATE_PAYMENT.value)

    def create_ticket(self, invoice_id: int, template: str) -> int | None:
        """A sollicitation written from the invoice, shown in the Sollicitations window."""
        from app.tickets.templates import Template

        try:
            ticket_id = self.services.tickets.from_invoice(invoice_id, Template(template))
        except BordereauError as exc:
            box = QMessageBox(
                QMessageBox.Icon.Warning, "Sollicitation impossible", exc.message, parent=self
            )
            box.setObjectName("erreur_sollicitation")
            box.open()
            self.ticket_error_box = box
            return None
        self.open_sollicitations(ticket_id)
        return ticket_id

    def open_sollicitations(self, ticket_id: int | None = None) -> SollicitationsWindow:
        from ui.windows.sollicitations import SollicitationsWindow

        if self.sollicitations is None:
            self.sollicitations = SollicitationsWindow(
                self.services.tickets, self.services.context.settings
            )
        window = self.sollicitations
        if ticket_id is not None:
            window.select_ticket(ticket_id)
        else:
            window.reload()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def follow_invoice(self, invoice_id: int) -> Worker:
        """« Suivi du traitement »: its history, asked to Chorus Pro in the background, and
        its payment deadline."""
        self.statusBar().showMessage("Lecture de l'historique de la facture…")

        def history(_progress: object) -> tuple[list[HistoryLine], InvoiceSummary]:
            lines = self.services.invoices.history(invoice_id)
            return lines, self.services.invoices.summary(invoice_id)

        worker = Worker(history)
        worker.signals.succeeded.connect(lambda found: self._show_history(*found))
        worker.signals.failed.connect(
            lambda error: self.statusBar().showMessage(
                f"Historique indisponible : {error_text(error)}", 10000
            )
        )
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _show_history(self, lines: list[HistoryLine], summary: InvoiceSummary) -> None:
        from ui.dialogs.history_dialog import HistoryDialog

        self.statusBar().clearMessage()
        self.history_dialog = HistoryDialog(
            f"Suivi du traitement — facture {summary.number}",
            lines,
            self,
            deadline=deadline_text(summary),
        )
        self.history_dialog.open()

    def open_directory_dialog(self) -> DirectoryDialog:
        from ui.dialogs.directory_dialog import DirectoryDialog  # not needed to start

        dialog = DirectoryDialog(self.services.directory, self)
        dialog.chosen.connect(self._recipient_chosen)
        dialog.open()
        self.directory_dialog = dialog
        return dialog

    def _recipient_chosen(self, structure: Structure, service_code: str | None) -> None:
        self.deposer.set_recipient(structure, service_code)
        self.show_deposer()

    def open_connect_wizard(self) -> QDialog:
        """« Connecter mon compte »: the guided way to a real account."""
        from ui.dialogs.connect_wizard import ConnectWizard

        wizard = ConnectWizard(self.services.account, self)
        wizard.saved.connect(self.refresh_account_state)
        wizard.saved.connect(
            lambda: self.message_bar.show_message(
                "Compte Chorus Pro enregistré : Bordereau se synchronise avec lui.", "success"
            )
        )
        wizard.saved.connect(self.synchronise)
        self.connect_wizard = wizard
        wizard.open()
        return wizard

    def open_guide(self) -> QDialog:
        from ui.dialogs.guide_dialog import GuideDialog

        dialog = GuideDialog(self)
        self.guide_dialog = dialog
        dialog.show()
        return dialog

    def open_account_dialog(self) -> AccountDialog:
        dialog = AccountDialog(self.services.account, self)
        dialog.saved.connect(self.refresh_account_state)
        dialog.open()
        return dialog

    def open_platform_dialog(self) -> QDialog:
        from ui.dialogs.platform_dialog import PlatformDialog

        dialog = PlatformDialog(self.services.platform, self)
        self.platform_dialog = dialog
        dialog.open()
        return dialog

    def open_logs_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.context.paths.log_dir)))

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "À propos de Bordereau",
            f"<h3>Bordereau {get_version()}</h3>"
            "<p>Déposer et suivre vos factures Chorus Pro, depuis votre ordinateur.</p>"
            "<p>Vos identifiants restent dans le trousseau de votre système ; vos factures, "
            "dans votre dossier de données :<br>"
            f"<code>{self.services.context.paths.data_dir}</code></p>",
        )


ShownWindow = TypeVar("ShownWindow", bound=QDialog)


def _shown_on_top(window: ShownWindow) -> ShownWindow:
    """A window of its own beside the tabs (the written invoices, the editor…): deleted
    when closed, shown in front and given the keyboard."""
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
