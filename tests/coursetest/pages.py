"""Read a course page into the blocks that the test run executes.

A page is Markdown with fenced code blocks. pytest-codeblocks finds the fences
and the ``<!--pytest.mark.X-->`` comments that precede them; pymdownx itself
parses the fence header (``py title="src/run.py" linenums="1"``) and expands
the ``--8<--`` includes, with the settings that ``mkdocs.yml`` gives it, so the
test sees exactly the text the reader sees.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import markdown
from pymdownx.snippets import SnippetMissingError
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS
from pytest_codeblocks.main import extract_from_buffer

from .directives import Directive, DirectiveError
from .directives import parse as parse_directive
from .kinds import FILE_FENCES, Kind, KindError
from .kinds import resolve as resolve_kind

ROOT = Path(__file__).resolve().parents[2]
MKDOCS_YML = ROOT / "mkdocs.yml"


class PageError(Exception):
    """A page cannot be turned into tests (bad directive, missing snippet...)."""


@dataclass
class Block:
    """One fenced block of a page, expanded, with its checked directives and its kind."""

    page: Path
    lineno: int  # 1-based line of the opening fence
    info: str  # the fence header as written, e.g. 'py title="src/run.py"'
    lang: str
    options: dict[str, str]
    raw: str  # body as written in the page (with --8<-- lines)
    text: str  # body as the reader sees it (includes expanded)
    includes: list[str]  # snippet paths named by --8<-- lines
    directives: dict[str, Directive] = field(default_factory=dict)
    kind: Kind | None = None
    cwd: str | None = None  # snippets-relative working directory

    @property
    def location(self) -> str:
        return f"{relpath(self.page)}::line {self.lineno}"

    def directive(self, name: str) -> Directive | None:
        return self.directives.get(name)

    @property
    def directive_sources(self) -> list[str]:
        return [d.source for d in self.directives.values()]

    def signature(self) -> tuple:
        """What must be identical between the Korean and the English page."""
        return (self.info, self.raw, tuple(self.directive_sources))


def relpath(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@lru_cache(maxsize=None)
def snippet_config() -> tuple[tuple[str, ...], dict]:
    """The pymdownx.snippets settings from mkdocs.yml, with base paths made absolute.

    mkdocs' own loader reads the file, so tags such as ``!!python/name`` work
    and there is one source of truth for how includes resolve.
    """
    from mkdocs.utils.yaml import yaml_load

    with open(MKDOCS_YML, encoding="utf-8") as handle:
        config = yaml_load(handle)
    for entry in config.get("markdown_extensions", []):
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            settings = dict(entry["pymdownx.snippets"] or {})
            break
    else:
        raise PageError("mkdocs.yml does not enable pymdownx.snippets")
    bases = settings.get("base_path", ["."])
    if isinstance(bases, str):
        bases = [bases]
    settings["base_path"] = [str((ROOT / b).resolve()) for b in bases]
    return tuple(settings["base_path"]), settings


def snippet_root() -> Path:
    """The first snippet base path: where cwd(...) and tree(...) paths point."""
    return Path(snippet_config()[0][0])


@lru_cache(maxsize=None)
def _snippets():
    """pymdownx's own snippet preprocessor, configured as mkdocs configures it."""
    _, settings = snippet_config()
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings})
    return md.preprocessors["snippet"]


def expand(lines: list[str]) -> list[str]:
    """Expand --8<-- lines exactly as the site build does."""
    return _snippets().run(list(lines))


def included_paths(lines: list[str]) -> list[str]:
    """The snippet files named by --8<-- lines (without a :section or :lines selector)."""
    preprocessor = _snippets()
    paths = []
    for line in lines:
        m = preprocessor.RE_ALL_SNIPPETS.match(line)
        if m and m.group("snippet"):
            target = preprocessor.parse_snippet_target(m.group("snippet")[1:-1].strip())
            if target:
                paths.append(target["path"])
    return paths


def resolve_include(path: str) -> Path:
    """The file an include names, looked up in the base paths in order, as pymdownx does."""
    for base in snippet_config()[0]:
        candidate = Path(base) / path
        if candidate.is_file():
            return candidate
    raise PageError(f"{path} is in none of the snippet base paths")


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """Split a fence header into a language and options, as superfences does."""
    m = RE_NESTED_FENCE_START.match("```" + info)
    if not m:
        raise PageError(f"cannot read fence header {info!r}")
    lang = (m.group("lang") or "").lower()
    options: dict[str, str] = {}
    rest = m.group("attrs") or m.group("options") or ""
    # {.python .other title="x"}: classes are not options
    rest = " ".join(word for word in rest.split(" ") if not word.startswith("."))
    for opt in RE_OPTIONS.finditer(rest):
        key = opt.group("key")
        options[key] = opt.group("value") or ""
    if m.group("attrs"):
        # {.python title="x"}: the first class is the language
        for word in m.group("attrs").split():
            if word.startswith(".") and not lang:
                lang = word[1:].lower()
    return lang, options


# pytest-codeblocks' own comment keywords (skipfile, skip, cont, expected-output...)
# would drop, merge or swallow blocks; the course refuses all of them.
CODEBLOCKS_KEYWORD = re.compile(r"<!--[-\s]*pytest-codeblocks:")
# A directive comment, as pytest-codeblocks recognises it.
DIRECTIVE_COMMENT = re.compile(r"<!--[-\s]*pytest\.mark\.")


def _refuse_codeblocks_keywords(path: Path, lines: list[str]) -> None:
    for number, line in enumerate(lines, 1):
        if CODEBLOCKS_KEYWORD.match(line.strip()):
            raise PageError(
                f"{relpath(path)}::line {number}: {line.strip()} is pytest-codeblocks' own keyword; "
                "on a course page it would skip, merge or swallow blocks. Every block runs: remove it, "
                "and show expected output in the block itself (see the README, 'How a page is written')."
            )


def _read_directives(sources: list[str], path: Path, lines: list[int]) -> dict[str, Directive]:
    """Parse a block's directives; an error names the line of the directive itself."""
    directives: dict[str, Directive] = {}
    for source, number in zip(sources, lines):
        where = f"{relpath(path)}::line {number}"
        try:
            directive = parse_directive(source)
        except DirectiveError as exc:
            raise PageError(f"{where}: {exc}") from None
        if directive.tag in directives:
            raise PageError(f"{where}: {directive.tag}(...) is given twice for one block")
        directives[directive.tag] = directive
    return directives


# Options that point a command at another broker or backend than the session's.
OWN_ENDPOINT = re.compile(r"(?:^|\s)(-b|--broker|--result-backend)(?:[\s=]|$)")


def _unchecked(kind: Kind, lang: str, directives: dict[str, Directive], text: str, raw_lines: list[str]) -> str | None:
    """Why a block would run without being checked, or outside the session's corner of the stack; else None."""
    printed = [line for line in text.splitlines() if line.strip()]
    if kind.name == "log" and not printed:
        return "an empty log block checks nothing; show the lines the process prints"
    if kind.name == "background" and len(printed) < 2:
        return "a background block must show what the command prints (at least the line that says it is ready)"
    if kind.name in {"console", "background"}:
        for line in text.splitlines():
            m = OWN_ENDPOINT.search(line) if line.startswith("$ ") else None
            if m:
                return (
                    f"{m.group(1)} on a command would take it out of the test session's vhost and databases "
                    "(and into a reader's); name the broker and backend in the step's code instead"
                )
    if kind.name == "script" and lang in FILE_FENCES and any(line.lstrip().startswith("--8<--") for line in raw_lines):
        return 'a code file needs title="..." naming it (without one, the block would run as a script)'
    if kind.name == "tree" and not (snippet_root() / directives["tree"].path).is_dir():
        return f"tree({directives['tree'].path!r}) is not a folder under {relpath(snippet_root())}/"
    return None


def read_page(path: Path) -> list[Block]:
    """Parse a page into expanded blocks with their directives and kinds resolved.

    Everything a page can get wrong is found here, before anything runs: a
    pytest-codeblocks keyword, a directive that is unknown, misspelt, mistyped
    or meaningless for its fence, a directive that precedes no block, a
    missing include, a cwd that is not a folder, a block nobody would test.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    _refuse_codeblocks_keywords(path, lines)
    try:
        found = extract_from_buffer(io.StringIO(text))
    except RuntimeError as exc:  # e.g. "Hit end-of-file prematurely": a fence is never closed
        raise PageError(f"{relpath(path)}: {exc} (is every ``` fence closed?)") from exc
    inside = {n for b in found for n in range(b.lineno, b.lineno + b.code.count("\n") + 2)}
    directive_lines = [
        n for n, line in enumerate(lines, 1) if n not in inside and DIRECTIVE_COMMENT.match(line.strip())
    ]
    for number in directive_lines:
        where = f"{relpath(path)}::line {number}"
        if not lines[number - 1].strip().endswith("-->"):
            raise PageError(f"{where}: write a directive on one line, <!--pytest.mark.name(...)-->")
        following = next(
            (line.strip() for line in lines[number:] if line.strip() and not DIRECTIVE_COMMENT.match(line.strip())), ""
        )
        if not following:
            raise PageError(f"{where}: this directive precedes no code block")
        if not following.startswith("```"):
            raise PageError(f"{where}: a directive goes right before the fence it is for (only blank lines and "
                            f"other directives between), not before {following[:40]!r}")
    blocks = []
    cwd = None
    next_directive = 0  # directive comments attach, in order, to the next fence
    for found_block in found:
        where = f"{relpath(path)}::line {found_block.lineno}"
        info = (found_block.syntax or "").strip()
        lang, options = parse_info(info)
        raw_lines = found_block.code.splitlines()
        try:
            expanded = expand(raw_lines)
        except SnippetMissingError as exc:
            raise PageError(
                f"{where}: {exc}. Include paths are relative to "
                f"{' or '.join(relpath(Path(b)) + '/' for b in snippet_config()[0])} (base_path in mkdocs.yml); "
                "check the path in the --8<-- line."
            ) from exc
        count = len(found_block.marks)
        directives = _read_directives(found_block.marks, path, directive_lines[next_directive : next_directive + count])
        next_directive += count
        try:
            kind = resolve_kind(lang, options, set(directives))
        except KindError as exc:
            raise PageError(f"{where}: {exc}") from None
        if "cwd" in directives:
            cwd = directives["cwd"].path
            if not (snippet_root() / cwd).is_dir():
                raise PageError(f"{where}: cwd({cwd!r}) is not a folder under {relpath(snippet_root())}/")
        text = "\n".join(expanded).rstrip("\n") + "\n" if any(expanded) else ""
        problem = _unchecked(kind, lang, directives, text, raw_lines)
        if problem:
            raise PageError(f"{where}: {problem}")
        blocks.append(
            Block(
                page=path,
                lineno=found_block.lineno,
                info=info,
                lang=lang,
                options=options,
                raw=found_block.code,
                # pymdownx keeps a file's final newline as an empty line; the reader sees none
                text=text,
                includes=included_paths(raw_lines),
                directives=directives,
                kind=kind,
                cwd=cwd,
            )
        )
    return blocks


def twin_page(path: Path) -> Path | None:
    """The same page in the other language (docs/ko/x.md <-> docs/en/x.md)."""
    path = Path(path).resolve()
    docs = ROOT / "docs"
    try:
        lang, *rest = path.relative_to(docs).parts
    except ValueError:
        return None
    other = {"ko": "en", "en": "ko"}.get(lang)
    if other is None:
        return None
    twin = docs.joinpath(other, *rest)
    return twin if twin.exists() else None


def page_language(path: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(ROOT / "docs").parts[0]
    except (ValueError, IndexError):
        return None


def all_pages() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md"))


# Waits a page shows a reader: a countdown, an ETA a few seconds ahead, a sleep
# in a command or in the code it runs, a timeout that the page shows expiring.
# The summary adds them up per page, beside the page's wall time, so what the
# lessons need can be told from overhead.
#
# A code file counts its sleeps only (how long its tasks take when they run): a
# countdown written in task code is waited for where a worker runs it, and there
# the page shows it, as the worker's "Retry in Ns" or the call that sends it.
CODE_WAITS = {"sleep"}
# In eager mode (task_always_eager) a countdown or an ETA is not waited for at all:
# apply() runs the task at once, so a transcript counts none after it is switched on.
EAGER_ON = re.compile(r"\btask_always_eager\s*=\s*True\b")
NOT_WAITED_EAGERLY = {"countdown", "eta"}
WAITS = [
    ("countdown", re.compile(r"--countdown[ =](\d+(?:\.\d+)?)|\bcountdown=(\d+(?:\.\d+)?)")),
    ("eta", re.compile(r"\btimedelta\(seconds=(\d+(?:\.\d+)?)\)")),
    ("sleep", re.compile(r"\bsleep\(?\s*(\d+(?:\.\d+)?)")),
    # a worker's log line for a retry it scheduled: "retry: Retry in 2s"
    ("retry", re.compile(r"\bRetry in (\d+(?:\.\d+)?)s\b")),
]
EXPIRED_TIMEOUT = re.compile(r"\btimeout=(\d+(?:\.\d+)?)")
# What a statement that failed prints: a traceback, or an exception caught and shown.
FAILED = re.compile(r"Traceback \(|[\w.]*(Error|Exception)[(:]")


def shown_waits(block: Block) -> list[tuple[str, float]]:
    """(what, seconds) for each wait written in a block the page runs or shows as code.

    In a transcript, a statement counts by what it printed before the next prompt: one
    that failed (a traceback, or an exception it caught and printed) waited for nothing,
    except that a ``timeout=N`` counts exactly when the page shows it expiring
    (``TimeoutError``); a result that arrives in time does not wait for it. A code file
    counts its sleeps only, and a transcript no countdown or ETA once eager mode is on
    (see ``CODE_WAITS`` and ``EAGER_ON``).
    """
    found, eager = [], False
    kinds = CODE_WAITS if block.kind.name == "file" else {what for what, _ in WAITS}
    lines = block.text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("... "):
            continue  # counted with its statement
        statement, output = [line], []
        if line.startswith((">>> ", "$ ")):
            for after in lines[i + 1 :]:
                if after.startswith((">>> ", "$ ")):
                    break
                (statement if after.startswith("... ") else output).append(after)
        text = "\n".join(statement)
        eager = eager or bool(EAGER_ON.search(text))
        expired = any("TimeoutError" in out for out in output)
        if expired:
            found.extend(("timeout", float(s)) for s in EXPIRED_TIMEOUT.findall(text))
        elif any(FAILED.match(out) for out in output):
            continue
        for what, pattern in WAITS:
            if what not in kinds or (eager and what in NOT_WAITED_EAGERLY):
                continue
            for m in pattern.finditer(text):
                found.append((what, float(next(g for g in m.groups() if g))))
    return found


# A Markdown image, ![alt](src): what test_screenshots.py and test_diagrams.py read off a page.
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def images_on(page: Path) -> list[tuple[str, str, Path]]:
    """(alt text, src as written, the file it resolves to) of each image a page shows, in order."""
    return [(alt, src, (page.parent / src).resolve()) for alt, src in IMAGE.findall(page.read_text(encoding="utf-8"))]


def page_waits(blocks: list[Block]) -> list[tuple[str, float]]:
    """The waits a page shows, each text counted once: a file shown again (folded, or the same file
    copied into the next step folder) adds nothing."""
    seen, waits = set(), []
    for block in blocks:
        if block.text in seen:
            continue
        seen.add(block.text)
        waits.extend(shown_waits(block))
    return waits
