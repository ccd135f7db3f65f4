"""Headless Chromium, and the built site served the way GitHub Pages serves it.

Shared by the browser tests (``tests/test_browser.py``) and the screenshot
script (``coursetest.screenshots``). Playwright drives the Chromium the system
already has (Debian's ``chromium``): ``playwright install`` downloads a browser
of its own, which is neither needed nor possible everywhere this runs.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .pages import MKDOCS_YML, ROOT

CHROMIUM_VAR = "COURSE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# No sandbox (CI runs as root), no GPU, no QUIC, and none of Chromium's own
# background traffic (component updates, sync): every request a test sees
# comes from the page itself.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserUnavailable(Exception):
    """No Chromium to drive; the message says how to get one."""


def chromium_executable() -> str:
    """The Chromium to drive: $COURSE_CHROMIUM, else Debian's /usr/bin/chromium."""
    chosen = os.environ.get(CHROMIUM_VAR)
    path = chosen or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    where = f"{CHROMIUM_VAR}={path}" if chosen else path
    raise BrowserUnavailable(
        f"No Chromium at {where}. The browser tests drive a real headless Chromium.\n"
        "Install Debian's (or Ubuntu's) package:\n\n"
        "    sudo apt-get install chromium\n\n"
        f"or point {CHROMIUM_VAR} at any Chrome or Chromium binary, e.g.\n\n"
        f"    {CHROMIUM_VAR}=/usr/bin/google-chrome pytest --codeblocks\n\n"
        "(`playwright install` is not used: the tests never download a browser.)"
    )


def launch(playwright):
    """Start headless Chromium through Playwright, with the flags above."""
    return playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS, headless=True)


def build_site(target: Path) -> Path:
    """Build the site with ``mkdocs build --strict`` into ``target``.

    Never with ``-q``: quiet mode stops warnings from being counted, so
    ``--strict -q`` passes a site that ``--strict`` alone refuses.
    """
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0 or "WARNING" in result.stderr:
        raise AssertionError(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")
    return target


@functools.lru_cache(maxsize=None)
def site_url() -> str:
    """``site_url`` from mkdocs.yml (mkdocs' own loader, so its YAML tags work)."""
    from mkdocs.utils.yaml import yaml_load

    with open(MKDOCS_YML, encoding="utf-8") as handle:
        return yaml_load(handle).get("site_url") or "/"


def site_path() -> str:
    """The path the site is published under, e.g. ``/celery-course/``."""
    return urlsplit(site_url()).path.rstrip("/") + "/"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve files of the built site under ``prefix``; anything else is 404."""

    def __init__(self, *args, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return os.path.join(self.directory, "does-not-exist", "")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # a test reports what it needs; the access log would only be noise


class SiteServer:
    """The built site on 127.0.0.1 (a free port), under its published path.

    Under the path of ``site_url`` because that is where GitHub Pages puts it,
    and mkdocs-static-i18n writes some links as absolute paths from it (the
    home pages' language switcher: ``/celery-course/en/``). A tiny threaded
    ``http.server`` rather than ``mkdocs serve``, whose livereload long-poll
    keeps the network busy so a page never becomes idle.
    """

    def __init__(self, folder: Path, path: str | None = None):
        self.folder = Path(folder)
        self.path = path or site_path()
        handler = functools.partial(_Handler, directory=str(self.folder), prefix=self.path)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}{self.path}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SiteServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def site_pages(site: Path) -> list[str]:
    """Every built page as a path relative to the site ('' for the home page, '404.html' included)."""
    paths = []
    for html in sorted(Path(site).rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        paths.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return paths


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname == "127.0.0.1"


WAIT_MS = 60_000  # the longest a tab waits for anything (see Reader.__init__)


class Reader:
    """A reader's browser tab on the served site, and what the browser has seen.

    Console errors, uncaught exceptions, failed requests and HTTP errors of any
    tab go to ``problems``; every URL requested (by a page or by the search
    worker) to ``requests``. A request to any host other than 127.0.0.1 is
    recorded and refused, so a test never waits on the outside.

    Every page starts Material's search worker, which fetches the search index
    and builds it for both languages: seconds of CPU per tab, and a full run
    opens about a hundred tabs beside the course pages. So the index a tab
    gets holds the site's search settings and no documents, except inside
    ``searching()``, which the tests of search use. The worker still starts,
    loads its lunr scripts and indexes (nothing), so its errors and requests
    are still seen on every page.
    """

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        # Every wait ends as soon as what it waits for happens, so the bound only matters for a page
        # that never gets there. It is generous because the browser tests run beside the course
        # pages on two cores: in a full run, with the whole search index in every tab, six tabs
        # took 20 s to load at once.
        self.context.set_default_timeout(WAIT_MS)
        self.context.route(lambda url: not _is_local(url), lambda route: route.abort())
        self.context.route("**/search/search_index.json", self._search_index)
        self._full_search = False
        self._empty_index: str | None = None  # the real index's config, no documents
        self.problems: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (page it came from, URL requested)
        self.page = self.new_tab()

    @contextlib.contextmanager
    def searching(self):
        """Inside: tabs get the site's whole search index, for the tests of search."""
        self._full_search = True
        try:
            yield self
        finally:
            self._full_search = False

    def _search_index(self, route) -> None:
        if self._full_search:
            route.continue_()
            return
        if self._empty_index is None:
            config = route.fetch().json()["config"]
            self._empty_index = json.dumps({"config": config, "docs": []})
        route.fulfill(status=200, content_type="application/json", body=self._empty_index)

    def new_tab(self):
        """A tab whose problems and requests are recorded."""
        tab = self.context.new_page()

        def console(message) -> None:
            if message.type == "error":
                source = message.location.get("url") or "?"
                self.problems.append(f"{tab.url}: console error: {message.text} (from {source})")

        def response(response) -> None:
            if response.status >= 400:
                self.problems.append(f"{tab.url}: HTTP {response.status} for {response.url}")

        def failed(request) -> None:
            # ERR_ABORTED: the tab went to another page before this request finished
            if request.failure != "net::ERR_ABORTED":
                self.problems.append(f"{tab.url}: request failed: {request.url} ({request.failure})")

        tab.on("console", console)
        tab.on("response", response)
        tab.on("pageerror", lambda error: self.problems.append(f"{tab.url}: uncaught {error}"))
        tab.on("requestfailed", failed)
        tab.on("request", lambda request: self.requests.append((tab.url, request.url)))
        return tab

    def open(self, path: str = ""):
        """Go to a page of the site (a path relative to it); return when it has loaded."""
        self.page.goto(self.base_url + path, wait_until="load")
        return self.page

    def open_all(self, paths: list[str], tabs: int = 3) -> None:
        """Load every page until its network is idle (late fetches included), several tabs at a time.

        Each page gets a tab of its own, so what a tab records is about that page. Three at a time:
        on two cores, more tabs only compete for the CPU.
        """
        for start in range(0, len(paths), tabs):
            batch = [(self.new_tab(), path) for path in paths[start : start + tabs]]
            try:
                for tab, path in batch:
                    tab.goto(self.base_url + path, wait_until="commit")
                for tab, _ in batch:
                    tab.wait_for_load_state("networkidle")
            finally:
                for tab, _ in batch:
                    tab.close()

    def where(self) -> str:
        """The current page as a path relative to the site, without ?query or #anchor."""
        url = self.page.url.split("#")[0].split("?")[0]
        return url[len(self.base_url) :] if url.startswith(self.base_url) else url

    def close(self) -> None:
        self.context.close()


class Unavailable:
    """Stands in for the browser when there is none: any use fails the test that uses it.

    A failure inside the test, not an error in a fixture nor a skip: the
    project runs every test, and the message says how to get a Chromium.
    """

    def __init__(self, reason: str):
        self.reason = reason

    def __getattr__(self, name):
        import pytest

        pytest.fail(self.reason, pytrace=False)


class Once:
    """A value made on first use, so that making it (with the browser) happens inside a test.

    A failure is remembered too: the next tests that ask fail at once with it
    instead of trying again.
    """

    def __init__(self, make):
        self._make = make
        self._outcome = None  # ("value", v) or ("error", exception)

    def __call__(self):
        import pytest

        if self._outcome is None:
            try:
                self._outcome = ("value", self._make())
            except (Exception, pytest.fail.Exception) as exc:
                self._outcome = ("error", exc)
        kind, result = self._outcome
        if kind == "error":
            raise result
        return result
