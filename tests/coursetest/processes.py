"""Run page commands as real processes, and make sure none of them outlives the test.

Every command runs in a new session (its own process group), so a timeout or
the end of a page can stop the command together with everything it started (a
Celery worker and its pool processes). Every process also carries
``COURSE_TEST_SESSION=<id>`` in its environment; at the end of the session a
sweep over /proc stops anything that still carries it, even a process that left
its group.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SESSION_VAR = "COURSE_TEST_SESSION"
PAGE_VAR = "COURSE_TEST_PAGE"  # the same, per page: what a page started and detached ends with the page
PR_SET_PDEATHSIG = 1


def _as_in_a_terminal() -> None:  # pragma: no cover - runs in the child
    """Prepare the child: it dies with pytest, and Ctrl+C reaches it as in a reader's terminal.

    Linux is asked to SIGKILL the child if pytest itself dies (even by SIGKILL). SIGINT, SIGQUIT
    and SIGHUP get their default action back: a pytest started in the background (`cmd &` in a
    script, nohup, some CI runners) ignores them, every child inherits that, and a Python program
    that keeps Python's own Ctrl+C handling (Flower, `celery events`, a script) would then never
    stop on `stop(name)`. (A celery worker or beat installs its own handlers and did not notice.)
    """
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def _popen(command: str, cwd: Path, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # as a terminal shows them: one stream, in order
        start_new_session=True,
        preexec_fn=_as_in_a_terminal,
        **kwargs,
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def group_alive(pgid: int) -> bool:
    """True while any process of the group exists (zombies excluded)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


@dataclass
class Result:
    command: str
    returncode: int
    output: str
    seconds: float
    timed_out: bool = False


def run(command: str, cwd: Path, env: dict[str, str], timeout: float, stdin: str | None = None) -> Result:
    """Run ``command`` with bash; on timeout kill its whole process group."""
    started = time.monotonic()
    proc = _popen(command, cwd, env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
    try:
        out, _ = proc.communicate(stdin.encode() if stdin is not None else None, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # something outside the group still holds the output pipe
            proc.stdout.close()
            proc.wait()
            out = b""
        timed_out = True
    finally:
        kill_group(proc)  # anything the command left behind in its group
    return Result(command, proc.returncode, out.decode(errors="replace"), time.monotonic() - started, timed_out)


class Background:
    """A long-running command (a worker) whose output is collected as it comes."""

    def __init__(self, name: str, command: str, cwd: Path, env: dict[str, str]):
        self.name = name
        self.command = command
        self.proc = _popen(command, cwd, env, stdin=subprocess.DEVNULL)
        self._chunks: list[str] = []
        self._lock = threading.Lock()
        self.cursor = 0  # index of the first output line not yet claimed by a log block
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            with self._lock:
                self._chunks.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        with self._lock:
            return "".join(self._chunks)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_for(self, predicate, timeout: float, interval: float = 0.05) -> bool:
        """Poll ``predicate(output)`` until it is true, the process exits, or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self.output):
                return True
            if not self.alive():
                self._reader.join(1)
                return predicate(self.output)
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def interrupt(self, timeout: float) -> bool:
        """Press Ctrl+C in its terminal: SIGINT to the whole process group, as a terminal sends it.

        Returns whether the process ended within ``timeout``. Its output stays
        readable, so a page can show what it printed while shutting down.
        """
        if self.alive():
            kill_group(self.proc, signal.SIGINT)
        return self.wait_exit(timeout)

    def wait_exit(self, timeout: float) -> bool:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self._reader.join(1)  # the last lines it printed
        return True

    def stop(self, grace: float = 10.0) -> None:
        """Ctrl+C, then SIGKILL for whatever is left after ``grace`` seconds."""
        self.interrupt(grace)
        self.kill(grace)

    def kill(self, grace: float = 10.0) -> None:
        """SIGKILL the whole group and wait until every member is gone."""
        kill_group(self.proc, signal.SIGKILL)
        self.proc.wait()
        # pool processes may linger for a moment after their parent exits
        deadline = time.monotonic() + grace
        while group_alive(self.proc.pid) and time.monotonic() < deadline:
            kill_group(self.proc, signal.SIGKILL)
            time.sleep(0.05)
        self._reader.join(1)


def sweep(session_id: str, var: str = SESSION_VAR) -> list[int]:
    """SIGKILL every process whose environment carries this marker (``var=session_id``)."""
    marker = f"{var}={session_id}".encode()
    killed = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        pid = int(environ.parent.name)
        if pid == os.getpid():
            continue
        try:
            if marker in environ.read_bytes().split(b"\0"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        except (OSError, ProcessLookupError):
            continue
    return killed
