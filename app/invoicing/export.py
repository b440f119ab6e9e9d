"""A copy of an issued invoice's PDF for the user (« --out », Documents/Bordereau/Factures,
« Enregistrer le PDF… »). Issuing is the legal act; this is only a copy, made again at will
(``bordereau invoice pdf``): a copy that cannot be written never undoes an issue, and a file
already there is never replaced by a different document."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

from app.errors import BordereauError
from app.files import remove_leftover_temporaries, write_new_file

MAX_SAME_NAME = 99

_REASONS = {
    errno.ENOSPC: "le disque est plein",
    getattr(errno, "EDQUOT", -1): "votre quota de disque est atteint",
    errno.EROFS: "le disque est en lecture seule",
    errno.EACCES: "l'accès à ce dossier est refusé",
    errno.EPERM: "l'écriture dans ce dossier n'est pas permise",
    errno.ENOTDIR: "ce chemin passe par un fichier, pas par un dossier",
    errno.ENOENT: "ce dossier n'existe pas",
    errno.EEXIST: "tous les noms de fichier possibles sont déjà pris",
    errno.ENAMETOOLONG: "le chemin est trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in French."""
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class PdfNotWritten(BordereauError):
    """The invoice is issued, its copy for the user could not be written."""

    title = "PDF non enregistré"

    def __init__(self, number: str, folder: Path, exc: OSError) -> None:
        self.number = number
        super().__init__(
            f"La facture {number} est émise : son numéro lui est acquis et Bordereau la "
            f"conserve. Mais son PDF n'a pas pu être écrit dans {folder} ({os_reason(exc)}). "
            f"Pour l'obtenir : « bordereau invoice pdf {number} --out DOSSIER », ou Fichier › "
            "Factures écrites… › Enregistrer le PDF…",
            details=repr(exc),
        )


def export_copy(pdf: bytes, folder: Path, name: str, number: str) -> Path:
    """``pdf`` as ``folder/name`` — or, when a different file has that name, as
    « name (2) », « name (3) »…; an identical file already there is the copy."""
    digest = hashlib.sha256(pdf).hexdigest()
    stem, suffix = Path(name).stem, Path(name).suffix
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_leftover_temporaries(folder)
        for attempt in range(1, MAX_SAME_NAME + 1):
            target = folder / (name if attempt == 1 else f"{stem} ({attempt}){suffix}")
            if write_new_file(target, pdf):
                return target
            if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
                return target
        raise OSError(errno.EEXIST, "noms pris")
    except OSError as exc:
        raise PdfNotWritten(number, folder, exc) from exc
