"""Execute one page's blocks, in order, against the stack.

A ``PageRun`` holds what the blocks of one page share: the background
processes (a worker started by one block is used by the next ones) and the
test session. Each ``check_*`` method runs one kind of block and raises
``BlockFailure`` with a message that says what differed.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
import textwrap
import time
import uuid
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from . import compare, processes
from .kinds import PYTHON
from .pages import ROOT, Block, included_paths, relpath, resolve_include, snippet_root
from .stack import CodeURLs, Endpoints, Session, StepCodeError, code_urls, compose_problems

DEFAULT_TIMEOUT = 60.0

# Printed after each command of a console block, to split the output and read each status.
STATUS_MARK = "__COURSE_STATUS_"
STATUS_SPLIT = re.compile(r"\n?" + STATUS_MARK + r"(\d+)__\n")


# A poll block usually waits on the management API, whose counts lag.
POLL_HINT = (
    "\n  (If the numbers are right but late: RabbitMQ's management API lags up to ~10 s with its "
    "default statistics settings; this course's stack makes it ~1 s. Recreate the broker from "
    "docker-compose.yaml (`docker compose up -d --force-recreate rabbitmq`), or, for a broker "
    "installed without Docker, run the `rabbitmqctl eval` step of .ci/run.)"
)



# Besides CELERY_*, the `celery` command reads these (celery/bin/celery.py: BROKER_URL becomes -b and then
# overrides CELERY_BROKER_URL); a maintainer's old `export BROKER_URL=...` must not send blocks elsewhere.
CELERY_CLI_ENV = frozenset({"BROKER_URL", "RESULT_BACKEND", "APP", "CONFIG_MODULE", "LOADER", "NO_COLOR", "SKIP_CHECKS"})


def reader_environment() -> dict[str, str]:
    """This process's environment without anything that would choose a broker, backend or app for a block."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CELERY_") and k not in CELERY_CLI_ENV}


class BlockFailure(AssertionError):
    """A block did not do what its page says; the message is shown as the test failure."""


# Replays a pycon transcript in a fresh interpreter and prints it as a terminal would.
PYCON_RUNNER = textwrap.dedent(
    '''
    import code, os, sys
    sys.stderr = sys.stdout
    console = code.InteractiveConsole({"__name__": "__main__", "__doc__": None})  # as in `python`
    for line in sys.stdin.read().splitlines():
        if line.startswith(">>> ") or line == ">>>":
            prompt, typed = ">>> ", line[4:]
        elif line.startswith("... ") or line == "...":
            prompt, typed = "... ", line[4:]
        else:
            continue  # output lines of the transcript are what we produce
        print((prompt + typed).rstrip(), flush=True)
        console.push(typed)
        sys.stdout.flush()
    # leave as a reader closing the terminal would: what objects print while the
    # interpreter shuts down (e.g. a pending AsyncResult's __del__) is not part of the session
    os._exit(0)
    '''
)


def split_console(text: str) -> list[tuple[str, str]]:
    """Split a console block into (command, shown output) pairs.

    A command starts with '$ ' and continues over lines that end with a
    backslash; the lines up to the next '$ ' are its output.
    """
    pairs: list[tuple[list[str], list[str]]] = []
    continuing = False
    for line in text.splitlines():
        if continuing:
            pairs[-1][0].append(line)
            continuing = line.endswith("\\")
        elif line.startswith("$ "):
            pairs.append(([line[2:]], []))
            continuing = line.endswith("\\")
        elif pairs:
            pairs[-1][1].append(line)
        elif line.strip():
            raise BlockFailure(f"console output before the first '$ ' command: {line!r}")
    return [("\n".join(cmd), "\n".join(out)) for cmd, out in pairs]


def file_tree(folder: Path) -> str:
    """Draw a folder as `tree` would, folders first, without caches."""
    lines = [folder.name + "/"]

    def walk(path: Path, prefix: str) -> None:
        entries = sorted(
            (p for p in path.iterdir() if p.name not in {"__pycache__", ".pytest_cache"}),
            key=lambda p: (not p.is_dir(), p.name),
        )
        for index, entry in enumerate(entries):
            last = index == len(entries) - 1
            lines.append(f"{prefix}{'└── ' if last else '├── '}{entry.name}{'/' if entry.is_dir() else ''}")
            if entry.is_dir():
                walk(entry, prefix + ("    " if last else "│   "))

    walk(folder, "")
    return "\n".join(lines) + "\n"


def include_target(lines: list[str]) -> str | None:
    """The snippet file that supplies these lines, if they are exactly one whole-file include."""
    lines = [line for line in lines if line.strip()]
    paths = included_paths(lines)
    if len(lines) == 1 and len(paths) == 1 and lines[0].strip().endswith(f'"{paths[0]}"'):
        return paths[0]
    return None


def console_targets(block: Block) -> list[str | None]:
    """For each command of a console block, the output file --record may rewrite (or None).

    A command's output can be recorded when, as written in the page, it is one
    ``--8<--`` line including a whole file.
    """
    commands = len(split_console(block.text))
    try:
        raw = [out.splitlines() for _, out in split_console(block.raw)]
    except BlockFailure:
        raw = []  # the page includes the commands too
    if len(raw) != commands:
        return [None] * commands  # an included file holds commands itself
    return [include_target(out) for out in raw]


class PageRun:
    """The blocks of one page, run in order; what they start lives until ``close``."""

    def __init__(self, session: Session | None, record: bool = False):
        self.session = session
        self.record = record
        self.recorded: list[str] = []  # output files this page rewrote (--record)
        self.background: dict[str, processes.Background] = {}
        self._folders: dict[Path, set[Path]] = {}  # step folder -> its files before the page
        self._endpoints: dict[str | None, Endpoints] = {}  # cwd -> where its commands go
        self.id = uuid.uuid4().hex[:10]  # marks every process of this page (processes.PAGE_VAR)

    # --- environment -------------------------------------------------------------------
    def workdir(self, block: Block) -> Path:
        folder = snippet_root() / block.cwd if block.cwd else ROOT
        if block.cwd and folder not in self._folders:
            self._folders[folder] = _files(folder)
        return folder

    def endpoints(self, block: Block) -> Endpoints | None:
        """Where the block's commands go (None without a session); worked out once per step folder,
        since output is mapped back with it many times a second while a block waits."""
        if self.session is None:
            return None
        if block.cwd not in self._endpoints:
            try:
                code = code_urls(self.workdir(block)) if block.cwd else CodeURLs()
            except StepCodeError as exc:
                raise BlockFailure(str(exc)) from exc
            self._endpoints[block.cwd] = self.session.endpoints(code)
        return self._endpoints[block.cwd]

    def environment(self, block: Block) -> dict[str, str]:
        env = reader_environment()
        env.update(
            PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",  # keep step folders as the pages show them
            TERM="dumb",
            NO_COLOR="1",
            COLUMNS="100",
        )
        env[processes.PAGE_VAR] = self.id
        endpoints = self.endpoints(block)
        if endpoints is not None:
            env[processes.SESSION_VAR] = self.session.id
            env.update(endpoints.env)
        return env

    def canonical(self, block: Block, output: str) -> str:
        endpoints = self.endpoints(block)
        return endpoints.canonical(output) if endpoints else output

    @staticmethod
    def timeout(block: Block) -> float:
        mark = block.directive("timeout")
        return float(mark.seconds) if mark else DEFAULT_TIMEOUT

    @staticmethod
    def mode(block: Block) -> str:
        mark = block.directive("match")
        return mark.mode if mark else "exact"

    # --- dispatch ----------------------------------------------------------------------
    def run(self, block: Block) -> None:
        stop = block.directive("stop")
        if stop:
            self.stop(stop.name, block)
        getattr(self, block.kind.check)(block)

    def _process(self, name: str, directive: str) -> processes.Background:
        proc = self.background.get(name)
        if proc is None:
            running = ", ".join(sorted(self.background)) or "none"
            raise BlockFailure(f"{directive}({name!r}): no background process of that name on this page (started: {running})")
        return proc

    def stop(self, name: str, block: Block) -> None:
        """Ctrl+C in the terminal of `name`; it must end within the block's timeout.

        ``stop(name, again=N)``: if it still runs N seconds after Ctrl+C, Ctrl+C again, as the
        page tells the reader (celery beat can miss the first one while it publishes).
        """
        proc = self._process(name, "stop")
        if not proc.alive():
            raise BlockFailure(f"stop({name!r}): it already ended (status {proc.proc.returncode})")
        again = block.directive("stop").again
        ended = proc.interrupt(again if again is not None else self.timeout(block))
        if not ended and again is not None:
            ended = proc.interrupt(self.timeout(block))
        if not ended:
            proc.kill()
            pressed = "Ctrl+C twice" if again is not None else "Ctrl+C"
            raise BlockFailure(
                f"stop({name!r}): still running {self.timeout(block):g} s after {pressed}; killed. "
                f"What it printed last:\n{_tail(self.canonical(block, proc.output))}"
            )

    def close(self) -> None:
        """End the page: kill what it started (even what left its process group), then drop
        the messages and the files it left, whatever fails on the way."""
        try:
            for proc in self.background.values():
                proc.kill()
            self.background.clear()
            processes.sweep(self.id, processes.PAGE_VAR)
            if self.session is not None:
                self.session.empty_broker()
        finally:
            for folder, before in self._folders.items():
                for path in sorted(_files(folder) - before, reverse=True):
                    path.unlink(missing_ok=True)  # pid files, schedules, state files the page's commands made

    # --- recording ---------------------------------------------------------------------
    def _record(self, block: Block, include: str | None, real: str) -> bool:
        """With --record, rewrite `include` with the real output; say whether it did."""
        if not (self.record and include and block.kind.records):
            return False
        path = resolve_include(include)
        shown = path.read_text(encoding="utf-8")
        text = compare.merge_recorded(shown, real)
        if shown != text:
            path.write_text(text, encoding="utf-8")
            self.recorded.append(relpath(path))
        return True

    # --- kinds -------------------------------------------------------------------------
    def check_file(self, block: Block) -> None:
        """A code file: it must be the file on disk, named as its title says, and parse."""
        title = block.options["title"]
        if not block.includes:
            raise BlockFailure(
                f"the file block '{title}' has no --8<-- include; "
                "code must live in snippets/ so the tests run the very file the page shows"
            )
        if len(block.includes) == 1 and not block.includes[0].endswith(title):
            raise BlockFailure(f"title {title!r} does not name the included file {block.includes[0]!r}")
        if block.lang in PYTHON:
            try:
                compile(block.text, title, "exec")
            except SyntaxError as exc:
                raise BlockFailure(f"{title} does not compile: {exc}") from exc
        elif block.lang in {"yaml", "yml"}:
            try:
                yaml.safe_load(block.text)
            except yaml.YAMLError as exc:
                raise BlockFailure(f"{title} is not valid YAML: {exc}") from exc
        elif block.lang == "toml":
            try:
                tomllib.loads(block.text)
            except tomllib.TOMLDecodeError as exc:
                raise BlockFailure(f"{title} is not valid TOML: {exc}") from exc
        elif block.lang in {"ini", "cfg"}:
            try:
                configparser.ConfigParser().read_string(block.text, title)
            except configparser.Error as exc:
                raise BlockFailure(f"{title} is not a valid {block.lang} file: {exc}") from exc

    def check_tree(self, block: Block) -> None:
        folder = snippet_root() / block.directive("tree").path
        try:
            compare.compare_exact(block.text, file_tree(folder))
        except compare.Mismatch as exc:
            raise BlockFailure(f"the tree differs from {relpath(folder)}/: {exc}") from exc

    def check_script(self, block: Block) -> None:
        if block.lang in PYTHON:
            command = f"python - <<'COURSE_EOF'\n{block.text}COURSE_EOF"
        else:
            command = f"set -e\n{block.text}"  # a script fails at its first failing command
        self._expect(block, [(command, None)], [None])

    def check_pycon(self, block: Block) -> None:
        result = processes.run(
            f"python -c {_shell_quote(PYCON_RUNNER)}",
            self.workdir(block),
            self.environment(block),
            self.timeout(block),
            stdin=block.text,
        )
        output = self.canonical(block, result.output)
        if result.timed_out:
            raise BlockFailure(f"the Python transcript did not finish within {self.timeout(block):g} s:\n{output}")
        try:
            compare.compare_exact(block.text, output)
        except compare.Mismatch as exc:
            if not self._record(block, include_target(block.raw.splitlines()), output):
                raise BlockFailure(f"the Python transcript printed something else: {exc}") from exc

    def check_console(self, block: Block) -> None:
        pairs = split_console(block.text)
        if not pairs:
            raise BlockFailure("a console block needs at least one '$ ' command")
        self._expect(block, pairs, console_targets(block))

    def check_background(self, block: Block) -> None:
        pairs = split_console(block.text)
        if len(pairs) != 1:
            raise BlockFailure("a background block holds exactly one '$ ' command")
        (command, shown), [target] = pairs[0], console_targets(block)
        name = block.directive("background").name
        if name in self.background:
            self.background.pop(name).kill()
        proc = processes.Background(name, command, self.workdir(block), self.environment(block))
        self.background[name] = proc
        self._wait_for_lines(proc, block, shown, f"$ {command} (in the background)", target)

    def check_log(self, block: Block) -> None:
        log = block.directive("log")
        proc = self._process(log.name, "log")
        target = include_target(block.raw.splitlines())
        self._wait_for_lines(proc, block, block.text, f"the log of {log.name!r}", target)
        if log.exit is not None:
            if not proc.wait_exit(self.timeout(block)):
                raise BlockFailure(f"log({log.name!r}, exit={log.exit}): still running after {self.timeout(block):g} s")
            if proc.proc.returncode != log.exit:
                raise BlockFailure(
                    f"log({log.name!r}, exit={log.exit}): it ended with status {proc.proc.returncode}.\n"
                    f"What it printed last:\n{_tail(self.canonical(block, proc.output))}"
                )

    def check_stack(self, block: Block) -> None:
        """`docker compose up -d --wait` cannot run where there is no Docker engine (CI
        here); what it promises is checked instead (see stack.compose_problems)."""
        if [(c, o.strip()) for c, o in split_console(block.text)] != [("docker compose up -d --wait", "")]:
            raise BlockFailure("a stack() block must be exactly '$ docker compose up -d --wait', with no output shown")
        problems = compose_problems(ROOT / "docker-compose.yaml")
        if problems:
            raise BlockFailure("; ".join(problems))

    # --- helpers -----------------------------------------------------------------------
    def _expect(self, block: Block, pairs: list[tuple[str, str | None]], targets: list[str | None]) -> None:
        """Run commands in one shell, as a reader types them into one terminal.

        Variables and `cd` carry over from one command to the next. Each
        command must exit 0 (the last one: the status in returncode(n)) and,
        where the page shows output (not None), print it.
        """
        script = "".join(f"{command}\nprintf '\\n{STATUS_MARK}%s__\\n' \"$?\"\n" for command, _ in pairs)
        poll = block.directive("poll")
        deadline = time.monotonic() + (float(poll.seconds) if poll else 0)
        while True:
            result = processes.run(script, self.workdir(block), self.environment(block), self.timeout(block))
            final = time.monotonic() >= deadline
            failure = self._first_problem(block, pairs, result, targets if final else None)
            if failure is None:
                return
            if final:
                command, problem, output = failure
                waited = f" (re-run for {float(poll.seconds):g} s)" if poll else ""
                if poll:
                    problem += POLL_HINT
                raise BlockFailure(
                    f"$ {command}\n  in {relpath(self.workdir(block))}/{waited}: {problem}\n"
                    f"--- output ---\n{output.rstrip()}\n--------------"
                )
            time.sleep(0.5)

    def _first_problem(self, block: Block, pairs, result: processes.Result, targets) -> tuple[str, str, str] | None:
        """(command, what is wrong, its output) for the first command that fails, else None.

        With ``targets`` (the last try, under --record), an output that differs
        is written to its file instead of failing.
        """
        parts = STATUS_SPLIT.split(self.canonical(block, result.output))
        outputs, codes = parts[0::2], [int(code) for code in parts[1::2]]
        code_mark = block.directive("returncode")
        mode = self.mode(block)
        for index, (command, shown) in enumerate(pairs):
            output = outputs[index] if index < len(outputs) else ""
            want = code_mark.code if code_mark and index == len(pairs) - 1 else 0
            if index >= len(codes):  # the shell itself ended here (`exit`, a timeout)
                if result.timed_out:
                    return command, f"timed out after {self.timeout(block):g} s (the whole process group was killed)", output
                code = result.returncode
            else:
                code = codes[index]
            if code != want:
                return command, f"exited with status {code}, the page expects {want}", output
            if shown is not None and (shown.strip() or mode != "lines"):
                try:
                    compare.compare(shown, output, mode)
                except compare.Mismatch as exc:
                    if not (mode != "lines" and targets and self._record(block, targets[index], output)):
                        return command, str(exc), output
            if index >= len(codes):
                return None if index == len(pairs) - 1 else (pairs[index + 1][0], "never ran: the shell ended before it", "")
        return None

    def _wait_for_lines(
        self, proc: processes.Background, block: Block, shown: str, what: str, target: str | None
    ) -> None:
        """Wait for the shown lines in the process output after its cursor, then check them.

        By default they must be the very next lines (match exact); with
        match('any-order') the very next lines in any order; with
        match('lines') they must appear in order with anything between.
        """
        timeout = self.timeout(block)
        lines_mode = self.mode(block) == "lines"
        any_order = self.mode(block) == "any-order"
        want = len(compare.required_lines(shown))

        def arrived(output: str) -> bool:
            output = self.canonical(block, output)
            if lines_mode:
                return compare.find_lines_in_order(shown, output, proc.cursor)[0] == want
            return compare.prefix_ready(shown, output, proc.cursor)

        arrived_in_time = proc.wait_for(arrived, timeout)
        output = self.canonical(block, proc.output)
        try:
            if lines_mode:
                proc.cursor = compare.compare_lines(shown, output, proc.cursor)
            else:
                proc.cursor = compare.compare_prefix(shown, output, proc.cursor, any_order)
        except compare.Mismatch as exc:
            if not lines_mode and arrived_in_time:
                printed, end = compare.next_printed(shown, output, proc.cursor)
                if self._record(block, target, printed):
                    proc.cursor = end
                    return
            if not proc.alive():
                what += f" exited with status {proc.proc.returncode}"
            elif not arrived_in_time:
                what += f" did not print the shown lines within {timeout:g} s"
            raise BlockFailure(f"{what}: {exc}\nWhat it printed last, unmasked:\n{_tail(output)}") from exc


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines()[-lines:]) or "    (nothing)"


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"
