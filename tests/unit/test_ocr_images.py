"""What the OCR's page pictures go through before Tesseract: the paper's light evened out
(a phone's photo, a copier's grey), on pictures made here, pixel by pixel."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageStat

from app.prefill.pages import PAPER_WHITE, evened

SIZE = (1240, 1754)  # an A4 page at 150 dpi


def _page_with_ink(paper: Image.Image) -> Image.Image:
    """Black bars of strokes' width (the ink), drawn at the four corners and the middle."""
    page = paper.copy()
    draw = ImageDraw.Draw(page)
    for x, y in ((100, 100), (1000, 100), (600, 870), (100, 1600), (1000, 1600)):
        for line in range(4):
            draw.rectangle((x, y + 12 * line, x + 120, y + 12 * line + 3), fill=60)
    return page


def _lightest_and_darkest(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int]:
    darkest, lightest = ImageStat.Stat(image.crop(box)).extrema[0]
    return int(lightest), int(darkest)


def test_a_white_page_is_left_as_it_is() -> None:
    page = _page_with_ink(Image.new("L", SIZE, 255))
    assert evened(page) is page


def test_grey_unevenly_lit_paper_becomes_white_and_the_ink_stays_dark() -> None:
    # the light falls from 235 at the top left to 170 at the bottom right
    light = Image.linear_gradient("L").resize(SIZE).point(lambda value: 235 - value // 4)
    page = _page_with_ink(light)
    assert ImageStat.Stat(page).median[0] < PAPER_WHITE
    flat = evened(page)
    for x, y in ((100, 100), (1000, 100), (600, 870), (100, 1600), (1000, 1600)):
        paper_beside = (x - 90, y, x - 30, y + 40)
        ink = (x + 10, y + 1, x + 110, y + 3)
        assert min(ImageStat.Stat(flat.crop(paper_beside)).extrema[0]) >= 245, (x, y)
        assert max(ImageStat.Stat(flat.crop(ink)).extrema[0]) <= 110, (x, y)
    # before, the bottom's paper was darker than the top's ink would need to be told apart
    # by one threshold for the page
    top_paper, _ = _lightest_and_darkest(page, (300, 100, 360, 140))
    bottom_paper, _ = _lightest_and_darkest(page, (1100, 1600, 1160, 1640))
    assert top_paper - bottom_paper > 40
