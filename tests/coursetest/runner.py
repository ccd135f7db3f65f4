"""Execute one page's blocks, in order, against the stack.

A ``PageRun`` holds what the blocks of one page share: the background
processes (a worker started by one block is used by the next ones) and the
test session. Each ``check_*`` method runs one kind of block and raises
``BlockFailure`` with a message that says what differed.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
import time
from functools import lru_cache
from pathlib import Path

import yaml

from . import compare, processes
from .pages import ROOT, Block, relpath, snippet_root
from .stack import CANONICAL_BACKEND, Session

DEFAULT_TIMEOUT = 60.0

# Printed after each command of a console block, to split the output and read each status.
STATUS_MARK = "__COURSE_STATUS_"
STATUS_SPLIT = re.compile(r"\n?" + STATUS_MARK + r"(\d+)__\n")


class BlockFailure(AssertionError):
    """A block did not do what its page says; the message is shown as the test failure."""


# Replays a pycon transcript in a fresh interpreter and prints it as a terminal would.
SESSION_RUNNER = textwrap.dedent(
    '''
    import code, os, sys
    sys.stderr = sys.stdout
    console = code.InteractiveConsole({"__name__": "__console__", "__doc__": None})
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


@lru_cache(maxsize=None)
def folder_uses_backend(folder: Path) -> bool:
    """Does the code in this step folder use the canonical result backend?

    The session's backend is handed over only there, so a step without one
    still shows "results: disabled://". Read once per folder and session.
    """
    return any(CANONICAL_BACKEND in p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*.py"))


class PageRun:
    def __init__(self, session: Session | None):
        self.session = session
        self.background: dict[str, processes.Background] = {}

    # --- environment -------------------------------------------------------------------
    def workdir(self, block: Block) -> Path:
        return snippet_root() / block.cwd if block.cwd else ROOT

    def environment(self, block: Block) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
        env.update(
            PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",  # keep step folders as the pages show them
            TERM="dumb",
            NO_COLOR="1",
            COLUMNS="100",
        )
        if self.session is not None:
            env[processes.SESSION_VAR] = self.session.id
            uses_backend = block.cwd is not None and folder_uses_backend(self.workdir(block))
            env.update(self.session.environment(uses_backend))
        return env

    def canonical(self, output: str) -> str:
        return self.session.canonical(output) if self.session else output

    def timeout(self, block: Block) -> float:
        mark = block.mark("timeout")
        return float(mark.args[0]) if mark else DEFAULT_TIMEOUT

    # --- dispatch ----------------------------------------------------------------------
    def run(self, block: Block) -> None:
        stop = block.mark("stop")
        if stop:
            self.stop(stop.args[0])
        getattr(self, f"check_{block.kind}")(block)

    def stop(self, name: str) -> None:
        proc = self.background.pop(name, None)
        if proc is None:
            raise BlockFailure(f"stop({name!r}): no background process of that name is running on this page")
        proc.stop()

    def close(self) -> None:
        """End the page: stop its background processes, drop the messages it left."""
        for proc in self.background.values():
            proc.stop(gentle=False)
        self.background.clear()
        if self.session is not None:
            self.session.empty_queues()

    # --- kinds -------------------------------------------------------------------------
    def check_file(self, block: Block) -> None:
        """A code file: it must be the file on disk, named as its title says, and parse."""
        if not block.includes:
            raise BlockFailure(
                f"the file block '{block.options['title']}' has no --8<-- include; "
                "code must live in snippets/ so the tests run the very file the page shows"
            )
        title = block.options["title"]
        if len(block.includes) == 1 and not block.includes[0].endswith(title):
            raise BlockFailure(f"title {title!r} does not name the included file {block.includes[0]!r}")
        if block.lang in {"python", "py", "python3"}:
            try:
                compile(block.text, title, "exec")
            except SyntaxError as exc:
                raise BlockFailure(f"{title} does not compile: {exc}") from exc
        elif block.lang in {"yaml", "yml"}:
            try:
                yaml.safe_load(block.text)
            except yaml.YAMLError as exc:
                raise BlockFailure(f"{title} is not valid YAML: {exc}") from exc

    def check_tree(self, block: Block) -> None:
        folder = snippet_root() / block.mark("tree").args[0]
        try:
            compare.compare_exact(block.text, file_tree(folder))
        except compare.Mismatch as exc:
            raise BlockFailure(f"the tree differs from {relpath(folder)}/: {exc}") from exc

    def check_script(self, block: Block) -> None:
        if block.lang in {"python", "py", "python3"}:
            command = f"python - <<'COURSE_EOF'\n{block.text}COURSE_EOF"
        else:
            command = f"set -e\n{block.text}"  # a script fails at its first failing command
        self._expect(block, [(command, None)])

    def check_session(self, block: Block) -> None:
        result = processes.run(
            f"python -c {_shell_quote(SESSION_RUNNER)}",
            self.workdir(block),
            self.environment(block),
            self.timeout(block),
            stdin=block.text,
        )
        if result.timed_out:
            raise BlockFailure(f"the Python session did not finish within {self.timeout(block):g} s:\n{result.output}")
        try:
            compare.compare_exact(block.text, self.canonical(result.output))
        except compare.Mismatch as exc:
            raise BlockFailure(f"the Python session printed something else: {exc}") from exc

    def check_console(self, block: Block) -> None:
        pairs = split_console(block.text)
        if not pairs:
            raise BlockFailure("a console block needs at least one '$ ' command")
        background = block.mark("background")
        if background:
            if len(pairs) != 1:
                raise BlockFailure("a background block holds exactly one command")
            self.start_background(background.args[0], pairs[0][0], pairs[0][1], block)
            return
        self._expect(block, pairs)

    def check_log(self, block: Block) -> None:
        name = block.mark("log").args[0]
        proc = self.background.get(name)
        if proc is None:
            raise BlockFailure(f"log({name!r}): no background process of that name is running on this page")
        self._wait_for_lines(proc, block, block.text, what=f"the log of {name!r}")

    def check_stack(self, block: Block) -> None:
        """The command that starts the stack cannot run where there is no Docker engine
        (CI here); what it promises can be checked: the compose file is valid and every
        port it publishes answers."""
        compose = yaml.safe_load((ROOT / "docker-compose.yaml").read_text(encoding="utf-8"))
        pairs = split_console(block.text) if block.lang in {"console"} else [(block.text.strip(), "")]
        if [c for c, _ in pairs] != ["docker compose up -d --wait"]:
            raise BlockFailure("a stack() block must be exactly '$ docker compose up -d --wait'")
        from .stack import _reachable

        for name, service in compose["services"].items():
            if "healthcheck" not in service:
                raise BlockFailure(f"service {name} has no healthcheck, so --wait cannot wait for it")
            for port in service.get("ports", []):
                host, _, rest = str(port).rpartition(":")
                host_ip, _, host_port = host.rpartition(":")
                problem = _reachable(host_ip or "127.0.0.1", int(host_port))
                if problem:
                    raise BlockFailure(f"service {name} publishes {port}, but nothing answers at {problem}")

    # --- helpers -----------------------------------------------------------------------
    def _expect(self, block: Block, pairs: list[tuple[str, str | None]]) -> None:
        """Run commands in one shell, as a reader types them into one terminal.

        Variables and `cd` carry over from one command to the next. Each
        command must exit 0 (the last one: the status in returncode(n)) and,
        where the page shows output (not None), print it.
        """
        script = "".join(f"{command}\nprintf '\\n{STATUS_MARK}%s__\\n' \"$?\"\n" for command, _ in pairs)
        poll = block.mark("poll")
        deadline = time.monotonic() + (float(poll.args[0]) if poll else 0)
        while True:
            result = processes.run(script, self.workdir(block), self.environment(block), self.timeout(block))
            failure = self._first_problem(block, pairs, result)
            if failure is None:
                return
            if time.monotonic() >= deadline:
                command, problem, output = failure
                waited = f" (re-run for {float(poll.args[0]):g} s)" if poll else ""
                raise BlockFailure(
                    f"$ {command}\n  in {relpath(self.workdir(block))}/{waited}: {problem}\n"
                    f"--- output ---\n{output.rstrip()}\n--------------"
                )
            time.sleep(0.5)

    def _first_problem(self, block: Block, pairs, result: processes.Result) -> tuple[str, str, str] | None:
        """(command, what is wrong, its output) for the first command that fails, else None."""
        parts = STATUS_SPLIT.split(self.canonical(result.output))
        outputs, codes = parts[0::2], [int(code) for code in parts[1::2]]
        code_mark = block.mark("returncode")
        mode = self._mode(block)
        for index, (command, shown) in enumerate(pairs):
            output = outputs[index] if index < len(outputs) else ""
            want = int(code_mark.args[0]) if code_mark and index == len(pairs) - 1 else 0
            if index >= len(codes):  # the shell itself ended here (`exit`, a timeout)
                if result.timed_out:
                    return command, f"timed out after {self.timeout(block):g} s (the whole process group was killed)", output
                code = result.returncode
            else:
                code = codes[index]
            if code != want:
                return command, f"exited with status {code}, the page expects {want}", output
            if shown is not None and (shown.strip() or mode == "exact"):
                try:
                    compare.compare(shown, output, mode)
                except compare.Mismatch as exc:
                    return command, str(exc), output
            if index >= len(codes):
                return None if index == len(pairs) - 1 else (pairs[index + 1][0], "never ran: the shell ended before it", "")
        return None

    def start_background(self, name: str, command: str, shown: str, block: Block) -> None:
        if name in self.background:
            self.background.pop(name).stop()
        proc = processes.Background(name, command, self.workdir(block), self.environment(block))
        self.background[name] = proc
        self._wait_for_lines(proc, block, shown, what=f"$ {command} (in the background)")

    def _wait_for_lines(self, proc: processes.Background, block: Block, shown: str, what: str) -> None:
        """Wait for the shown lines in the process output after its cursor, then check them.

        By default they must be the very next lines (match exact); with
        match('lines') they must appear in order with anything between.
        """
        timeout = self.timeout(block)
        lines_mode = self._mode(block) == "lines"
        want = len(compare.required_lines(shown))

        def arrived(output: str) -> bool:
            output = self.canonical(output)
            if lines_mode:
                return compare.find_lines_in_order(shown, output, proc.cursor)[0] == want
            return compare.prefix_ready(shown, output, proc.cursor)

        arrived_in_time = proc.wait_for(arrived, timeout)
        output = self.canonical(proc.output)
        try:
            if lines_mode:
                proc.cursor = compare.compare_lines(shown, output, proc.cursor)
            else:
                proc.cursor = compare.compare_prefix(shown, output, proc.cursor)
        except compare.Mismatch as exc:
            if not proc.alive():
                what += f" exited with status {proc.proc.returncode}"
            elif not arrived_in_time:
                what += f" did not print the shown lines within {timeout:g} s"
            raise BlockFailure(f"{what}: {exc}") from exc

    @staticmethod
    def _mode(block: Block) -> str:
        mark = block.mark("match")
        return mark.args[0] if mark else "exact"


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"
