"""An amount typed the French way (« 1 234,56 »), read back as an exact ``Decimal``."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.money import format_amount, to_money
from app.prefill.parsing import parse_amount


class MoneyEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0,00")
        self.setMaximumWidth(160)

    def value(self) -> Decimal | None:
        """None when empty or not an amount (the checks then say so)."""
        text = self.text().strip()
        if not text:
            return None
        parsed = parse_amount(text)
        return to_money(parsed) if parsed is not None else None

    def value_or_zero(self) -> Decimal:
        return self.value() or Decimal("0.00")

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else format_amount(value, " "))

    def is_valid(self) -> bool:
        return not self.text().strip() or self.value() is not None

    def focusOutEvent(self, event: QFocusEvent) -> None:
        value = self.value()
        if value is not None:
            self.setText(format_amount(value, " "))
        super().focusOutEvent(event)
