"""Links of the built site: none broken, in either language, and no page left out of the navigation.

Internal means relative links, absolute paths, and absolute URLs under
site_url (canonical links, the sitemap). Links to other sites are not fetched:
the suite runs without the internet.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from coursetest.browser import site_url

BASE = "http://site.invalid" + urlsplit(site_url()).path.rstrip("/") + "/"  # where pages are, for urljoin
LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"), ("iframe", "src")}


class Page(HTMLParser):
    """The ids, links and primary-navigation links of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self._nav_depth = 0  # >0 while inside Material's primary navigation
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "nav" and (self._nav_depth or "md-nav--primary" in (attrs.get("class") or "")):
            self._nav_depth += 1
        for element, attribute in LINK_ATTRIBUTES:
            if tag == element and attrs.get(attribute):
                self.links.append(attrs[attribute])
                if tag == "a" and self._nav_depth:
                    self.nav_links.append(attrs[attribute])

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1


def page_url(site: Path, html: Path) -> str:
    relative = html.relative_to(site).as_posix()
    return BASE + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)


def target_of(site: Path, url: str) -> tuple[Path, str] | None:
    """The file a URL points to, and its #fragment; None for other sites and non-HTTP links."""
    if url.startswith(site_url()):
        url = BASE + url[len(site_url()) :]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not url.startswith("http://site.invalid/"):
        return None
    if not (parts.path + "/").startswith(urlsplit(BASE).path):
        return site / "outside-the-site", parts.fragment
    path = site / unquote(parts.path[len(urlsplit(BASE).path) :])
    if parts.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, unquote(parts.fragment)


@pytest.fixture(scope="module")
def pages(site):
    return {html: Page(html.read_text(encoding="utf-8")) for html in sorted(site.rglob("*.html"))}


def test_no_internal_link_or_anchor_is_broken(site, pages):
    broken = []
    checked = 0
    for html, page in pages.items():
        for link in page.links:
            target = target_of(site, urljoin(page_url(site, html), link))
            if target is None:
                continue
            checked += 1
            path, fragment = target
            where = f"{html.relative_to(site)}: {link!r}"
            if not path.is_file():
                broken.append(f"{where} -> {path.relative_to(site)} does not exist")
            elif fragment and path.suffix == ".html" and fragment not in pages[path].ids:
                broken.append(f"{where} -> no id {fragment!r} on {path.relative_to(site)}")
    assert checked > 100, f"only {checked} internal links found; the check would prove little"
    assert broken == [], f"{len(broken)} broken link(s):\n" + "\n".join(broken)


def test_the_sitemap_names_only_pages_that_exist(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r'<loc>([^<]+)</loc>|href="([^"]+)"', sitemap)
    urls = [loc or href for loc, href in urls]
    assert urls, "sitemap.xml lists no page"
    missing = [url for url in urls if (target := target_of(site, url)) is None or not target[0].is_file()]
    assert missing == [], f"sitemap.xml names pages that are not in the site (is site_url right?): {missing}"


@pytest.mark.parametrize("lang, home", [("ko", "index.html"), ("en", "en/index.html")])
def test_every_page_is_in_the_navigation(site, pages, lang, home):
    """Each page of a language is reachable from that language's navigation."""
    in_language = {
        html for html in pages if html.name != "404.html" and (html.relative_to(site).parts[0] == "en") == (lang == "en")
    }
    nav = pages[site / home].nav_links
    linked = {target[0] for link in nav if (target := target_of(site, urljoin(page_url(site, site / home), link)))}
    missing = sorted(str(html.relative_to(site)) for html in in_language - linked)
    assert missing == [], f"pages missing from the {lang} navigation (add them to nav in mkdocs.yml): {missing}"
