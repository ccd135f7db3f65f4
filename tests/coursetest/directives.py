"""Typed directives: the ``<!--pytest.mark.name(...)-->`` comments before a fence.

pytest-codeblocks defines the comment syntax; this module reads what is inside
it. Each directive has a declared signature (names, types, allowed values), so
a misspelt argument (``match("line")``), a wrong type (``timeout("60")``) or an
unknown name fails when the page is read, with ``page::line``, instead of
quietly switching a check off while the block runs. Values are Python literals,
read with ``ast.literal_eval``: nothing on a page is executed to parse it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

REQUIRED = object()


@dataclass(frozen=True)
class Param:
    name: str
    types: tuple[type, ...]
    default: Any = REQUIRED
    choices: tuple | None = None  # the only values allowed, if any
    positive: bool = False  # numbers must be > 0

    def check(self, value: Any) -> str | None:
        """A sentence saying what is wrong with ``value``, or None."""
        if value is None and self.default is None:
            return None
        # bool is an int in Python; a directive never means True by 1
        if isinstance(value, bool) or not isinstance(value, self.types):
            want = " or ".join(t.__name__ for t in self.types)
            return f"{self.name} must be {want}, not {type(value).__name__} {value!r}"
        if self.choices is not None and value not in self.choices:
            return f"{self.name} must be one of {', '.join(map(repr, self.choices))}, not {value!r}"
        if self.positive and value <= 0:
            return f"{self.name} must be greater than 0, not {value!r}"
        return None


@dataclass(frozen=True)
class Spec:
    """What a directive takes and what it means (the help text is shown by ``pytest --markers``)."""

    name: str
    params: tuple[Param, ...]
    help: str

    def usage(self) -> str:
        parts = []
        for p in self.params:
            parts.append(p.name if p.default is REQUIRED else f"{p.name}={p.default!r}")
        return f"{self.name}({', '.join(parts)})"


NUMBER = (int, float)

SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec("cwd", (Param("path", (str,)),), "run this block and the following ones in snippets/<path>"),
        Spec(
            "background",
            (Param("name", (str,)),),
            "start the command, wait until it printed the shown output, keep it running until the page ends",
        ),
        Spec(
            "log",
            (Param("name", (str,)), Param("exit", (int,), default=None)),
            "the block is what the background process `name` prints next; "
            "with exit=N it must then end with status N (after a `kill` the page shows)",
        ),
        Spec(
            "stop",
            (Param("name", (str,)), Param("again", NUMBER, default=None, positive=True)),
            "before this block, press Ctrl+C in the terminal of `name` (SIGINT to its process group) "
            "and wait until it ends; a log(name) block may then show what it printed; with again=N, "
            "press it a second time if it still runs after N s (the page must tell the reader so)",
        ),
        Spec(
            "match",
            (Param("mode", (str,), choices=("exact", "any-order", "lines")),),
            "'any-order': the same lines in any order (several processes log them); "
            "'lines': shown lines must appear in order, others may come between ('...' marks omitted lines)",
        ),
        Spec("returncode", (Param("code", (int,)),), "the block's last command must exit with this status (default 0)"),
        Spec("poll", (Param("seconds", NUMBER, positive=True),), "re-run the block until its output matches, at most `seconds`"),
        Spec("timeout", (Param("seconds", NUMBER, positive=True),), "kill the block's process group after `seconds` (default 60)"),
        Spec("tree", (Param("path", (str,)),), "the block is the file tree of snippets/<path>"),
        Spec("stack", (), "the block starts the stack; the test checks the stack it describes is up"),
    )
}

# pytest's own marks that would not run a block: this course promises that every block runs.
FORBIDDEN = {"skip", "skipif", "xfail", "usefixtures", "filterwarnings"}


class DirectiveError(ValueError):
    """A directive that cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class Directive:
    """A read directive: ``tag`` is its name (``log``), its arguments read as attributes (``.name``)."""

    tag: str
    args: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["args"][name]
        except KeyError:
            raise AttributeError(name) from None


def parse(source: str) -> Directive:
    """Read ``pytest.mark.name(args)`` into a checked Directive, or raise DirectiveError."""
    text = source.strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise DirectiveError(f"<!--{text}--> is not a directive call ({exc.msg})") from None
    call = tree if isinstance(tree, ast.Call) else None
    target = call.func if call else tree
    if not (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "mark"
        and isinstance(target.value.value, ast.Name)
        and target.value.value.id == "pytest"
    ):
        raise DirectiveError(f"<!--{text}--> is not of the form pytest.mark.name(...)")
    name = target.attr
    if name in FORBIDDEN:
        raise DirectiveError(
            f"<!--{text}--> would not run the block; this course promises that every block runs. "
            "Make the block runnable or remove it."
        )
    spec = SPECS.get(name)
    if spec is None:
        known = ", ".join(s.usage() for s in SPECS.values())
        raise DirectiveError(f"unknown directive <!--{text}-->; known: {known}")
    positional, keywords = [], {}
    try:
        for node in call.args if call else ():
            positional.append(ast.literal_eval(node))
        for keyword in call.keywords if call else ():
            if keyword.arg is None:
                raise DirectiveError(f"<!--{text}-->: write each argument out, not **")
            keywords[keyword.arg] = ast.literal_eval(keyword.value)
    except ValueError:
        raise DirectiveError(f"<!--{text}-->: arguments must be plain values (strings, numbers)") from None
    return Directive(name, _bind(spec, positional, keywords, text), text)


def _bind(spec: Spec, positional: list, keywords: dict, text: str) -> dict[str, Any]:
    usage = f"write {spec.usage()}"
    if len(positional) > len(spec.params):
        raise DirectiveError(f"<!--{text}--> takes {len(spec.params)} argument(s); {usage}")
    values = {p.name: v for p, v in zip(spec.params, positional)}
    names = {p.name for p in spec.params}
    for key, value in keywords.items():
        if key not in names:
            raise DirectiveError(f"<!--{text}--> has no argument {key!r}; {usage}")
        if key in values:
            raise DirectiveError(f"<!--{text}--> gives {key!r} twice; {usage}")
        values[key] = value
    for param in spec.params:
        if param.name not in values:
            if param.default is REQUIRED:
                raise DirectiveError(f"<!--{text}--> needs {param.name!r}; {usage}")
            values[param.name] = param.default
        problem = param.check(values[param.name])
        if problem:
            raise DirectiveError(f"<!--{text}-->: {problem}; {usage}")
    return values
