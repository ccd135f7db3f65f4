"""Compare output shown on a page with output a real run printed.

Both sides go through the same masks, so a page can show the real output of
one run (with its task ids and timestamps) and still match the next run. Each
mask replaces one kind of value that changes between runs and machines; what
is left must be equal (``exact``) or appear line by line in order (``lines``).
"""

from __future__ import annotations

import difflib
import re

# (pattern, replacement). Narrow on purpose: a mask that hides too much makes
# a test that cannot fail.
MASKS: list[tuple[re.Pattern, str]] = [
    # task ids and other UUIDs
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    # the banner's platform and start time: "Linux-6.1.0-x86_64-with-glibc2.36 2026-11-24 00:49:13"
    (re.compile(r"\b(?:Linux|Darwin|macOS|Windows)-\S+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "<platform> <time>"),
    # beat's banner: "LocalTime -> 2026-11-24 13:17:09" (when beat started)
    (re.compile(r"(LocalTime -> )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), r"\1<time>"),
    # log timestamps: "[2026-11-24 00:49:13,275: INFO/MainProcess]"
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"), "<time>"),
    # machine-made ISO times carry fractions ("2026-11-24T00:49:33.275013+00:00");
    # times a person typed ("2030-01-01T09:00:00+09:00") stay exact
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:[+-]\d\d:\d\d|Z)?"), "<time>"),
    # object addresses: "tutorial:0x7f97aa76c290"
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "0x<addr>"),
    # node names: "celery@vm", "w1@my-laptop.local"; not the user in a URL ("guest:guest@localhost")
    # nor an e-mail address at a documentation domain ("minji@example.com", RFC 2606)
    (re.compile(r"(?<![\w.:/-])([\w-]+)@(?!example\.(?:com|org|net)\b)[\w.-]*[\w-]"), r"\1@<host>"),
    # a client's anonymous node name, after the node mask (celery.utils.nodenames.anon_nodename):
    # "gen25483@<host>", the pid of the process that sent the task
    (re.compile(r"\bgen\d+@"), "gen<pid>@"),
    # celery events --dump: "celery@vm [2026-11-24 13:04:40.811284+00:00] task received: ..."
    (re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\+00:00\]"), "[<time>]"),
    # tornado's log prefix (Flower): "[I 261124 13:09:10 command:177] Visit me at ..."; the level
    # and the module:line stay
    (re.compile(r"^\[([DIWEC]) \d{6} \d\d:\d\d:\d\d (\w+:\d+)\]"), r"[\1 <time> \2]"),
    # run times: "succeeded in 0.000499843001307454s", "in 1.2e-05s" (always a fraction: a float;
    # "Retry in 10s" is a countdown a page teaches, and stays exact)
    (re.compile(r"\bin \d+\.\d+(?:e-?\d+)?s\b"), "in <secs>s"),
    # pool process names and counts depend on the machine
    (re.compile(r"\bForkPoolWorker-\d+\b"), "ForkPoolWorker-<n>"),
    (re.compile(r"(concurrency: )\d+"), r"\1<n>"),
    # process ids
    (re.compile(r"\b(pid[=: ]+)\d+", re.IGNORECASE), r"\1<pid>"),
    # billiard's job counter in WorkerLostError ("... (SIGKILL) Job: 2."): how many tasks the
    # worker's pool took before, which depends on what the reader sent since starting it
    (re.compile(r"\b(Job: )\d+"), r"\1<n>"),
]


# Printed only because the test machine runs as root (CI does); a reader's
# worker, started as a normal user, does not print it, so the pages do not show it.
ROOT_ONLY = re.compile(
    r"^[^\n]*SecurityWarning: You're running the worker with superuser privileges.*?"
    r"^  _warn_or_raise_security_error\(.*?\n",
    re.MULTILINE | re.DOTALL,
)


def visible_lines(text: str) -> list[str]:
    """The lines a reader's terminal would show: the root-only warning dropped, nothing masked.

    ``mask(text)`` has the same lines, at the same indices, masked; so a line
    found in the masked text can be read back as it was printed (``--record``).
    """
    return ROOT_ONLY.sub("", text).splitlines()


def mask_line(line: str) -> str:
    for pattern, replacement in MASKS:
        line = pattern.sub(replacement, line)
    return line.rstrip()


def mask(text: str) -> list[str]:
    """Mask volatile values; return the lines with trailing blanks removed."""
    return [mask_line(line) for line in visible_lines(text)]


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


class Mismatch(AssertionError):
    """Shown and real output differ; the message says how."""


def compare_exact(shown: str, real: str, any_order: bool = False) -> None:
    """Every line must match after masking (blank lines at either end aside).

    ``any_order``: the same lines, in any order (the lines of several
    processes, whose order a machine's load decides).
    """
    want, got = _trim(mask(shown)), _trim(mask(real))
    if (sorted(want) != sorted(got)) if any_order else (want != got):
        diff = "\n".join(
            difflib.unified_diff(want, got, "shown on the page", "printed by the run", lineterm="", n=2)
        )
        order = " (in any order)" if any_order else ""
        raise Mismatch(f"output differs{order} (masked values appear as <...>):\n{diff}")


# In match('lines') mode a line of just "..." tells the reader that lines were
# left out; it matches nothing itself (the mode allows other lines anyway).
OMITTED = "..."


def required_lines(shown: str) -> list[str]:
    """The shown lines that must appear in lines mode: not blank, not the '...' marker."""
    return [line for line in mask(shown) if line.strip() and line.strip() != OMITTED]


def _same_line(real: str, shown: str) -> bool:
    """Equal; or, for a shown line that ends in " ...", the real line begins with the text before it.

    A long line cut short on the page: RabbitMQ cuts its error texts at 255 bytes, so a longer
    vhost or host name cuts them elsewhere, and a reader's line is longer or shorter than ours.
    """
    real, shown = real.strip(), shown.strip()
    if shown.endswith(" " + OMITTED):
        return real.startswith(shown[: -len(OMITTED)])
    return real == shown


def find_lines_in_order(shown: str, real: str, start: int = 0) -> tuple[int, int]:
    """Match shown lines, in order, against real lines from index ``start``.

    Returns (number of shown lines matched, index after the last matched real
    line). Blank shown lines and '...' markers are not required.
    """
    want = required_lines(shown)
    got = mask(real)
    position = start
    for count, line in enumerate(want):
        for index in range(position, len(got)):
            if _same_line(got[index], line):
                position = index + 1
                break
        else:
            return count, position
    return len(want), position


def compare_lines(shown: str, real: str, start: int = 0) -> int:
    """Raise Mismatch unless every shown line appears in order; return the end index."""
    want = required_lines(shown)
    matched, end = find_lines_in_order(shown, real, start)
    if matched < len(want):
        got = mask(real)[start:]
        tail = "\n".join(f"    {line}" for line in got[-40:]) or "    (nothing)"
        shown_part = "\n".join(
            f"  {'ok ' if i < matched else ('-> ' if i == matched else '   ')}{line}" for i, line in enumerate(want)
        )
        raise Mismatch(
            f"line {matched + 1} of the shown output never appeared (after the lines marked ok):\n"
            f"{shown_part}\n  real output{' (last 40 lines)' if len(got) > 40 else ''}:\n{tail}"
        )
    return end


def prefix_ready(shown: str, real: str, start: int = 0) -> bool:
    """True once the real output (from ``start``) has as many lines as shown."""
    return len(_trim(mask(real)[start:])) >= len(_trim(mask(shown)))


def _first_printed(got: list[str], start: int) -> int:
    """Index of the first line at or after ``start`` that is not blank."""
    while start < len(got) and not got[start]:
        start += 1
    return start


def compare_prefix(shown: str, real: str, start: int = 0, any_order: bool = False) -> int:
    """The next lines of real output (from ``start``) must be exactly the shown ones.

    For a process that keeps running: what it printed so far must begin with
    the shown lines, nothing between them (with ``any_order``, in any order).
    Returns the index after them.
    """
    want = _trim(mask(shown))
    got = mask(real)
    skip = _first_printed(got, start)
    part = got[skip : skip + len(want)]
    if (sorted(part) != sorted(want)) if any_order else (part != want):
        more = got[skip + len(want) : skip + len(want) + 5]
        diff = "\n".join(
            difflib.unified_diff(want, part + more, "shown on the page", "printed by the process", lineterm="", n=2)
        )
        raise Mismatch(f"the process printed something else (masked values appear as <...>):\n{diff}")
    return skip + len(want)


def next_printed(shown: str, real: str, start: int = 0) -> tuple[str, int]:
    """The real lines, unmasked, where ``compare_prefix`` looks for the shown ones; and the index after them.

    Blank lines before them are kept: a worker's banner starts with one.
    """
    count = len(_trim(mask(shown)))
    lines = visible_lines(real)
    end = _first_printed(mask(real), start) + count
    return "\n".join(line.rstrip() for line in lines[start:end]) + "\n", end


def merge_recorded(shown: str, real: str) -> str:
    """What --record writes: the real lines, except that a shown line equal to its real line
    after masking stays as it was, so `git diff` shows what changed, not new ids and times."""
    old, new = visible_lines(shown), [line.rstrip() for line in visible_lines(real)]
    matcher = difflib.SequenceMatcher(None, [mask_line(line) for line in old], [mask_line(line) for line in new], autojunk=False)
    merged: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        merged += old[i1:i2] if op == "equal" else new[j1:j2]
    return "\n".join(merged).rstrip("\n") + "\n"


def compare(shown: str, real: str, mode: str = "exact") -> None:
    """``mode`` is a match(...) directive's: 'exact', 'any-order' or 'lines'."""
    if mode == "lines":
        compare_lines(shown, real)
    else:
        compare_exact(shown, real, any_order=mode == "any-order")
