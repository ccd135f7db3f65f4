"""Read a course page into the blocks that the test run executes.

A page is Markdown with fenced code blocks. pytest-codeblocks finds the fences
and the ``<!--pytest.mark.X-->`` comments that precede them; pymdownx itself
parses the fence header (``py title="src/run.py" linenums="1"``) and expands
the ``--8<--`` includes, with the settings that ``mkdocs.yml`` gives it, so the
test sees exactly the text the reader sees.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import markdown
import pytest
from pymdownx.snippets import SnippetMissingError
from pymdownx.superfences import RE_NESTED_FENCE_START, RE_OPTIONS
from pytest_codeblocks.main import extract_from_buffer

ROOT = Path(__file__).resolve().parents[2]
MKDOCS_YML = ROOT / "mkdocs.yml"

# Fence languages and what the runner does with them.
FILE_LANGS = {"python", "py", "python3", "yaml", "yml", "toml", "ini", "cfg"}
SESSION_LANGS = {"pycon"}
CONSOLE_LANGS = {"console"}
SCRIPT_LANGS = {"bash", "sh", "shell", "zsh"}
TEXT_LANGS = {"text", "txt", "log", "output", "plain"}

# Marks a page may put before a block. Anything else is refused, so a typo in
# a directive cannot silently turn a test off.
KNOWN_MARKS = {
    "cwd": "cwd(path): run this block and the following ones in snippets/<path>",
    "background": "background(name): start the command and keep it running until the page ends",
    "log": "log(name): the block is output that the background process `name` must print next",
    "stop": "stop(name): stop the background process `name` (as Ctrl+C would) before this block",
    "returncode": "returncode(n): the command must exit with status n (default 0)",
    "poll": "poll(seconds): re-run the block until its output matches, at most `seconds`",
    "timeout": "timeout(seconds): kill the block's process group after `seconds` (default 60)",
    "match": "match('lines'): shown lines must appear in order; other lines may come between",
    "tree": "tree(path): the block is the file tree of snippets/<path>",
    "stack": "stack(): the block starts the stack; the test checks the stack it describes is up",
}
FORBIDDEN_MARKS = {"skip", "skipif", "xfail"}


class PageError(Exception):
    """A page cannot be turned into tests (bad directive, missing snippet...)."""


@dataclass
class Block:
    """One fenced block of a page, expanded, with its test directives."""

    page: Path
    lineno: int  # 1-based line of the opening fence
    info: str  # the fence header as written, e.g. 'py title="src/run.py"'
    lang: str
    options: dict[str, str]
    raw: str  # body as written in the page (with --8<-- lines)
    text: str  # body as the reader sees it (includes expanded)
    includes: list[str]  # snippet paths named by --8<-- lines
    marks: list[pytest.MarkDecorator] = field(default_factory=list)
    mark_sources: list[str] = field(default_factory=list)
    cwd: str | None = None  # snippets-relative working directory

    @property
    def location(self) -> str:
        return f"{relpath(self.page)}::line {self.lineno}"

    def mark(self, name: str) -> pytest.Mark | None:
        for decorator in self.marks:
            if decorator.mark.name == name:
                return decorator.mark
        return None

    @property
    def kind(self) -> str:
        """What the runner does: file, session, console, script, log, tree, stack."""
        if self.mark("stack"):
            return "stack"
        if self.mark("tree"):
            return "tree"
        if self.mark("log"):
            return "log"
        if self.lang in CONSOLE_LANGS:
            return "console"
        if self.lang in SESSION_LANGS:
            return "session"
        if self.lang in SCRIPT_LANGS:
            return "script"
        if self.lang in FILE_LANGS and "title" in self.options:
            return "file"
        if self.lang in {"python", "py", "python3"}:
            return "script"
        raise PageError(
            f"{self.location}: a ```{self.info} block is neither run nor compared. "
            "Give a code file a title=\"...\", show a command as ```console with '$ ', "
            "or say what the text is with <!--pytest.mark.log(...)--> or <!--pytest.mark.tree(...)-->."
        )

    def signature(self) -> tuple:
        """What must be identical between the Korean and the English page."""
        return (self.info, self.raw, tuple(self.mark_sources))


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


def _eval_mark(source: str, where: str) -> pytest.MarkDecorator:
    name = source.split("(")[0].removeprefix("pytest.mark.").strip()
    if name not in KNOWN_MARKS and name not in FORBIDDEN_MARKS:
        raise PageError(f"{where}: unknown directive <!--{source}-->; known: {', '.join(sorted(KNOWN_MARKS))}")
    try:
        decorator = eval(source, {"pytest": pytest})  # the same evaluation pytest-codeblocks does
    except Exception as exc:  # noqa: BLE001 - any error in the directive is the page's fault
        raise PageError(f"{where}: cannot read <!--{source}-->: {exc}") from exc
    name = decorator.mark.name
    if name in FORBIDDEN_MARKS:
        raise PageError(
            f"{where}: <!--{source}--> would not run a block; this course promises that every block runs. "
            "Make the block runnable or remove it."
        )
    if name not in KNOWN_MARKS:
        raise PageError(f"{where}: unknown directive <!--{source}-->; known: {', '.join(sorted(KNOWN_MARKS))}")
    return decorator


def read_page(path: Path) -> list[Block]:
    """Parse a page into expanded blocks with their directives resolved."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        found = extract_from_buffer(io.StringIO(text))
    except RuntimeError as exc:
        raise PageError(f"{relpath(path)}: {exc}") from exc
    blocks = []
    cwd = None
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
        marks = [_eval_mark(source, where) for source in found_block.marks]
        block = Block(
            page=path,
            lineno=found_block.lineno,
            info=info,
            lang=lang,
            options=options,
            raw=found_block.code,
            # pymdownx keeps a file's final newline as an empty line; the reader sees none
            text="\n".join(expanded).rstrip("\n") + "\n" if any(expanded) else "",
            includes=included_paths(raw_lines),
            marks=marks,
            mark_sources=list(found_block.marks),
        )
        cwd_mark = block.mark("cwd")
        if cwd_mark:
            cwd = cwd_mark.args[0]
            if not (snippet_root() / cwd).is_dir():
                raise PageError(f"{where}: cwd({cwd!r}) is not a folder under {relpath(snippet_root())}/")
        block.cwd = cwd
        block.kind  # noqa: B018 - raises PageError for a block nobody would test
        blocks.append(block)
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
