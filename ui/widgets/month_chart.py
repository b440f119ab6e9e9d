"""Amounts deposited by month, stacked by status group: painted, no chart library needed."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.money import format_eur
from app.domain.statuses import StatusGroup

if TYPE_CHECKING:  # the figures (SQLAlchemy) load with the database
    from app.invoices.dashboard import MonthTotal

GROUP_COLOURS = {
    StatusGroup.PAYEE: QColor("#2e7d32"),
    StatusGroup.EN_COURS: QColor("#1f6feb"),
    StatusGroup.A_TRAITER: QColor("#d9822b"),
    StatusGroup.BROUILLON: QColor("#9aa4b2"),
    StatusGroup.TERMINEE: QColor("#c9ced6"),
}
STACK_ORDER = (
    StatusGroup.PAYEE,
    StatusGroup.EN_COURS,
    StatusGroup.A_TRAITER,
    StatusGroup.BROUILLON,
    StatusGroup.TERMINEE,
)
MONTH_NAMES = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
               "oct.", "nov.", "déc.")  # fmt: skip


def short_amount(value: Decimal) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} M€".replace(".", ",")
    if value >= 1000:
        return f"{value / 1000:.0f} k€"
    return f"{value:.0f} €"


class MonthChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphique_mois")
        self.months: list[MonthTotal] = []
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def set_months(self, months: list[MonthTotal]) -> None:
        self.months = months
        self.setToolTip(
            "\n".join(
                f"{MONTH_NAMES[m.month.month - 1]} {m.month.year} : {format_eur(m.total)}"
                for m in months
                if m.total
            )
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(self.foregroundRole())
        muted = QColor(text_colour)
        muted.setAlpha(140)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        legend_height = metrics.height() + 10
        left, right, top = 56, 8, legend_height + 6
        bottom = metrics.height() + 10
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        self._paint_legend(painter, metrics.height())
        highest = max((m.total for m in self.months), default=Decimal(0))
        if not self.months or highest <= 0:
            painter.setPen(muted)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "Aucun dépôt sur 12 mois")
            return
        scale = float(highest) * 1.1
        painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
        for step in range(0, 5):
            value = scale * step / 4
            y = area.bottom() - area.height() * step / 4
            painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, left - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                short_amount(Decimal(value)),
            )
        slot = area.width() / len(self.months)
        bar_width = max(6.0, slot * 0.62)
        for index, month in enumerate(self.months):
            x = area.left() + slot * index + (slot - bar_width) / 2
            y = area.bottom()
            for group in STACK_ORDER:
                amount = month.amounts.get(group, Decimal(0))
                if amount <= 0:
                    continue
                height = area.height() * float(amount) / scale
                painter.fillRect(QRectF(x, y - height, bar_width, height), GROUP_COLOURS[group])
                y -= height
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(area.left() + slot * index, area.bottom() + 4, slot, metrics.height()),
                int(Qt.AlignmentFlag.AlignHCenter),
                MONTH_NAMES[month.month.month - 1],
            )

    def _paint_legend(self, painter: QPainter, line_height: int) -> None:
        x = 56.0
        for group in STACK_ORDER:
            painter.fillRect(QRectF(x, 4, 12, 12), GROUP_COLOURS[group])
            painter.setPen(self.palette().color(self.foregroundRole()))
            label = group.label
            painter.drawText(
                QRectF(x + 16, 0, 200, line_height + 6), int(Qt.AlignmentFlag.AlignVCenter), label
            )
            x += 16 + painter.fontMetrics().horizontalAdvance(label) + 18
