"""A lazy table of invoices: the ordered ids come from one query, rows are read a page at a
time when the view shows them, so 100 000 invoices open, sort and scroll without a stall."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.money import format_eur
from app.domain.text import french_date
from app.invoices.rows import Criteria, InvoiceRow, SortKey

if TYPE_CHECKING:  # the queries (SQLAlchemy) load with the database
    from app.invoices.views import InvoiceViews

PAGE = 200
CACHED_PAGES = 40
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    text: Callable[[InvoiceRow], str]
    sort: SortKey | None = None
    numeric: bool = False


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column(
            "type",
            "Type",
            lambda r: "Avoir" if r.invoice_type == "AVOIR" else "Facture",
            SortKey.TYPE,
        ),
        Column("recipient", "Destinataire", lambda r: r.recipient, SortKey.RECIPIENT),
        Column("service", "Service", lambda r: r.code_service or "", SortKey.SERVICE),
        Column("number", "Numéro", lambda r: r.number, SortKey.NUMBER),
        Column("issue_date", "Date", lambda r: french_date(r.issue_date), SortKey.ISSUE_DATE),
        Column(
            "deposit_date",
            "Date de dépôt",
            lambda r: french_date(r.deposit_date),
            SortKey.DEPOSIT_DATE,
        ),
        Column("status", "État courant", lambda r: r.status_label, SortKey.STATUS),
        Column(
            "status_at", "Date de l'état", lambda r: french_date(r.status_at), SortKey.STATUS_AT
        ),
        Column("total_ht", "Montant HT", lambda r: format_eur(r.total_ht), SortKey.TOTAL_HT, True),
        Column(
            "total_ttc", "Montant TTC", lambda r: format_eur(r.total_ttc), SortKey.TOTAL_TTC, True
        ),
        Column(
            "engagement",
            "N° d'engagement",
            lambda r: r.engagement_number or "",
            SortKey.ENGAGEMENT,
        ),
    )
}

InvoiceIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


class InvoiceTableModel(QAbstractTableModel):
    """Rows of :class:`InvoiceRow`; sorting asks the database again."""

    reloaded = Signal()

    def __init__(
        self,
        views: InvoiceViews | None,
        columns: list[Column],
        *,
        action_header: str | None = None,
        action_text: Callable[[InvoiceRow], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.views = views
        self.columns = columns
        self.action_header = action_header
        self.action_text = action_text
        self.criteria = Criteria()
        self.sort_key = SortKey.DEPOSIT_DATE
        self.descending = True
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, InvoiceRow]] = OrderedDict()

    # --- what is shown ------------------------------------------------------------------

    def set_views(self, views: InvoiceViews) -> None:
        self.views = views
        self.reload()

    def set_criteria(self, criteria: Criteria) -> None:
        self.criteria = criteria
        self.reload()

    def _matching_ids(self) -> list[int]:
        """None yet: the window is shown before the database opens (MainWindow.load_data)."""
        if self.views is None:
            return []
        return self.views.ids(self.criteria, self.sort_key, self.descending)

    def reload(self) -> None:
        ids = self._matching_ids()
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def invoice_id(self, row: int) -> int:
        return self._ids[row]

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, row: int) -> InvoiceRow | None:
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE
        page = self._pages.get(page_number)
        if page is None:
            assert self.views is not None  # rows exist only once the views do
            page = self.views.rows(self._ids[page_number * PAGE : (page_number + 1) * PAGE])
            self._pages[page_number] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    # --- Qt -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.columns) + (1 if self.action_header is not None else 0)

    def is_action_column(self, column: int) -> bool:
        return self.action_header is not None and column == len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if self.is_action_column(section):
            return self.action_header
        return self.columns[section].header if 0 <= section < len(self.columns) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == InvoiceIdRole:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ToolTipRole,
            RowRole,
        ):
            return None
        row = self.row_of(index.row())
        if row is None:
            return None
        if role == RowRole:
            return row
        if self.is_action_column(index.column()):
            if role == Qt.ItemDataRole.DisplayRole and self.action_text is not None:
                return self.action_text(row)
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "status" and row.status_comment:
                return row.status_comment
            return None
        return column.text(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        key = self.columns[column].sort
        assert key is not None
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        self._ids = self._matching_ids()
        self._pages.clear()
        self.layoutChanged.emit()


class ActionDelegate(QStyledItemDelegate):
    """The Synthèse's « Actions » cell: a button drawn in the cell; a click emits ``clicked``."""

    clicked = Signal(QModelIndex)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return
        button = QStyleOptionButton()
        button.rect = QRect(option.rect).adjusted(4, 3, -4, -3)
        button.text = str(text)
        button.state = QStyle.StateFlag.State_Enabled
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractTableModel,  # type: ignore[override]
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and index.data(Qt.ItemDataRole.DisplayRole)
        ):
            self.clicked.emit(index.model().index(index.row(), index.column()))
            return True
        return False


class InvoiceTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures 100 000 rows.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(30)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)

    def size_columns(self, widths: dict[int, int], stretch: int) -> None:
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def selected_ids(self) -> list[int]:
        model = self.model()
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [int(model.index(row, 0).data(InvoiceIdRole)) for row in rows]

    def current_row(self) -> InvoiceRow | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        row = index.siblingAtColumn(0).data(RowRole)
        return row if isinstance(row, InvoiceRow) else None
