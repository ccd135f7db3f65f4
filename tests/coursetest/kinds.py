"""The one registry of block kinds: which fences they take, how they are checked.

A block's kind follows from its fence language and, for some kinds, a directive
that says what the block is (``log``, ``tree``, ``stack``, ``background``). The
registry also says which directives make sense for each kind, whether the kind
needs the stack, and whether ``--record`` may rewrite the output it includes.
Adding a kind means one entry here and its ``check_<name>`` method in
``runner.PageRun``.
"""

from __future__ import annotations

from dataclasses import dataclass

PYTHON = frozenset({"python", "py", "python3"})
FILE_FENCES = PYTHON | {"yaml", "yml", "toml", "ini", "cfg"}
SHELL_FENCES = frozenset({"bash", "sh", "shell", "zsh"})
TEXT_FENCES = frozenset({"text", "txt", "log", "output", "plain"})


@dataclass(frozen=True)
class Kind:
    name: str
    fences: frozenset[str]
    directives: frozenset[str] = frozenset()  # allowed besides cwd
    selected_by: str | None = None  # a directive that makes a block of these fences this kind
    needs_title: bool = False
    needs_stack: bool = True
    records: bool = False  # --record may rewrite the output file it includes

    @property
    def check(self) -> str:
        """The PageRun method that runs a block of this kind."""
        return f"check_{self.name}"


RUN = frozenset({"timeout", "stop"})

# Order matters: kinds chosen by a directive first, then by fence alone.
# What each kind's check does: README, "How a page is written", and its check_<name> in runner.py.
KINDS: tuple[Kind, ...] = (
    Kind("stack", frozenset({"console"}), frozenset({"stack"}), selected_by="stack", needs_stack=False),
    Kind("tree", TEXT_FENCES, frozenset({"tree"}), selected_by="tree", needs_stack=False),
    Kind("log", TEXT_FENCES, RUN | {"log", "match"}, selected_by="log", records=True),
    Kind("background", frozenset({"console"}), RUN | {"background", "match"}, selected_by="background", records=True),
    Kind("file", FILE_FENCES, needs_title=True, needs_stack=False),
    Kind("console", frozenset({"console"}), RUN | {"returncode", "poll", "match"}, records=True),
    Kind("pycon", frozenset({"pycon"}), RUN, records=True),
    Kind("script", SHELL_FENCES | PYTHON, RUN | {"returncode"}),
)
BY_NAME = {kind.name: kind for kind in KINDS}
SELECTORS = {kind.selected_by for kind in KINDS if kind.selected_by}


class KindError(ValueError):
    """A block that no kind takes; the message says what to write instead."""


def resolve(lang: str, options: dict[str, str], directives: set[str]) -> Kind:
    """The kind of a block with this fence language, header options and directives."""
    selectors = directives & SELECTORS
    if len(selectors) > 1:
        raise KindError(f"{' and '.join(sorted(selectors))} cannot both describe one block")
    for kind in KINDS:
        if kind.selected_by and kind.selected_by not in selectors:
            continue
        if lang not in kind.fences or (kind.needs_title and "title" not in options):
            if kind.selected_by:
                fences = ", ".join(f"```{f}" for f in sorted(kind.fences))
                raise KindError(f"{kind.selected_by}(...) is for {fences} blocks, not ```{lang}")
            continue
        extra = directives - kind.directives - {"cwd"}
        if extra:
            allowed = ", ".join(sorted(kind.directives | {"cwd"}))
            raise KindError(
                f"{', '.join(sorted(extra))} makes no sense for a {kind.name} block (```{lang}); it takes: {allowed}"
            )
        return kind
    raise KindError(
        f"a ```{lang} block is neither run nor compared. Give a code file a title=\"...\", "
        "show a command as ```console with '$ ', or say what the text is with "
        "<!--pytest.mark.log(...)--> or <!--pytest.mark.tree(...)-->."
    )
