"""Tableau de bord: amounts by status, expected payments, late payments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_eur
from app.domain.statuses import StatusGroup
from app.domain.text import counted, french_date
from app.invoices.service import InvoiceService
from app.receiving.service import ReceivedService
from ui.widgets.empty_state import EmptyState
from ui.widgets.month_chart import MonthChart
from ui.workers import Worker, WorkerPool

if TYPE_CHECKING:  # the figures (SQLAlchemy) load with the database
    from app.invoices.dashboard import Dashboard
    from app.invoices.listing import InvoiceSummary

SHOWN_ROWS = 200


class Card(QFrame):
    """A figure the eye finds first: a title, a big number, a line under it."""

    def __init__(self, name: str, title: str, tone: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("card", tone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setProperty("cardTitle", True)
        self.value = QLabel("—")
        self.value.setProperty("cardValue", True)
        self.detail = QLabel("")
        self.detail.setProperty("cardDetail", True)
        for label in (self.title, self.value, self.detail):
            layout.addWidget(label)

    def show_figures(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def invoices_count(count: int) -> str:
    return f"{count} facture{'s' if count > 1 else ''}"


def _table(name: str, headers: list[str], numeric: set[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setProperty("numeric_columns", sorted(numeric))
    return table


def _fill(table: QTableWidget, rows: list[tuple[int, list[str]]]) -> None:
    numeric = set(table.property("numeric_columns") or [])
    table.setRowCount(len(rows))
    for row_number, (invoice_id, values) in enumerate(rows):
        for column, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, invoice_id)
            if column in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row_number, column, item)


class TableauDeBordTab(QWidget):
    claim_requested = Signal(int)  # invoice id: a « Retard de paiement » sollicitation
    follow_requested = Signal(int)

    def __init__(
        self,
        invoices: InvoiceService,
        parent: QWidget | None = None,
        *,
        received: ReceivedService | None = None,
    ) -> None:
        super().__init__(parent)
        self.invoices = invoices
        self.received = received
        self.setObjectName("tab_tableau_de_bord")
        self.workers = WorkerPool()
        self.board: Dashboard | None = None
        self._loading = False
        self._again = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        self.stack = QStackedWidget()
        self.empty_state = EmptyState(
            "Votre tableau de bord est vide",
            "Montants en attente, paiements attendus et factures payées en retard (avec les "
            "intérêts moratoires et l'indemnité de 40 € qui vous sont dus) s'afficheront ici "
            "dès votre première facture.",
        )
        self.content = self._build_content()
        # On a small screen the board scrolls rather than pushing the window past it.
        scroll = QScrollArea()
        scroll.setObjectName("tableau_de_bord_defilement")
        scroll.setWidget(self.content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack.addWidget(scroll)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack)
        self.stack.setCurrentWidget(self.empty_state)
        self.content_page = scroll

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        cards = QHBoxLayout()
        self.card_to_do = Card("carte_a_traiter", "À traiter", "warning")
        self.card_waiting = Card("carte_en_cours", "En attente de paiement", "info")
        self.card_paid = Card("carte_payees", "Payées", "success")
        self.card_late = Card("carte_retard", "En retard", "danger")
        for card in (self.card_to_do, self.card_waiting, self.card_paid, self.card_late):
            cards.addWidget(card, 1)
        layout.addLayout(cards)
        # the other direction, on a line of its own (a fifth card does not fit 1024 pixels)
        self.to_pay_label = QLabel()
        self.to_pay_label.setObjectName("a_payer_fournisseurs")
        self.to_pay_label.setVisible(False)
        layout.addWidget(self.to_pay_label)

        middle = QGridLayout()
        middle.setHorizontalSpacing(12)
        chart_title = QLabel("Montants déposés par mois, selon leur état")
        chart_title.setProperty("sectionTitle", True)
        self.chart = MonthChart()
        middle.addWidget(chart_title, 0, 0)
        middle.addWidget(self.chart, 1, 0)
        expected_title = QLabel("Paiements attendus")
        expected_title.setProperty("sectionTitle", True)
        self.expected_table = _table(
            "paiements_attendus", ["Échéance", "Destinataire", "Numéro", "Montant TTC"], {3}
        )
        self.expected_table.itemActivated.connect(self._follow)
        middle.addWidget(expected_title, 0, 1)
        middle.addWidget(self.expected_table, 1, 1)
        middle.setColumnStretch(0, 3)
        middle.setColumnStretch(1, 2)
        layout.addLayout(middle, 3)

        late_header = QHBoxLayout()
        late_title = QLabel("En retard de paiement")
        late_title.setProperty("sectionTitle", True)
        late_header.addWidget(late_title)
        late_header.addStretch(1)
        self.claim_button = QPushButton("Préparer une réclamation…")
        self.claim_button.setObjectName("preparer_reclamation")
        self.claim_button.clicked.connect(self._claim_selected)
        late_header.addWidget(self.claim_button)
        layout.addLayout(late_header)
        self.late_table = _table(
            "en_retard",
            [
                "Numéro",
                "Destinataire",
                "Échéance",
                "Retard",
                "Montant TTC",
                "Intérêts",
                "Indemnité",
                "Total dû",
                "Paiement",
            ],
            {3, 4, 5, 6, 7},
        )
        self.late_table.itemSelectionChanged.connect(self._late_selection_changed)
        self.late_table.itemActivated.connect(self._follow)
        layout.addWidget(self.late_table, 2)
        self._late_selection_changed()
        return content

    # --- data ---------------------------------------------------------------------------

    def _show_to_pay(self) -> int:
        """The suppliers' invoices approved and not yet paid; their count."""
        if self.received is None:
            return 0
        try:
            count, total, late = self.received.to_pay()
        except Exception:  # the database is away: the card keeps its last figures
            return 0
        said = (
            f"<b>À payer à vos fournisseurs</b> (factures reçues approuvées) : "
            f"{format_eur(total)} — {invoices_count(count)}"
        )
        if late:
            said += f", dont <b>{format_eur(late)} échus</b>"
        self.to_pay_label.setText(said)
        self.to_pay_label.setVisible(count > 0)
        return count

    def refresh(self) -> Worker | None:
        """Figures are computed in the background (payment deadlines need each history)."""
        if self._loading:
            self._again = True
            return None
        self._loading = True
        worker = Worker(lambda _progress: self.invoices.dashboard())
        worker.signals.succeeded.connect(self.show_dashboard)
        worker.signals.done.connect(self._loaded)
        return self.workers.start(worker)  # type: ignore[no-any-return]

    def _loaded(self) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        to_pay = self._show_to_pay()
        if not any(total.count for total in board.groups.values()) and not to_pay:
            self.stack.setCurrentWidget(self.empty_state)
            return
        self.stack.setCurrentWidget(self.content_page)
        for card, total in (
            (self.card_to_do, board.to_do),  # the Synthèse's list, counted the same way
            (self.card_waiting, board.group(StatusGroup.EN_COURS)),
            (self.card_paid, board.group(StatusGroup.PAYEE)),
        ):
            card.show_figures(format_eur(total.amount), invoices_count(total.count))
        unpaid = board.unpaid_late
        self.card_late.show_figures(
            format_eur(board.owed),
            f"intérêts et indemnités dus · {counted(len(board.late), 'facture')}, dont "
            f"{counted(len(unpaid), 'impayée')}",
        )
        self.chart.set_months(board.months)
        _fill(
            self.expected_table,
            [
                (
                    item.id,
                    [
                        french_date(item.schedule.due_on),
                        item.recipient_name or item.recipient_siret,
                        item.number,
                        format_eur(item.total_ttc),
                    ],
                )
                for item in board.expected[:SHOWN_ROWS]
            ],
        )
        _fill(
            self.late_table,
            [(item.id, self._late_values(item)) for item in board.late[:SHOWN_ROWS]],
        )
        self._late_selection_changed()

    @staticmethod
    def _late_values(item: InvoiceSummary) -> list[str]:
        schedule = item.schedule
        return [
            item.number,
            item.recipient_name or item.recipient_siret,
            french_date(schedule.due_on),
            f"{schedule.days_late} j",
            format_eur(item.total_ttc),
            format_eur(schedule.interest),
            format_eur(schedule.indemnity),
            format_eur(schedule.owed),
            f"payée le {french_date(schedule.paid_on)}" if schedule.paid_on else "impayée",
        ]

    # --- actions ------------------------------------------------------------------------

    def _selected_late(self) -> int | None:
        items = self.late_table.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _late_selection_changed(self) -> None:
        self.claim_button.setEnabled(self._selected_late() is not None)

    def _claim_selected(self) -> None:
        invoice_id = self._selected_late()
        if invoice_id is not None:
            self.claim_requested.emit(invoice_id)

    def _follow(self, item: QTableWidgetItem) -> None:
        self.follow_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
