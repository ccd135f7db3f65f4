"""Accessibility of the built site: axe-core on every page, both languages, both palettes.

axe-core comes from a package, not a CDN: the axe-playwright-python wheel
carries axe.min.js and evaluates it in the page (no request leaves the
machine; the Reader refuses any that would). It runs on the tab the other
browser tests use (``reader`` in conftest.py) over the site built once per
session, with the rules of WCAG 2.1 A and AA, plus the few rules Lighthouse's
accessibility score adds by name (the search dialog's name, the table
headers, ...). Any violation fails, with the page, the palette, the rule,
its impact and the first elements it found.

The palette follows the system's light or dark setting (``media`` in
mkdocs.yml), so each palette is the reader's ``prefers-color-scheme``.
"""

import pytest

from coursetest.browser import site_pages

# WCAG 2.0 and 2.1, levels A and AA: axe's tags for them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules outside those tags that Lighthouse's accessibility audit enables by name
# (its gatherer's list, for those not already in the tags), and axe's own
# empty-table-header (a <th> with no text, as 03-calling's table had).
LIGHTHOUSE_RULES = [
    "accesskeys",
    "aria-allowed-role",
    "aria-dialog-name",  # Material's search dialog had no name
    "aria-text",
    "aria-treeitem-name",
    "empty-heading",
    "heading-order",
    "identical-links-same-purpose",
    "image-redundant-alt",
    "label-content-name-mismatch",
    "landmark-one-main",
    "skip-link",
    "table-duplicate-name",
    "table-fake-caption",
    "td-has-header",  # experimental in axe, so off unless named
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in [*LIGHTHOUSE_RULES, "empty-table-header"]},
    "resultTypes": ["violations"],  # the other groups keep one example node each
}
PALETTES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> data-md-color-scheme
SHOWN_NODES = 3  # elements listed per violation


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def use_palette(reader, palette: str) -> None:
    """From now on the reader's system prefers ``palette``; Material's remembered choice is forgotten.

    Material stores the palette it shows (localStorage, one entry per
    language) and prefers that to the system's setting on the next page.
    """
    reader.page.emulate_media(color_scheme=palette)
    reader.open("")
    reader.page.evaluate("localStorage.clear()")


def open_in(reader, path: str, palette: str):
    """Open a page and check that it shows ``palette``."""
    page = reader.open(path)
    scheme = PALETTES[palette]
    try:
        page.wait_for_function(f"document.body.dataset.mdColorScheme === '{scheme}'", polling=50)
    except Exception:  # noqa: BLE001 - reported below with what the page shows
        pass
    shown = page.locator("body").get_attribute("data-md-color-scheme")
    assert shown == scheme, f"/{path} with a {palette} system shows data-md-color-scheme={shown!r}, not {scheme!r}"
    return page


def one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def settled(page):
    """The page once its CSS transitions have ended: mid-fade, axe would measure colours nobody reads."""
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", polling=50)
    return page


def violations(axe, page, where: str) -> list[str]:
    """What axe finds on the page as it is now, one readable entry per rule broken."""
    found = axe.run(settled(page), options=AXE_OPTIONS).response["violations"]
    report = []
    for rule in found:
        lines = [f"{where}: {rule['id']} ({rule['impact']}), {len(rule['nodes'])} element(s): {rule['help']}"]
        for node in rule["nodes"][:SHOWN_NODES]:
            target = " ".join(str(part) for part in node["target"])
            reason = one_line((node.get("failureSummary") or "").split("\n", 1)[-1], 160)
            lines.append(f"    {target}\n      {one_line(node['html'], 120)}\n      {reason}")
        if len(rule["nodes"]) > SHOWN_NODES:
            lines.append(f"    ... and {len(rule['nodes']) - SHOWN_NODES} more")
        report.append("\n".join(lines))
    return report


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_page_passes_axe(reader, site, axe, palette, language):
    """One language's pages (the 404 page with Korean) in one palette: no WCAG 2.1 AA violation."""
    every = site_pages(site)
    assert "" in every and "en/" in every and len(every) >= 8, f"the site has only {every}"
    paths = [p for p in every if p.startswith("en/") == (language == "en")]
    use_palette(reader, palette)
    report = []
    for path in paths:
        report += violations(axe, open_in(reader, path, palette), f"/{path} [{palette}]")
    assert report == [], f"axe-core found {len(report)} violation(s):\n" + "\n".join(report)


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize(
    "home, query, name", [("", "태스크", "검색"), ("en/", "task", "Search")], ids=["korean", "english"]
)
def test_search_dialog_open_passes_axe(reader, axe, palette, home, query, name):
    """The search dialog, open with results: named in the page's language, and no violation inside or around it."""
    use_palette(reader, palette)
    with reader.searching():
        page = open_in(reader, home, palette)
        page.keyboard.press("/")  # Material's shortcut, as a reader opens search
        page.locator("input.md-search__input").fill(query)
        page.locator("input.md-search__input").press("End")  # Material searches on keyup
        page.locator(".md-search-result__list > li").first.wait_for()
    assert page.locator("#__search").is_checked(), "the search dialog did not open"
    label = page.locator(".md-search[role=dialog]").get_attribute("aria-label")
    assert label == name, f"/{home}: the search dialog is named {label!r}, not {name!r} (docs/overrides/main.html)"
    report = violations(axe, page, f"/{home} [{palette}, search open: {query!r}]")
    assert report == [], f"axe-core found {len(report)} violation(s):\n" + "\n".join(report)


def test_the_rules_beyond_the_wcag_tags_do_run(reader, axe):
    """axe runs the rules named above, not only the tagged ones: they pass on a page where each applies."""
    page = reader.open("03-calling/")
    results = axe.run(page, options={**AXE_OPTIONS, "resultTypes": ["passes", "violations"]}).response
    passed = {rule["id"] for rule in results["passes"]}
    expected = {"aria-dialog-name", "empty-table-header", "td-has-header", "color-contrast", "link-in-text-block"}
    assert expected <= passed, f"on /03-calling/ these rules did not run or did not pass: {sorted(expected - passed)}"
