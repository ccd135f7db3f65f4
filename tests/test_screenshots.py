"""Screenshots (docs/assets/screenshots/, made by `python -m coursetest.screenshots`) and the pages that show them.

Every screenshot a page references exists, every screenshot is shown, both
languages show the same ones with alt text in their own language, and each
file stays small.
"""

import struct

import pytest

from coursetest.pages import HANGUL, ROOT, images_on

SHOTS = ROOT / "docs" / "assets" / "screenshots"
MAX_BYTES = 60 * 1024
MAX_WIDTH = 1000


def screenshots_on(page):
    """(alt text, file) of each screenshot the page shows, in order."""
    return [(alt, target) for alt, src, target in images_on(page) if target.parent == SHOTS or "screenshots/" in src]


PAGES = sorted((ROOT / "docs").glob("*/*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_every_screenshot_a_page_shows_exists_and_has_alt_text(page):
    for alt, target in screenshots_on(page):
        assert target.is_file(), f"{page.relative_to(ROOT)} shows {target.relative_to(ROOT)}, which does not exist"
        assert alt.strip(), f"{page.relative_to(ROOT)}: {target.name} has no alt text"
        lang = page.parent.name
        if lang == "ko":
            assert HANGUL.search(alt), f"{page.relative_to(ROOT)}: the alt text of {target.name} is not Korean: {alt!r}"
        elif lang == "en":
            assert not HANGUL.search(alt), f"{page.relative_to(ROOT)}: the alt text of {target.name} is not English: {alt!r}"


def test_both_languages_show_the_same_screenshots():
    for ko in (ROOT / "docs" / "ko").glob("*.md"):
        en = ROOT / "docs" / "en" / ko.name
        if en.exists():
            ko_files = [t.name for _, t in screenshots_on(ko)]
            en_files = [t.name for _, t in screenshots_on(en)]
            assert ko_files == en_files, f"{ko.relative_to(ROOT)} shows {ko_files}, {en.relative_to(ROOT)} shows {en_files}"


def test_every_screenshot_is_shown_and_small():
    shown = {target for page in PAGES for _, target in screenshots_on(page)}
    files = sorted(SHOTS.glob("*.png"))
    assert files, f"no screenshots in {SHOTS.relative_to(ROOT)}; run `PYTHONPATH=tests python -m coursetest.screenshots`"
    unused = [f.name for f in files if f.resolve() not in shown]
    assert unused == [], f"screenshots no page shows (show them or delete them): {unused}"
    for png in files:
        width, height = struct.unpack(">II", png.read_bytes()[16:24])  # the PNG header's IHDR
        assert png.stat().st_size <= MAX_BYTES and width <= MAX_WIDTH, (
            f"{png.relative_to(ROOT)} is {png.stat().st_size // 1024} KiB, {width}x{height}: "
            f"crop it to what matters (at most {MAX_BYTES // 1024} KiB, {MAX_WIDTH} px wide)"
        )
