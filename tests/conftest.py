import pytest

from coursetest.browser import BrowserUnavailable, SiteServer, Unavailable, build_site, chromium_executable
from coursetest.selftest import copy_project


@pytest.fixture
def project(tmp_path):
    """A throwaway copy of the project, to break on purpose."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per session with `mkdocs build --strict` (never with -q)."""
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def served_site(site):
    """The built site on 127.0.0.1, under the path GitHub Pages gives it."""
    with SiteServer(site) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (it starts in a fraction of a second).

    Closed with its module, so nothing of it runs while the pages' workers do.

    Without a Chromium, each browser test fails saying how to install one
    (coursetest.browser.Unavailable): this project runs every test, no skips.
    """
    try:
        chromium_executable()
    except BrowserUnavailable as exc:
        yield Unavailable(str(exc))
        return
    from playwright.sync_api import sync_playwright

    from coursetest.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reader(chromium, served_site):
    """One tab on the served site, shared by the browser tests (see coursetest.browser.Reader)."""
    if isinstance(chromium, Unavailable):
        yield chromium
        return
    from coursetest.browser import Reader

    reader = Reader(chromium, served_site.url)
    yield reader
    reader.close()
