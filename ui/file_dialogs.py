"""Every file chooser of Bordereau opens where the user works — the folder it last used for
that kind of file, else Documents — never in the program's folder, and in French (Qt's own
catalogue, ``behaviour.load_french_translations``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

_LAST: dict[str, Path] = {}  # kind of file → the folder last used, for this session


def documents_folder() -> Path:
    """The user's Documents folder (as the system names it), else the home folder."""
    from platformdirs import user_documents_path

    documents = user_documents_path()
    return documents if documents.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    last = _LAST.get(kind)
    return last if last is not None and last.is_dir() else documents_folder()


def _remember(kind: str, chosen: str | list[str]) -> None:
    first = (chosen[0] if chosen else "") if isinstance(chosen, list) else chosen
    if first:
        path = Path(first)
        _LAST[kind] = path if path.is_dir() else path.parent


def _dialog(
    parent: QWidget | None,
    title: str,
    folder: Path,
    filters: str,
    mode: QFileDialog.FileMode,
    *,
    saving: bool = False,
) -> QFileDialog:
    """A chooser whose every word is French: Qt's catalogue leaves « Look in » and « Files of
    type » untranslated, so they are set here (a system's own chooser speaks its language)."""
    dialog = QFileDialog(parent, title, str(folder), filters)
    dialog.setFileMode(mode)
    if saving:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    label = QFileDialog.DialogLabel
    folders_only = mode == QFileDialog.FileMode.Directory
    for which, text in (
        (label.LookIn, "Regarder dans :"),
        (label.FileName, "Dossier :" if folders_only else "Nom du fichier :"),
        (label.FileType, "Fichiers de type :"),
        (label.Accept, "Enregistrer" if saving else "Choisir" if folders_only else "Ouvrir"),
        (label.Reject, "Annuler"),
    ):
        dialog.setLabelText(which, text)
    return dialog


def _chosen(dialog: QFileDialog, kind: str) -> list[Path]:
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return []
    names = dialog.selectedFiles()
    _remember(kind, names)
    return [Path(name) for name in names]


def open_files(parent: QWidget | None, title: str, filters: str, kind: str) -> list[Path]:
    mode = QFileDialog.FileMode.ExistingFiles
    return _chosen(_dialog(parent, title, start_folder(kind), filters, mode), kind)


def open_file(parent: QWidget | None, title: str, filters: str, kind: str) -> Path | None:
    mode = QFileDialog.FileMode.ExistingFile
    chosen = _chosen(_dialog(parent, title, start_folder(kind), filters, mode), kind)
    return chosen[0] if chosen else None


def save_file(
    parent: QWidget | None, title: str, suggested: str, filters: str, kind: str
) -> Path | None:
    """Where to save ``suggested`` (a file name, or a path kept as it is); a file already
    there is asked about before being replaced."""
    target = Path(suggested) if Path(suggested).is_absolute() else start_folder(kind) / suggested
    mode = QFileDialog.FileMode.AnyFile
    dialog = _dialog(parent, title, target.parent, filters, mode, saving=True)
    dialog.selectFile(str(target))
    chosen = _chosen(dialog, kind)
    return chosen[0] if chosen else None


def choose_folder(parent: QWidget | None, title: str, kind: str) -> Path | None:
    dialog = _dialog(parent, title, start_folder(kind), "", QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _chosen(dialog, kind)
    return chosen[0] if chosen else None
