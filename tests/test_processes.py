"""Commands run in their own process group and never outlive their test."""

import os
import sys
import time
from pathlib import Path

from coursetest import processes

ENV = {**os.environ, processes.SESSION_VAR: "unit-test"}


def pids_with(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            stat = (environ.parent / "stat").read_text().rsplit(")", 1)[1].split()
            if stat[0] != "Z" and marker.encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_a_block_that_times_out_is_killed_with_its_children(tmp_path):
    marker = f"{processes.SESSION_VAR}=timeout-test"
    env = {**os.environ, processes.SESSION_VAR: "timeout-test"}
    started = time.monotonic()
    # the shell starts a grandchild that would outlive a plain kill of the shell
    result = processes.run("sleep 30 & sleep 30; echo never", tmp_path, env, timeout=1)
    assert result.timed_out
    assert "never" not in result.output
    assert time.monotonic() - started < 5
    assert pids_with(marker) == []


def test_output_and_status_are_reported(tmp_path):
    result = processes.run("echo out; echo err >&2; exit 3", tmp_path, ENV, timeout=10)
    assert result.returncode == 3
    assert result.output == "out\nerr\n"  # one stream, as a terminal shows it


def test_background_process_and_its_children_are_stopped(tmp_path):
    marker = f"{processes.SESSION_VAR}=background-test"
    env = {**os.environ, processes.SESSION_VAR: "background-test"}
    # a parent that ignores Ctrl+C and has children, like a stubborn worker pool
    script = "import os, signal, subprocess, sys, time\n" \
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n" \
        "kids = [subprocess.Popen(['sleep', '60']) for _ in range(2)]\n" \
        "print('ready', flush=True)\n" \
        "time.sleep(60)\n"
    (tmp_path / "stubborn.py").write_text(script)
    proc = processes.Background("w", f"{sys.executable} stubborn.py", tmp_path, env)
    try:
        assert proc.wait_for(lambda out: "ready" in out, timeout=10)
        assert len(pids_with(marker)) >= 3  # python (bash execs it), two sleeps
    finally:
        started = time.monotonic()
        proc.stop(grace=1)
    assert time.monotonic() - started < 5
    assert pids_with(marker) == []
    assert not processes.group_alive(proc.proc.pid)


def test_sweep_kills_what_left_its_group(tmp_path):
    env = {**os.environ, processes.SESSION_VAR: "sweep-test"}
    # setsid puts the sleeper in a new session: stopping the block's group misses it
    # (the pause lets setsid leave the group before the block ends and its group is killed)
    result = processes.run("setsid sleep 60 > /dev/null 2>&1 & sleep 0.3; echo started", tmp_path, env, timeout=10)
    assert result.output == "started\n"
    time.sleep(0.2)
    assert pids_with(f"{processes.SESSION_VAR}=sweep-test")
    killed = processes.sweep("sweep-test")
    assert killed
    time.sleep(0.2)
    assert pids_with(f"{processes.SESSION_VAR}=sweep-test") == []


def test_a_child_gets_ctrl_c_even_when_pytest_was_started_ignoring_it():
    """`pytest ... &` in a script ignores SIGINT; a page's process must still stop on Ctrl+C."""
    import signal

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        command = f"{sys.executable} -c 'import signal; print(signal.getsignal(signal.SIGINT))'"
        proc = processes._popen(command, Path.cwd(), dict(os.environ))
        out = proc.communicate(timeout=30)[0]
    finally:
        signal.signal(signal.SIGINT, before)
    assert b"default_int_handler" in out, out
