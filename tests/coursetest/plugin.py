"""pytest plugin: ``pytest --codeblocks`` runs every block of every course page.

pytest-codeblocks provides the ``--codeblocks`` option, the fence finder and the
``<!--pytest.mark.X-->`` directive syntax. Its own runner only knows
``python``/``sh``/``bash`` fences and runs Python inside the pytest process, so
this plugin takes over collection of ``docs/**.md`` (see ``pytest_configure``)
and runs blocks as the reader would, in the step folder, against the stack.

Korean is the first language: a page in ``docs/en/`` whose Korean twin runs in
the same session does not run again; each of its blocks is compared with the
Korean block (they must be identical) and passes when that block passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import processes
from .pages import KNOWN_MARKS, ROOT, Block, PageError, page_language, read_page, relpath, twin_page
from .runner import BlockFailure, PageRun
from .stack import Session, Stack, StackUnavailable

STATE_KEY = pytest.StashKey[dict]()


def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in KNOWN_MARKS.items():
        config.addinivalue_line("markers", f"{name}: course page directive; {help_text}")
    # pytest-codeblocks would collect the same pages with its naive runner
    # (exec in-process, no cwd, no timeout); keep its option and parser, drop its collector.
    codeblocks = config.pluginmanager.get_plugin("codeblocks")
    if codeblocks is not None:
        config.pluginmanager.unregister(codeblocks)
    config.stash[STATE_KEY] = {"session": None, "outcomes": {}, "counts": {}}


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if not parent.config.getoption("codeblocks", False) or file_path.suffix != ".md":
        return None
    try:
        file_path.resolve().relative_to(ROOT / "docs")
    except ValueError:
        return None
    return PageFile.from_parent(parent, path=file_path)


class PageFile(pytest.File):
    """One page; its blocks share a PageRun (background workers live until the page ends)."""

    def collect(self):
        try:
            blocks = read_page(self.path)
        except PageError as exc:
            raise self.CollectError(str(exc)) from exc
        self.page_run: PageRun | None = None
        self.block_count = len(blocks)
        for block in blocks:
            yield BlockItem.from_parent(self, name=f"line {block.lineno}", block=block)

    def setup(self) -> None:
        state = self.config.stash[STATE_KEY]
        self.page_run = PageRun(state["session"])

    def teardown(self) -> None:
        if self.page_run is not None:
            self.page_run.close()


class BlockItem(pytest.Item):
    def __init__(self, *, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self.twin: BlockItem | None = None  # set when the Korean twin runs in this session
        self.orphan = False  # an English block beyond the end of its Korean twin page

    def runtest(self) -> None:
        state = self.config.stash[STATE_KEY]
        if self.orphan:
            raise BlockFailure(f"has no counterpart: {relpath(twin_page(self.block.page))} has fewer blocks")
        if self.twin is not None:
            self._compare_with_twin(state)
            mode = "compared"
        else:
            self.parent.page_run.run(self.block)
            mode = "run"
        key = (relpath(self.block.page), mode)
        state["counts"][key] = state["counts"].get(key, 0) + 1

    def _compare_with_twin(self, state: dict) -> None:
        twin = self.twin.block
        if twin.signature() != self.block.signature():
            raise BlockFailure(
                f"differs from {twin.location}; both languages must show the same block "
                f"(fence header, body and directives); only prose may differ.\n"
                f"  {twin.location}: {twin.info!r} {twin.mark_sources}\n{_indent(twin.raw)}"
                f"  {self.block.location}: {self.block.info!r} {self.block.mark_sources}\n{_indent(self.block.raw)}"
            )
        outcome = state["outcomes"].get(self.twin.nodeid)
        if outcome != "passed":
            raise BlockFailure(f"the same block failed on {twin.location} ({outcome or 'not run'}); see that failure")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (BlockFailure, PageError)):
            included = ", ".join(f"snippets/{p}" for p in self.block.includes)
            source = f" (shows {included})" if included else ""
            return f"{self.block.location}{source}: {excinfo.value}\n\nThe block as the reader sees it:\n```{self.block.info}\n{self.block.text}```"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.block.lineno - 1, f"{self.block.kind} block"


def _indent(text: str) -> str:
    return "".join(f"    | {line}\n" for line in text.splitlines())


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Let an English page mirror its Korean twin when the twin runs in full."""
    by_page: dict[Path, list[BlockItem]] = {}
    for item in items:
        if isinstance(item, BlockItem):
            by_page.setdefault(item.block.page.resolve(), []).append(item)
    for page, page_items in by_page.items():
        if page_language(page) != "en":
            continue
        twin = twin_page(page)
        twin_items = by_page.get(twin.resolve()) if twin else None
        if not twin_items or len(twin_items) != twin_items[0].parent.block_count:
            continue  # the Korean page does not run in full here: the English one runs itself
        for index, item in enumerate(page_items):
            if index < len(twin_items):
                item.twin = twin_items[index]
            else:
                item.orphan = True
    # mirrors after everything they mirror
    items.sort(key=lambda item: 1 if getattr(item, "twin", None) is not None or getattr(item, "orphan", False) else 0)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the session's vhost and Redis DB, or stop at once with one clear message."""
    needs_stack = any(
        isinstance(item, BlockItem) and item.twin is None and item.block.kind not in {"file", "tree"}
        for item in session.items
    )
    if not needs_stack or session.config.option.collectonly:
        return
    stack = Stack.from_environment()
    try:
        stack.check()
        course_session = Session(stack)
        course_session.open()
    except StackUnavailable as exc:
        pytest.exit(str(exc), returncode=3)
    session.config.stash[STATE_KEY]["session"] = course_session


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Remember each block's outcome, so its English twin can pass or fail with it."""
    report = yield
    if isinstance(item, BlockItem):
        outcomes = item.config.stash[STATE_KEY]["outcomes"]
        if report.failed or (report.when == "call" and item.nodeid not in outcomes):
            outcomes[item.nodeid] = report.outcome
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Kill whatever a block left running, then remove the session's vhost and Redis data."""
    state = session.config.stash[STATE_KEY]
    course_session = state["session"]
    if course_session is None:
        return
    stray = processes.sweep(course_session.id)
    state["stray"] = stray
    try:
        course_session.close()
    except StackUnavailable as exc:  # report, but do not hide the test results
        state["close_error"] = str(exc)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if not state or not state["counts"]:
        return
    per_language: dict[tuple[str, str], int] = {}
    for (page, mode), n in state["counts"].items():
        lang = page_language(ROOT / page) or "?"
        per_language[(lang, mode)] = per_language.get((lang, mode), 0) + n
    terminalreporter.write_sep("-", "course blocks")
    for (page, mode), n in sorted(state["counts"].items()):
        terminalreporter.write_line(f"{page}: {n} {mode}")
    parts = [f"{lang}: {n} {mode}" for (lang, mode), n in sorted(per_language.items())]
    terminalreporter.write_line("blocks passed per language: " + ", ".join(parts))
    if state.get("stray"):
        terminalreporter.write_line(f"killed {len(state['stray'])} stray process(es) at the end: {state['stray']}")
    if state.get("close_error"):
        terminalreporter.write_line(f"could not remove the session's vhost: {state['close_error']}")
