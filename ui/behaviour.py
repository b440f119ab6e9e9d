"""Application-wide behaviour every window and dialog gets: Qt's own dialogs in French, and
no value changed by a mouse wheel passing over a field the user is not editing."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, Qt, QTranslator
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QPushButton,
    QWidget,
)

log = logging.getLogger(__name__)

INSTALLED = "bordereau_behaviour"
INSTALL_DELAY_MS = 150  # after the window's first frame, before anyone can scroll or type


def installed(app: QCoreApplication | None) -> bool:
    return app is not None and bool(app.property(INSTALLED))


def _wheel_passes_by(watched: QObject, event: QWheelEvent) -> bool:
    """A spin box, date edit or combo box takes the wheel only when it has the focus (the
    user clicked or tabbed into it); otherwise the wheel scrolls what holds the field, as if
    the field were not there. Without this, scrolling a form changes dates and choices. A
    date never takes it, focused or not (a dialog opens with the focus on its date): a date
    changes only when it is typed or picked."""
    if not isinstance(watched, QAbstractSpinBox | QComboBox):
        return False
    if watched.hasFocus() and not isinstance(watched, QDateTimeEdit):
        return False
    area = _scroll_area_of(watched)
    if area is not None:
        QApplication.sendEvent(area.viewport(), event)
    return True


def _enter_presses_button(watched: QObject, event: QKeyEvent) -> bool:
    """Enter on a focused button presses it, in windows as in dialogs (Qt does it in dialogs
    only): tabbing to « Valider et envoyer » and pressing Enter sends."""
    if not isinstance(watched, QPushButton) or not watched.hasFocus():
        return False
    if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return False
    if event.modifiers() not in (
        Qt.KeyboardModifier.NoModifier,
        Qt.KeyboardModifier.KeypadModifier,
    ):
        return False
    if not watched.isEnabled():
        return False
    watched.animateClick()
    return True


def without_wheel_focus(widget: QObject) -> None:
    """A field that changes its value with the wheel never takes the focus from the wheel.

    Qt gives spin boxes, date edits and combo boxes the « wheel focus » policy: a real wheel
    turned over one gives it the keyboard focus while delivering the event — before any event
    filter sees it — so the guard above would find it focused and let the wheel change its
    value (a date moved back a day per notch while the user scrolled the form). With the
    « strong focus » policy a click or Tab still gives the focus; the wheel never does."""
    if isinstance(widget, QAbstractSpinBox | QComboBox) and (
        widget.focusPolicy() == Qt.FocusPolicy.WheelFocus
    ):
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class InputGuard(QObject):
    """One application filter for the rules above: every event of the application goes
    through it, so it looks at the event's type first."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish:  # every widget, once, before it is first shown
            without_wheel_focus(watched)
            return False
        if kind == QEvent.Type.Wheel:
            return _wheel_passes_by(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.KeyPress:
            return _enter_presses_button(watched, event)  # type: ignore[arg-type]
        return False


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """As big as wanted, within the screen's free area (its frame included), as the main
    window does: at 1366×768 with 125 % scaling, or on 1024×640, the buttons stay on screen."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    free = screen.availableGeometry()
    window.resize(min(width, free.width() - 16), min(height, free.height() - 48))


def load_french_translations(app: QApplication) -> bool:
    """Qt's own texts (« Annuler », the file chooser, « Fermer ») in French: the catalogue
    shipped with Qt, found in the dev install and in the frozen app alike."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    for catalogue in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(catalogue, folder):
            app.installTranslator(translator)
            loaded = True
            break
    if not loaded:
        log.warning("Traductions françaises de Qt introuvables dans %s", folder)
    return loaded


def install(app: QApplication) -> None:
    """Once per application (the window and the tests both call it)."""
    if app.property(INSTALLED):
        return
    app.setProperty(INSTALLED, True)
    app.installEventFilter(InputGuard(app))
    for widget in app.allWidgets():  # those polished before the guard was installed
        without_wheel_focus(widget)
    load_french_translations(app)
