"""pytest plugin: ``pytest --codeblocks`` runs every block of every course page.

pytest-codeblocks provides the ``--codeblocks`` option, the fence finder and the
``<!--pytest.mark.X-->`` comment syntax. Its own runner only knows
``python``/``sh``/``bash`` fences and runs Python inside the pytest process, so
under ``docs/`` this plugin collects the pages itself and runs blocks as the
reader would, in the step folder, against the stack. Markdown anywhere else is
left to pytest-codeblocks, which treats it as it documents.

Korean is the first language: a page in ``docs/en/`` whose Korean twin runs in
the same session does not run again; each of its blocks is compared with the
Korean block (they must be identical) and passes when that block passed.

With pytest-xdist (the default, see pyproject.toml) each worker is a session of
its own (vhost, Redis databases), and a page runs in one worker together with
its twin (``parallel.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_codeblocks.plugin import MarkdownFile as CodeblocksFile

from . import processes
from .directives import SPECS
from .pages import ROOT, Block, PageError, page_language, page_waits, read_page, relpath, twin_page
from .runner import BlockFailure, PageRun
from .stack import Session, Stack, StackUnavailable

STATE_KEY = pytest.StashKey[dict]()
DOCS = ROOT / "docs"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("course").addoption(
        "--record",
        action="store_true",
        help="rewrite each included output file whose block compares exactly with what this run printed "
        "(console output, pycon transcripts, background and log blocks); review with `git diff snippets/`",
    )


def pytest_configure(config: pytest.Config) -> None:
    for spec in SPECS.values():
        config.addinivalue_line("markers", f"{spec.usage()}: course page directive; {spec.help}")
    config.stash[STATE_KEY] = {
        "session": None,  # this process's course session, opened when a block first needs the stack
        "outcomes": {},  # nodeid -> outcome, for English twins (worker-local)
        "blocks": {},  # page -> {"run": n, "compared": n}
        "pages": {},  # page -> {"wall": s, "waits": [[what, s], ...]}
        "recorded": [],
        "notes": [],  # stray processes killed, a vhost that could not be removed
        "started": time.monotonic(),
    }
    config.pluginmanager.register(Summary(config.stash[STATE_KEY]), "course-summary")


def in_docs(path: Path) -> bool:
    return Path(path).resolve().is_relative_to(DOCS)


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """Under docs/, a course page replaces pytest-codeblocks' own collector; elsewhere it is untouched."""
    collected = yield
    if not (parent.config.getoption("codeblocks", False) and file_path.suffix == ".md" and in_docs(file_path)):
        return collected
    return [c for c in collected if not isinstance(c, CodeblocksFile)] + [PageFile.from_parent(parent, path=file_path)]


class PageFile(pytest.File):
    """One page; its blocks share a PageRun (background processes live until the page ends)."""

    def collect(self):
        try:
            blocks = read_page(self.path)
        except PageError as exc:
            raise self.CollectError(str(exc)) from exc
        self.page_run: PageRun | None = None
        self.blocks = blocks
        for index, block in enumerate(blocks):
            yield BlockItem.from_parent(self, name=f"line {block.lineno}", block=block, index=index)

    def run_block(self, block: Block) -> None:
        if self.page_run is None:
            self.page_run = PageRun(None, record=self.config.getoption("record"))
        if block.kind.needs_stack and self.page_run.session is None:
            self.page_run.session = course_session(self.config)
        self.page_run.run(block)

    def setup(self) -> None:
        self.started = time.monotonic()
        self.wall: float | None = None

    def teardown(self) -> None:
        try:
            if self.page_run is not None:
                self.page_run.close()
        finally:
            self.wall = time.monotonic() - self.started


def course_session(config: pytest.Config) -> Session:
    """This process's session: its own vhost and Redis databases, opened on first need."""
    state = config.stash[STATE_KEY]
    if state["session"] is None:
        session = Session(Stack.from_environment())
        try:
            session.open()
        except StackUnavailable as exc:
            raise BlockFailure(str(exc)) from exc
        state["session"] = session
    return state["session"]


class BlockItem(pytest.Item):
    def __init__(self, *, block: Block, index: int, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self.index = index  # its place among the page's blocks
        self.twin: BlockItem | None = None  # set when the Korean twin runs in this session
        self.orphan = False  # an English block beyond the end of its Korean twin page
        self.mode = "run"

    def runtest(self) -> None:
        if self.orphan:
            raise BlockFailure(f"has no counterpart: {relpath(twin_page(self.block.page))} has fewer blocks")
        if self.twin is not None:
            self.mode = "compared"
            self._compare_with_twin()
        else:
            self.parent.run_block(self.block)

    def _compare_with_twin(self) -> None:
        twin = self.twin.block
        if twin.signature() != self.block.signature():
            raise BlockFailure(
                f"differs from {twin.location}; both languages must show the same block "
                f"(fence header, body and directives); only prose may differ.\n"
                f"  {twin.location}: {twin.info!r} {twin.directive_sources}\n{_indent(twin.raw)}"
                f"  {self.block.location}: {self.block.info!r} {self.block.directive_sources}\n{_indent(self.block.raw)}"
            )
        outcome = self.config.stash[STATE_KEY]["outcomes"].get(self.twin.nodeid)
        if outcome != "passed":
            raise BlockFailure(f"the same block failed on {twin.location} ({outcome or 'not run'}); see that failure")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (BlockFailure, PageError, StackUnavailable)):
            included = ", ".join(f"snippets/{p}" for p in self.block.includes)
            source = f" (shows {included})" if included else ""
            return f"{self.block.location}{source}: {excinfo.value}\n\nThe block as the reader sees it:\n```{self.block.info}\n{self.block.text}```"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.block.lineno - 1, f"{self.block.kind.name} block"


def _indent(text: str) -> str:
    return "".join(f"    | {line}\n" for line in text.splitlines())


def pair_twins(items: list) -> None:
    """Let an English page mirror its Korean twin when the twin runs in full in this session.

    Blocks pair by their place on the page, so a deselected English block
    shifts nothing. Then the mirrors go after everything they mirror.
    """
    by_page: dict[Path, dict[int, BlockItem]] = {}
    for item in items:
        if isinstance(item, BlockItem):
            by_page.setdefault(item.block.page.resolve(), {})[item.index] = item
    for page, page_items in by_page.items():
        if page_language(page) != "en":
            continue
        twin = twin_page(page)
        twin_items = by_page.get(twin.resolve()) if twin else None
        if not twin_items or len(twin_items) != len(next(iter(twin_items.values())).parent.blocks):
            continue  # the Korean page does not run in full here: the English one runs itself
        for index, item in page_items.items():
            if index in twin_items:
                item.twin = twin_items[index]
            else:
                item.orphan = True
    items.sort(key=lambda item: 1 if getattr(item, "twin", None) is not None or getattr(item, "orphan", False) else 0)


def needs_stack(blocks: list[Block]) -> bool:
    return any(block.kind.needs_stack for block in blocks)


def check_stack_or_exit(blocks: list[Block]) -> None:
    """Stop at once, with one clear message, when blocks need a stack that does not answer."""
    if not needs_stack(blocks):
        return
    try:
        Stack.from_environment().check()
    except StackUnavailable as exc:
        pytest.exit(str(exc), returncode=3)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Pair twins over the final list of items, then check the stack (not in an xdist worker).

    Here, not in pytest_collection_modifyitems: -k, --deselect, --lf and --ff
    have all had their say; and before xdist's own hook sends this worker's
    list to the controller, so every worker sends the same order.
    """
    pair_twins(session.items)
    if hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return  # an xdist worker: the controller checks the stack (pytest_xdist_node_collection_finished)
    check_stack_or_exit([item.block for item in session.items if isinstance(item, BlockItem) and item.twin is None])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    """The xdist controller collects nothing itself; the first worker's list tells it whether to check the stack."""
    state = node.config.stash[STATE_KEY]
    if state.get("stack_checked"):
        return
    state["stack_checked"] = True
    blocks = []
    for page, lines in _lines_by_page(ids).items():
        try:
            blocks += [b for b in read_page(ROOT / page) if b.lineno in lines]
        except PageError:
            continue  # the worker reports it as a collection error
    check_stack_or_exit(blocks)


def _lines_by_page(ids: list[str]) -> dict[str, set[int]]:
    pages: dict[str, set[int]] = {}
    for nodeid in ids:
        path, _, name = nodeid.partition("::")
        if path.endswith(".md") and name.startswith("line ") and in_docs(ROOT / path):
            # "@group" is what xdist appends to a node id under --dist loadgroup
            pages.setdefault(path, set()).add(int(name.removeprefix("line ").split("@")[0]))
    return pages


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    from .parallel import PageScheduling

    return PageScheduling(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Remember each block's outcome (for its English twin) and send what the summary needs.

    The summary is printed where the reports arrive (the xdist controller), so
    counts, page times and recorded files travel in ``user_properties``.
    """
    report = yield
    if isinstance(item, BlockItem):
        state = item.config.stash[STATE_KEY]
        if report.failed or (report.when == "call" and item.nodeid not in state["outcomes"]):
            state["outcomes"][item.nodeid] = report.outcome
        page = item.parent
        if report.when == "call" and report.passed:
            report.user_properties.append(("course-block", {"page": relpath(page.path), "mode": item.mode}))
        if report.when == "teardown" and getattr(page, "wall", None) is not None and not getattr(page, "reported", False):
            page.reported = True
            recorded = page.page_run.recorded if page.page_run else []
            waits = page_waits(page.blocks) if page.page_run else []
            report.user_properties.append(
                ("course-page", {"page": relpath(page.path), "wall": page.wall, "waits": waits, "recorded": recorded})
            )
    return report


class Summary:
    """Collects, from the reports, what the summary prints: registered as a plugin so it has the config."""

    def __init__(self, state: dict):
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == "course-block":
                counts = self.state["blocks"].setdefault(value["page"], {})
                counts[value["mode"]] = counts.get(value["mode"], 0) + 1
            elif key == "course-page":
                self.state["pages"][value["page"]] = value
                self.state["recorded"] += value["recorded"]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Kill whatever a block left running, then remove the session's vhost and Redis data."""
    state = session.config.stash[STATE_KEY]
    course = state["session"]
    if course is None:
        return
    stray = processes.sweep(course.id)
    if stray:
        state["notes"].append(f"killed {len(stray)} stray process(es) at the end: {stray}")
    try:
        course.close()
    except StackUnavailable as exc:  # report, but do not hide the test results
        state["notes"].append(f"could not remove the session's vhost: {exc}")
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["course-notes"] = state["notes"]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """An xdist worker ended: keep what it has to say for the summary."""
    notes = getattr(node, "workeroutput", {}).get("course-notes", [])
    node.config.stash[STATE_KEY]["notes"] += [f"[{node.gateway.id}] {note}" for note in notes]


def _list_waits(waits: list) -> str:
    return ", ".join(f"{what} {s:g} s" for what, s in waits)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if not state or not (state["blocks"] or state["pages"]):
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", "course pages")
    per_language: dict[tuple[str, str], int] = {}
    wall_total = waits_total = 0.0
    for page in sorted(set(state["blocks"]) | set(state["pages"])):
        counts = state["blocks"].get(page, {})
        info = state["pages"].get(page, {})
        lang = page_language(ROOT / page) or "?"
        for mode, n in counts.items():
            per_language[(lang, mode)] = per_language.get((lang, mode), 0) + n
        wall = info.get("wall", 0.0)
        # A wait longer than the whole page (an ETA in 2030, `--countdown 3600` shown only to read
        # the message it makes) cannot have been waited for: listed apart, not summed.
        waits = [(what, s) for what, s in info.get("waits", []) if s <= wall]
        never = [(what, s) for what, s in info.get("waits", []) if s > wall]
        waited = sum(s for _, s in waits)
        wall_total += wall
        waits_total += waited
        blocks = ", ".join(f"{n} {mode}" for mode, n in sorted(counts.items())) or "0 passed"
        line = f"{page}: {blocks}; {wall:.1f} s"
        if waits:
            line += f"; waits shown {waited:g} s ({_list_waits(waits)})"
        if never:
            line += f"; longer than the page, so not waited for: {_list_waits(never)}"
        write(line)
    parts = [f"{lang}: {n} {mode}" for (lang, mode), n in sorted(per_language.items())]
    write("blocks passed per language: " + ", ".join(parts))
    elapsed = time.monotonic() - state["started"]
    write(
        f"pages: {wall_total:.1f} s of page time (summed over pages), of which waits the pages show "
        f"{waits_total:g} s; whole run {elapsed:.1f} s"
    )
    if config.getoption("record"):
        if state["recorded"]:
            write(f"--record rewrote {len(state['recorded'])} file(s); review with `git diff snippets/`:")
            for path in sorted(state["recorded"]):
                write(f"  {path}")
        else:
            write("--record: every recorded output already matched; no file changed")
    for note in state["notes"]:
        write(note)
