"""The built site: strict build, no third-party requests, language switcher, search, weight."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursetest.pages import ROOT

PAGE_WEIGHT_LIMIT = 150 * 1024  # gzip bytes of a page with its CSS and JS, images aside


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    # never `--strict -q`: quiet mode stops warnings from being counted
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return out


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
    r"""|<link\b[^>]*\bhref=["'](?:https?:)?//"""
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


def test_heaviest_page_stays_light(site, capsys):
    weights = {}
    for page in html_pages(site):
        html = page.read_bytes()
        total = gzip_size(html)
        for ref in re.findall(rb'(?:href|src)="([^"]+\.(?:css|js))"', html):
            asset = (page.parent / ref.decode()).resolve()
            if asset.is_file():
                total += gzip_size(asset.read_bytes())
        weights[str(page.relative_to(site))] = total
    heaviest = max(weights, key=weights.get)
    with capsys.disabled():
        print(f"\n  heaviest page: {heaviest}, {weights[heaviest] / 1024:.1f} KiB gzip with its CSS and JS")
    assert weights[heaviest] < PAGE_WEIGHT_LIMIT
