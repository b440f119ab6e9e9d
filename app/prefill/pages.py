"""Positioned words of a page: from the PDF's text layer, or by OCR (Tesseract, French)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import Any

from app.errors import EnvironmentProblem
from app.prefill.model import Word

OCR_DPI = 300
# An A4 page at 300 dpi is 8.7 million pixels; a page as big as PDF allows (5 m a side) would
# be 60 000 pixels a side. Larger pages are rendered at a lower resolution to stay under this.
MAX_OCR_PIXELS = 36_000_000
MIN_OCR_DPI = 20
MIN_TEXT_CHARACTERS = 40  # fewer on a page means it is an image: OCR it


def text_layer_words(page: Any, index: int) -> list[Word]:
    """``page`` is a PyMuPDF page; coordinates are PDF points, origin top-left."""
    return [
        Word(str(text), float(x0), float(y0), float(x1), float(y1), index, "text")
        for x0, y0, x1, y1, text, *_rest in page.get_text("words", sort=True)
    ]


def has_usable_text(words: list[Word]) -> bool:
    characters = sum(len(word.text) for word in words)
    letters = sum(ch.isalnum() for word in words for ch in word.text)
    return characters >= MIN_TEXT_CHARACTERS and letters >= characters * 0.5


class OcrUnavailableError(EnvironmentProblem):
    """Tesseract, or its French data, is not usable on this computer. Raised in the OCR
    worker process, so it must pickle: the message is its only positional argument."""

    title = "Lecture optique indisponible"


def tesseract_install_hint() -> str:
    if bundled_tesseract_expected():
        return "Réinstallez Bordereau : son installateur contient Tesseract et le français."
    if sys.platform.startswith("linux"):
        return (
            "Pour l'installer : sudo apt-get install tesseract-ocr tesseract-ocr-fra "
            "(ou les paquets équivalents de votre distribution)."
        )
    return "Installez Tesseract avec les données du français, puis relancez Bordereau."


def ocr_unavailable(detail: str, *, program_missing: bool = False) -> OcrUnavailableError:
    """The French explanation for a Tesseract failure (``pytesseract`` raises exceptions
    that do not even cross the process pool: their constructors take no message)."""
    lowered = detail.lower()
    if "traineddata" in lowered or ("load" in lowered and "language" in lowered):
        message = (
            "Lecture optique impossible : les données du français de Tesseract sont absentes. "
            + tesseract_install_hint()
        )
    elif program_missing:
        message = (
            "Lecture optique impossible : le logiciel Tesseract n'est pas installé. "
            + tesseract_install_hint()
        )
    else:
        message = "La lecture optique de cette page a échoué (Tesseract a signalé une erreur)."
    return OcrUnavailableError(message, details=detail or None)


def bundled_tesseract_expected() -> bool:
    """Windows and macOS installers ship Tesseract; the Linux packages depend on the system's."""
    return bool(getattr(sys, "frozen", False)) and sys.platform in {"win32", "darwin"}


def bundled_tesseract() -> Path | None:
    """The Tesseract an installer put beside the frozen app (``tesseract/`` on Windows,
    ``Contents/Resources/tesseract/bin`` on macOS); None elsewhere: the system's is used."""
    if not getattr(sys, "frozen", False):
        return None
    app_dir = Path(sys.executable).resolve().parent
    for candidate in (
        app_dir / "tesseract" / "tesseract.exe",
        app_dir.parent / "Resources" / "tesseract" / "bin" / "tesseract",
    ):
        if candidate.exists():
            return candidate
    return None


def bundled_tessdata(tesseract: Path) -> Path:
    """``tessdata`` beside ``tesseract.exe`` (Windows), ``share/tessdata`` beside ``bin``
    (macOS), as the installer scripts in ``packaging/`` lay them out."""
    beside = tesseract.parent / "tessdata"
    return beside if beside.is_dir() else tesseract.parent.parent / "share" / "tessdata"


class OcrPageError(Exception):
    """One page could not be rendered for OCR (a message only, so that it pickles)."""


LIGHT_PRINT_THRESHOLD = 200  # of 255: light grey print is darker than this, paper lighter


def ocr_dpi(width_pt: float, height_pt: float) -> float:
    """300 dpi, or less for a page so large that it would exceed :data:`MAX_OCR_PIXELS`."""
    pixels_at_300: float = (width_pt * OCR_DPI / 72) * (height_pt * OCR_DPI / 72)
    if pixels_at_300 <= MAX_OCR_PIXELS:
        return OCR_DPI
    scaled: float = OCR_DPI * math.sqrt(MAX_OCR_PIXELS / pixels_at_300)
    return max(MIN_OCR_DPI, scaled)


def ocr_page(pdf_path: str, index: int, light_print: bool = False) -> list[Word]:
    """Render one page at 300 dpi, its paper evened out when it is grey (:func:`evened`), and
    read it with Tesseract (``fra``), in points.
    ``light_print``: the second reading, for pages where the first missed fields: every pixel
    short of white becomes black, so light grey print (labels in a totals box, a thin font)
    survives, where Tesseract's own threshold drops it; and the tables' rules are taken away
    (:func:`without_rules`), so a framed column of amounts is read.

    Runs in a worker process: it opens the file itself, so nothing heavy crosses processes.
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per page; pages run in parallel
    import pymupdf
    import pytesseract
    from PIL import Image

    bundled = bundled_tesseract()
    if bundled is not None:  # Windows and macOS installers ship Tesseract beside the app
        pytesseract.pytesseract.tesseract_cmd = str(bundled)
        os.environ.setdefault("TESSDATA_PREFIX", str(bundled_tessdata(bundled)))
    try:
        with pymupdf.open(pdf_path) as document:
            page = document[index]
            dpi = ocr_dpi(page.rect.width, page.rect.height)
            pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
            # Raw pixels, handed to Tesseract as an uncompressed TIFF: encoding and decoding
            # a PNG of a 300 dpi page twice cost more than a second per page.
            image = evened(Image.frombytes("L", (pixmap.width, pixmap.height), pixmap.samples))
            if light_print:
                image = without_rules(
                    image.point(lambda value: 0 if value < LIGHT_PRINT_THRESHOLD else 255)
                )
            image.format = "TIFF"
    except Exception as exc:  # PyMuPDF's own errors do not cross the process pool
        raise OcrPageError(f"page {index + 1} impossible à afficher : {exc}") from None
    try:
        data = pytesseract.image_to_data(
            image,
            lang="fra",
            # the second reading, as sparse words: no column or block is dropped whole
            config="--psm 11" if light_print else "",
            output_type=pytesseract.Output.DICT,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise ocr_unavailable(str(exc), program_missing=True) from None
    except pytesseract.TesseractError as exc:
        raise ocr_unavailable(str(exc.message).strip()) from None
    scale = 72 / dpi
    boxes: list[tuple[str, float, float, float, float, tuple[int, int, int]]] = []
    for position, raw in enumerate(data["text"]):
        text = str(raw).strip(BOX_SIDES)
        if not _meaningful(text) or float(data["conf"][position]) < 0:
            continue
        left, top = data["left"][position], data["top"][position]
        right, bottom = left + data["width"][position], top + data["height"][position]
        line = (data["block_num"][position], data["par_num"][position], data["line_num"][position])
        boxes.append((str(text), left * scale, top * scale, right * scale, bottom * scale, line))
    slope = skew_slope(boxes)
    return [
        Word(text, x0, y0 - slope * x0, x1, y1 - slope * x0, index, "ocr", line, slope * x0)
        for text, x0, y0, x1, y1, line in boxes
    ]


PAPER_WHITE = 240  # of 255: a scanner's paper is whiter; a phone's photo or a grey scan is not
PAPER_SCALE = 8  # the paper's light is looked at on a page this many times smaller
PAPER_REACH = 7  # pixels of that smaller page: wider than any stroke, narrower than the light


def evened(image: Any) -> Any:
    """A page photographed or scanned on grey, unevenly lit paper, with its paper made white
    and its ink kept: each pixel divided by the paper's light around it (the brightest pixel
    near it, smoothed). Tesseract's one threshold for the whole page otherwise takes the
    darker side of the page for ink, or drops the print on its lighter side. A page on white
    paper is returned as it is."""
    from PIL import Image, ImageFilter, ImageMath, ImageStat

    small = image.resize(
        (max(1, image.width // PAPER_SCALE), max(1, image.height // PAPER_SCALE)),
        Image.Resampling.BOX,
    )
    light = small.filter(ImageFilter.MaxFilter(PAPER_REACH))
    if ImageStat.Stat(light).median[0] >= PAPER_WHITE:
        return image
    light = light.filter(ImageFilter.GaussianBlur(2)).point(lambda value: max(value, 1))
    light = light.resize(image.size, Image.Resampling.BILINEAR)
    return ImageMath.lambda_eval(
        lambda page: page["ink"] * 255 / page["light"], ink=image, light=light
    ).convert("L")


# In pixels at 300 dpi, across and down alike: 8 mm, longer than any letter's stroke.
RULE_SPAN = 100
RULE_DARKNESS = 25  # of 255: a span this dark is unbroken ink: a rule (bold words have gaps)
RULE_THICKNESS = 8  # pixels: a rule is thinner than this; a band or a heading is not
RULE_BESIDE = 128  # of 255: beside a rule, half the span at least is paper (not a band's ink)


def without_rules(image: Any) -> Any:
    """The page without its tables' rules: a column of amounts against a framed table's
    border, or a header band's boxed labels, are dropped by Tesseract, which takes them for
    part of the line. A pixel is part of a rule when the span of pixels around it, across or
    down, is almost all dark (words, with the gaps between their letters, never are) and the
    spans a few pixels to either side are not (a filled band, white text on a colour, a
    heading's bold stroke stay as they are). Spans are looked at twice, the second time half
    a span further, so that a short box side is seen whole in one of them."""
    from PIL import Image, ImageChops

    ink = image.point(lambda value: 0 if value < 160 else 255)
    mask = Image.new("L", image.size, 0)
    for across in (True, False):
        for offset in (0, RULE_SPAN // 2):
            box = (offset, 0, *ink.size) if across else (0, offset, *ink.size)
            mask.paste(
                ImageChops.lighter(mask.crop(box), _thin_runs(ink.crop(box), across)), box[:2]
            )
    return ImageChops.lighter(image, mask)


def _thin_runs(ink: Any, across: bool) -> Any:
    """White where ``ink`` has a run of :data:`RULE_SPAN` dark pixels (across or down)
    thinner than :data:`RULE_THICKNESS`, black elsewhere: the same size as ``ink``."""
    from PIL import Image, ImageChops

    width, height = ink.size
    if across:
        size, shift = (max(1, width // RULE_SPAN), height), (0, RULE_THICKNESS)
    else:
        size, shift = (width, max(1, height // RULE_SPAN)), (RULE_THICKNESS, 0)
    spans = ink.resize(size, Image.Resampling.BOX)
    dark = spans.point(lambda value: 255 if value < RULE_DARKNESS else 0)
    inked = spans.point(lambda value: 255 if value < RULE_BESIDE else 0)
    beside = ImageChops.lighter(
        ImageChops.offset(inked, *shift), ImageChops.offset(inked, -shift[0], -shift[1])
    )
    thin = ImageChops.darker(dark, ImageChops.invert(beside))
    return thin.resize((width, height), Image.Resampling.NEAREST)


# What a box's side or a rule becomes when OCR reads it into the word beside it: « _46 »,
# « [TVA », « 12,50| ».
BOX_SIDES = "|[]{}_¦‘’“”"


def _meaningful(text: str) -> bool:
    """A word with a letter, a digit or a sign an amount or a label uses; not « | », « — » or
    « ___ », which a rule or a box's side becomes under OCR and which would stand between a
    label and its value."""
    return any(char.isalnum() or char in "€%$£:/-−+" for char in text)


def skew_slope(boxes: list[tuple[str, float, float, float, float, tuple[int, int, int]]]) -> float:
    """The page's tilt (dy/dx), from the lines Tesseract followed: the median slope of the
    lines that span some width. Rows are then built on straightened coordinates."""
    lines: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    for _text, x0, y0, x1, y1, line in boxes:
        lines.setdefault(line, []).append(((x0 + x1) / 2, (y0 + y1) / 2))
    slopes = []
    for points in lines.values():
        if len(points) < 3 or points[-1][0] - points[0][0] < 100:
            continue
        mean_x = sum(x for x, _ in points) / len(points)
        mean_y = sum(y for _, y in points) / len(points)
        spread = sum((x - mean_x) ** 2 for x, _ in points)
        if spread:
            slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread)
    if not slopes:
        return 0.0
    slopes.sort()
    return slopes[len(slopes) // 2]
