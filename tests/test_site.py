"""The built site: strict build, no third-party requests, language switcher, search, weight."""

import gzip
import json
import re
from pathlib import Path

from coursetest.pages import ROOT

PAGE_WEIGHT_LIMIT = 150 * 1024  # gzip bytes of a page with its CSS and JS, images aside


# `site` (conftest.py): the site built once per session with `mkdocs build --strict`


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_every_page_is_built_in_both_languages(site):
    for md in (ROOT / "docs" / "ko").rglob("*.md"):
        slug = md.relative_to(ROOT / "docs" / "ko").with_suffix("")
        folder = Path() if slug.name == "index" else slug
        assert (site / folder / "index.html").exists(), f"no Korean page for {md}"
        assert (site / "en" / folder / "index.html").exists(), f"no English page for {md}"


EXTERNAL = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["'](?:https?:)?//"""
    r"""|<link\b(?![^>]*\brel=["']?canonical)[^>]*\bhref=["'](?:https?:)?//"""  # canonical: a name, not a request
    r"""|url\(\s*["']?(?:https?:)?//"""
    r"""|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_no_request_leaves_the_site(site):
    offenders = []
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        for m in EXTERNAL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{path.relative_to(site)}: {m.group(0)}")
    assert offenders == [], "third-party requests (fonts, scripts, images) found"


def test_language_switcher_keeps_the_reader_on_the_same_page(site):
    ko = (site / "02-app-tasks" / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "02-app-tasks" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../en/02-app-tasks/" hreflang="en"' in ko
    assert '<a href="../../02-app-tasks/" hreflang="ko"' in en


def test_code_blocks_have_copy_buttons_and_both_color_schemes_exist(site):
    config = (site / "02-app-tasks" / "index.html").read_text(encoding="utf-8")
    assert '"content.code.copy"' in config
    assert 'data-md-color-scheme="default"' in config and 'data-md-color-scheme="slate"' in config


def test_search_finds_korean_and_english_words(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["ko", "en"]
    assert "(" in index["config"]["separator"], "punctuation must split words: 재시도(retry) -> retry"
    ko_text = " ".join(d["text"] + d["title"] for d in index["docs"] if not d["location"].startswith("en/"))
    en_text = " ".join(d["text"] + d["title"] for d in index["docs"] if d["location"].startswith("en/"))
    for word in ("태스크", "워커", "브로커", "레지스트리"):
        assert word in ko_text, word
    for word in ("task", "worker", "broker", "registry"):
        assert word in en_text, word


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def page_scripts_and_styles(page: Path, html: bytes, lang: list[str]) -> set[Path]:
    """The CSS and JS files a browser loads for ``page``.

    Its <link>/<script> files, plus what Material loads from JavaScript: the
    search worker (named in the page's ``__config``) and the lunr scripts the
    worker imports for the index's languages (stemmer support, one script per
    non-English language, lunr.multi when there are several), the same list
    Material's worker builds.
    """
    files = {(page.parent / ref.decode()).resolve() for ref in re.findall(rb'(?:href|src)="([^"]+\.(?:css|js))"', html)}
    config = re.search(rb'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
    if config:
        worker = (page.parent / json.loads(config.group(1))["search"]).resolve()
        lunr = worker.parent.parent / "lunr" / "min"
        names = ["stemmer.support", *(code for code in lang if code != "en")] + (["multi"] if len(lang) > 1 else [])
        files |= {worker, *(lunr / f"lunr.{name}.min.js" for name in names)}
    missing = sorted(str(f) for f in files if not f.is_file())
    assert missing == [], f"{page} loads files that are not in the site"
    return files


def test_heaviest_page_stays_light(site, capsys):
    """Every page with the CSS and JS it loads, gzip-compressed, stays under 150 KB (images aside).

    The search index (search/search_index.json) is loaded by every page too;
    it is data, shared and cached, and grows with the course, so it is
    reported beside the figure rather than counted in it.
    """
    index = site / "search" / "search_index.json"
    lang = json.loads(index.read_text(encoding="utf-8"))["config"]["lang"]
    weights = {}
    for page in html_pages(site):
        html = page.read_bytes()
        files = page_scripts_and_styles(page, html, lang)
        weights[str(page.relative_to(site))] = gzip_size(html) + sum(gzip_size(f.read_bytes()) for f in files)
    heaviest = max(weights, key=weights.get)
    with capsys.disabled():
        print(
            f"\n  heaviest page: {heaviest}, {weights[heaviest] / 1024:.1f} KiB gzip with its CSS and JS"
            f" (+ search index {gzip_size(index.read_bytes()) / 1024:.1f} KiB gzip, shared by all pages)"
        )
    assert weights[heaviest] < PAGE_WEIGHT_LIMIT, (
        f"{heaviest} weighs {weights[heaviest] / 1024:.1f} KiB gzip with its CSS and JS; "
        f"the limit is {PAGE_WEIGHT_LIMIT / 1024:.0f} KiB"
    )


def test_every_code_block_a_reader_sees_is_one_the_suite_runs(site):
    """The built page shows as many code blocks (<pre>) as the harness found in its source.

    pytest-codeblocks finds only ``` fences; Markdown has other ways to show
    code (~~~ fences, a fence inside a quote, an indented block, a page
    included with --8<--). Each would be shown to readers and never run.
    """
    from coursetest.pages import ROOT, all_pages, read_page, relpath

    for page in all_pages():
        lang, *rest = page.relative_to(ROOT / "docs").parts
        slug = "/".join(rest).removesuffix(".md")
        html = Path(site) / ("en" if lang == "en" else "") / ("" if slug == "index" else slug) / "index.html"
        shown = html.read_text(encoding="utf-8").count("<pre")
        found = len(read_page(page))
        assert shown == found, (
            f"{relpath(page)} shows {shown} code blocks but the suite found {found}: "
            "write every code block as a ``` fence (not ~~~, not indented, not inside a > quote)"
        )
