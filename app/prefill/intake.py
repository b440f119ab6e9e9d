"""Checks before reading: is it a PDF Bordereau can read and Chorus Pro will take?"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import BordereauError

MAX_BYTES = 10 * 1024 * 1024  # Chorus Pro's limit per file
MAX_NAME_LENGTH = 50  # longer attachment names are refused with HTTP 400
SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-]")
SIGNATURES = (
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"PK\x03\x04", "une archive ZIP ou un document Office (Word, Excel…)"),
    (b"\xd0\xcf\x11\xe0", "un ancien document Office (Word, Excel…)"),
    (b"{\\rtf", "un document RTF"),
    (b"<?xml", "un fichier XML"),
)


class UnreadableInvoiceError(BordereauError):
    title = "Fichier illisible"


@dataclass(slots=True)
class Intake:
    path: Path
    content: bytes
    document: Any  # an open pymupdf.Document
    warnings: list[str] = field(default_factory=list)
    suggested_file_name: str | None = None


def chorus_file_name(name: str) -> str:
    """An ASCII name of at most 50 characters, extension kept, that Chorus Pro accepts."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, "pdf"
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = SAFE_NAME.sub("_", ascii_stem).strip("._") or "facture"
    extension = SAFE_NAME.sub("", extension).lower() or "pdf"
    return ascii_stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension


def _what_it_is(head: bytes) -> str:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.lstrip()[:1] in (b"<",) and b"html" in head[:200].lower():
        return "une page web"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "un fichier d'un autre type"
    return (
        "un fichier texte" if text.isprintable() or text.strip() else "un fichier d'un autre type"
    )


def damaged(name: str, exc: Exception) -> UnreadableInvoiceError:
    """A PDF whose structure PyMuPDF cannot follow (broken, looping page tree, bad xref)."""
    return UnreadableInvoiceError(
        f"« {name} » est endommagé : son contenu PDF ne peut pas être lu. Exportez-le de "
        "nouveau depuis votre logiciel de facturation.",
        details=str(exc),
    )


def open_invoice(path: Path) -> Intake:
    """Read and open ``path``; raise :class:`UnreadableInvoiceError` with a French message."""
    import pymupdf

    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise UnreadableInvoiceError(
                f"« {name} » est un dossier, pas un fichier : choisissez le PDF de la facture "
                "qu'il contient."
            )
    except FileNotFoundError:
        raise UnreadableInvoiceError(f"Le fichier « {name} » est introuvable.") from None
    except OSError as exc:
        raise UnreadableInvoiceError(
            f"Le fichier « {name} » ne peut pas être lu.", details=str(exc)
        ) from exc
    if size == 0:
        raise UnreadableInvoiceError(f"Le fichier « {name} » est vide (0 octet).")
    if size > MAX_BYTES:
        raise UnreadableInvoiceError(
            f"« {name} » fait {size / 1024 / 1024:.1f} Mo : Chorus Pro refuse les fichiers de plus "
            "de 10 Mo. Réenregistrez le PDF en « taille réduite » (ou avec des images moins "
            "lourdes), puis déposez-le de nouveau."
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UnreadableInvoiceError(
            f"Le fichier « {name} » ne peut pas être lu.", details=str(exc)
        ) from exc
    if b"%PDF-" not in content[:1024]:
        raise UnreadableInvoiceError(
            f"« {name} » n'est pas un PDF : c'est {_what_it_is(content[:64])}, d'après son "
            "contenu. Chorus Pro n'accepte que des factures en PDF : exportez-la en PDF depuis "
            "votre logiciel."
        )
    try:
        document = pymupdf.open(stream=content, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises its own FileDataError and friends
        raise damaged(name, exc) from exc
    if document.is_repaired and b"%%EOF" not in content[-2048:]:
        # A cut-off file (an interrupted download or copy): PyMuPDF rebuilds what it can, but
        # the pages it lost would be missing from the invoice sent.
        document.close()
        raise UnreadableInvoiceError(
            f"« {name} » est incomplet (fichier endommagé : la fin manque, par exemple après un "
            "téléchargement interrompu). Exportez ou téléchargez-le de nouveau."
        )
    if document.needs_pass:
        document.close()
        raise UnreadableInvoiceError(
            f"« {name} » est protégé par un mot de passe. Chorus Pro ne peut pas lire un PDF "
            "protégé : enregistrez-en une copie sans mot de passe, puis déposez-la."
        )
    if document.page_count == 0:
        document.close()
        raise UnreadableInvoiceError(f"« {name} » ne contient aucune page.")
    intake = Intake(path, content, document)
    suggested = chorus_file_name(name)
    if suggested != name:
        intake.suggested_file_name = suggested
        intake.warnings.append(
            f"Le nom « {name} » contient des caractères ou une longueur que Chorus Pro refuse : "
            f"la facture sera envoyée sous le nom « {suggested} »."
        )
    return intake
