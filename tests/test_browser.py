"""The built site in headless Chromium, as a reader meets it.

The site is built once per session, served on 127.0.0.1 under its published
path, and read by one Chromium tab (fixtures in conftest.py). A reader
switches language, searches, copies code, toggles dark mode; no page may log
an error or fetch anything from another host.
"""

import json

import pytest

from coursetest.browser import Once, site_pages
from coursetest.pages import ROOT, read_page
from coursetest.runner import split_console

KO_PAGE = ROOT / "docs" / "ko" / "02-app-tasks.md"


@pytest.fixture(scope="module")
def visits(reader, site):
    """Every page of the site, opened once (by the first test that asks): what the browser logged and requested."""

    def visit_all():
        problems, requests = len(reader.problems), len(reader.requests)
        paths = site_pages(site)
        reader.open_all(paths)
        return paths, reader.problems[problems:], reader.requests[requests:]

    return Once(visit_all)


def test_no_page_logs_an_error(visits):
    paths, problems, _ = visits()
    assert len(paths) >= 4, f"only {paths} were opened"
    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


def test_no_request_leaves_the_machine(visits, reader):
    """Fonts, scripts, images and search data all come from the site itself (every tab, the whole session)."""
    paths, _, requests = visits()
    assert len(requests) > 5 * len(paths), f"only {len(requests)} requests were recorded; the check would prove nothing"
    outside = sorted({f"{page}: {url}" for page, url in reader.requests if not url.startswith(reader.base_url)})
    assert outside == [], "requests to other hosts:\n" + "\n".join(outside)


def switch_language(reader, lang: str) -> None:
    """Open the header's language menu and pick ``lang``, as a reader does with the mouse."""
    page = reader.page
    menu = page.locator(".md-header__option .md-select")
    menu.locator("button").hover()
    with page.expect_navigation(wait_until="domcontentloaded"):
        menu.locator(f"a.md-select__link[hreflang={lang}]").click()


@pytest.mark.parametrize("chapter", ["02-app-tasks/", ""], ids=["chapter-2", "home"])
def test_language_switcher_keeps_the_reader_on_the_same_page(reader, chapter):
    reader.open(chapter)
    switch_language(reader, "en")
    assert reader.where() == f"en/{chapter}", (
        f"'English' in the language menu of /{chapter} led to /{reader.where()}, not to /en/{chapter}"
    )
    assert reader.page.locator("html").get_attribute("lang") == "en", f"/en/{chapter} is not marked lang=en"
    switch_language(reader, "ko")
    assert reader.where() == chapter, (
        f"'한국어' in the language menu of /en/{chapter} led to /{reader.where()}, not back to /{chapter}"
    )
    assert reader.page.locator("html").get_attribute("lang") == "ko", f"/{chapter} is not marked lang=ko"


def search_box(reader, query: str) -> list[str]:
    """Type ``query`` into the header's search box; the pages of the results shown, best first."""
    page = reader.page
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material searches on keyup
    links = page.locator(".md-search-result__list > li > a")
    try:
        links.first.wait_for()  # the worker may still be building the index
    except Exception:  # noqa: BLE001 - a timeout means: no result
        return []
    base = reader.base_url
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    pages = [href.split("#")[0].split("?")[0].removeprefix(base) for href in hrefs]
    return list(dict.fromkeys(pages))  # a page and its sections link to the same page


@pytest.mark.parametrize(
    "start, query, expected",
    [("", "순환 임포트", "02-app-tasks/"), ("en/", "circular import", "en/02-app-tasks/")],
    ids=["korean", "english"],
)
def test_search_box_finds_a_term_and_opens_its_page(reader, start, query, expected):
    with reader.searching():
        reader.open(start)
        results = search_box(reader, query)
    assert results, f"searching /{start} for {query!r} showed no result"
    assert results[0] == expected, f"searching for {query!r}: the best result is /{results[0]}, not /{expected} ({results})"
    with reader.page.expect_navigation(wait_until="domcontentloaded"):
        reader.page.locator(".md-search-result__list > li > a").first.click()
    assert reader.where() == expected, f"clicking the first result for {query!r} opened /{reader.where()}, not /{expected}"


def copied_text(reader, index: int) -> str:
    """Click the copy button of the page's ``index``-th code block; what the clipboard then holds."""
    page = reader.page
    block = page.locator("div.highlight").nth(index)
    block.evaluate("el => { const d = el.closest('details'); if (d) d.open = true }")  # as a reader opens it
    page.evaluate("navigator.clipboard.writeText('')")
    block.locator("button[data-md-type=copy]").click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", polling=50)
    return page.evaluate("navigator.clipboard.readText()")


def what_copy_should_give(block) -> str:
    """A reader pastes code into an editor and commands into a shell: prompts and output stay behind."""
    if block.lang == "console":
        return "\n".join(command for command, _ in split_console(block.text))
    if block.lang == "pycon":
        return "\n".join(line[4:] for line in block.text.splitlines() if line.startswith((">>> ", "... ")))
    return block.text.rstrip()


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())


def test_copy_buttons_copy_exactly_the_code(reader):
    """One block of each kind on chapter 2, and a console block with two commands.

    Material copies the block's innerText; docs/assets/course.css hides the
    '$ ' and '>>> ' prompts and the output lines while it copies. The lines
    of hidden output leave blank lines between two commands, which a shell
    ignores, so those are compared without blank lines; everything else exactly.
    """
    blocks = read_page(KO_PAGE)
    picked = {}
    for index, block in enumerate(blocks):
        picked.setdefault(block.kind.name, index)
        if block.kind.name == "console" and len(split_console(block.text)) > 1:
            picked.setdefault("console, two commands", index)
    assert {"file", "console", "console, two commands"} <= picked.keys(), f"chapter 2 no longer has {picked}"
    page = reader.open("02-app-tasks/")
    assert page.locator("div.highlight").count() == len(blocks), "the page shows a different number of blocks than its source"
    for kind, index in picked.items():
        block = blocks[index]
        copied, expected = copied_text(reader, index), what_copy_should_give(block)
        if len(split_console(block.text)) > 1 if block.lang == "console" else block.lang == "pycon":
            copied, expected = without_blank_lines(copied), without_blank_lines(expected)
        assert copied == expected, (
            f"the copy button of {block.location} ({kind}) copied\n{copied!r}\ninstead of\n{expected!r}"
        )


def test_single_command_console_block_copies_only_the_command(reader):
    """'$ celery -A run worker -l INFO' and its banner: the clipboard gets the command, nothing else."""
    blocks = read_page(KO_PAGE)
    index = next(i for i, b in enumerate(blocks) if b.lang == "console" and b.text.startswith("$ celery -A run worker"))
    reader.open("02-app-tasks/")
    copied = copied_text(reader, index)
    assert copied == "celery -A run worker -l INFO", f"{blocks[index].location}: copied {copied!r}"


def test_palette_toggle_switches_between_light_and_dark(reader):
    page = reader.open("")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default", "the site does not start light for a light system"
    toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
    assert toggle.count() == 1, f"the header shows {toggle.count()} palette toggles, not 1 (theme.palette in mkdocs.yml)"
    for scheme in ("slate", "default"):
        toggle.click()
        try:
            page.wait_for_function(
                f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'", polling=50
            )
        except Exception:  # noqa: BLE001 - reported below with what the page shows
            pass
        assert body.get_attribute("data-md-color-scheme") == scheme, (
            f"the palette toggle did not switch to {scheme!r}: data-md-color-scheme is "
            f"{body.get_attribute('data-md-color-scheme')!r}"
        )


def test_only_the_tests_of_search_get_the_whole_search_index(reader, site):
    """Elsewhere a tab's search worker indexes no documents (coursetest.browser.Reader says why)."""
    count = "async () => (await (await fetch('search/search_index.json')).json()).docs.length"
    reader.open("")
    assert reader.page.evaluate(count) == 0, "a tab outside reader.searching() got documents to index"
    whole = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    with reader.searching():
        reader.open("")
        assert reader.page.evaluate(count) == len(whole["docs"]) > 100, "reader.searching() did not give the whole index"
