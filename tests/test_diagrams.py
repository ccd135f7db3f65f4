"""Diagrams (hand-written SVG files in docs/assets/) and the pages that show them.

Each diagram exists once per language, `name.ko.svg` and `name.en.svg`, because its
labels are text a reader must be able to read: a Korean page shows the Korean file,
an English page the English one, with alt text in the page's language. Both
languages show the same diagrams in the same order; every SVG file is shown; each
one parses, has a <title> (its accessible name when opened on its own) and stays small.
"""

import xml.etree.ElementTree as ET

import pytest

from coursetest.pages import HANGUL, ROOT, images_on

ASSETS = ROOT / "docs" / "assets"
SVG = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 12 * 1024
PAGES = sorted((ROOT / "docs").glob("*/*.md"))


def diagrams_on(page):
    """(alt text, file) of each SVG image the page shows, in order."""
    return [(alt, target) for alt, src, target in images_on(page) if src.endswith(".svg")]


def svg_text(path):
    """The <title> and every <text> of an SVG file, as one string."""
    root = ET.parse(path).getroot()
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag in (f"{SVG}title", f"{SVG}text"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_each_diagram_is_in_the_language_of_its_page(page):
    lang = page.parent.name
    where = page.relative_to(ROOT)
    for alt, target in diagrams_on(page):
        assert target.is_file(), f"{where} shows {target.relative_to(ROOT)}, which does not exist"
        assert target.name.endswith(f".{lang}.svg"), (
            f"{where} shows {target.name}: a {lang} page shows the {lang} diagram (name.{lang}.svg)"
        )
        assert alt.strip(), f"{where}: {target.name} has no alt text"
        text = svg_text(target)
        if lang == "ko":
            assert HANGUL.search(alt), f"{where}: the alt text of {target.name} is not Korean: {alt!r}"
            assert HANGUL.search(text), f"{target.relative_to(ROOT)} has no Korean label"
        else:
            assert not HANGUL.search(alt), f"{where}: the alt text of {target.name} is not English: {alt!r}"
            assert not HANGUL.search(text), f"{target.relative_to(ROOT)} has Korean text on an {lang} page"


def test_both_languages_show_the_same_diagrams():
    for ko in (ROOT / "docs" / "ko").glob("*.md"):
        en = ROOT / "docs" / "en" / ko.name
        stems = [[t.name.rsplit(".", 2)[0] for _, t in diagrams_on(p)] for p in (ko, en)]
        assert stems[0] == stems[1], f"{ko.relative_to(ROOT)} shows {stems[0]}, {en.relative_to(ROOT)} shows {stems[1]}"


def test_every_diagram_is_shown_titled_and_small():
    shown = {target for page in PAGES for _, target in diagrams_on(page)}
    files = sorted(ASSETS.glob("*.svg"))
    unused = [f.name for f in files if f.resolve() not in shown]
    assert unused == [], f"diagrams no page shows (show them or delete them): {unused}"
    for svg in files:
        root = ET.parse(svg).getroot()
        title = root.find(f"{SVG}title")
        assert title is not None and (title.text or "").strip(), f"{svg.relative_to(ROOT)} has no <title>"
        assert svg.stat().st_size <= MAX_BYTES, f"{svg.relative_to(ROOT)} is {svg.stat().st_size} bytes (at most {MAX_BYTES})"
