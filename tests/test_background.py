"""Several long-running processes on one page, and the signals a reader sends them."""

import os
import sys
import textwrap
from pathlib import Path

import pytest

from coursetest import processes, selftest
from coursetest.pages import read_page
from coursetest.runner import BlockFailure, PageRun
from coursetest.selftest import run_suite

# A stand-in for a worker: says it is ready, writes its pid file, says which signal ended it.
TALKER = textwrap.dedent(
    """\
    import os, signal, sys, time
    name, code = sys.argv[1], int(sys.argv[2])
    if sys.argv[3:] == ["deaf"]:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    with open(name + ".pid", "w") as f:
        f.write(str(os.getpid()))
    presses = []
    def bye(sig, frame):
        if sys.argv[3:] == ["twice"] and not presses:  # like a beat caught while it publishes
            presses.append(sig)
            return
        print(os.path.basename(name) + ": got " + signal.Signals(sig).name, flush=True)
        os.remove(name + ".pid")
        sys.exit(code)
    signal.signal(signal.SIGTERM, bye)
    if sys.argv[3:] != ["deaf"]:
        signal.signal(signal.SIGINT, bye)
    print(os.path.basename(name) + " ready", flush=True)
    while True:
        time.sleep(0.05)
    """
)


def run_page(tmp_path, text):
    """A page whose TMP stands for tmp_path, where the talker script lies."""
    (tmp_path / "talker.py").write_text(TALKER)
    return selftest.run_page(tmp_path, textwrap.dedent(text).replace("TMP", str(tmp_path)))


def start(name, code=0, extra=""):
    return (
        f'<!--pytest.mark.background("{name}")-->\n'
        f"```console\n$ {sys.executable} TMP/talker.py TMP/{name} {code} {extra}\n{name} ready\n```\n\n"
    )


def test_kill_from_another_terminal_and_ctrl_c(tmp_path):
    page_run = run_page(
        tmp_path,
        start("w1")
        + start("w2", code=1)
        + "```console\n$ kill -TERM $(cat TMP/w1.pid)\n```\n\n"
        + '<!--pytest.mark.log("w1", exit=0)-->\n```text\nw1: got SIGTERM\n```\n\n'
        + '<!--pytest.mark.stop("w2")-->\n<!--pytest.mark.log("w2", exit=1)-->\n```text\nw2: got SIGINT\n```\n',
    )
    assert not any(processes.group_alive(p.proc.pid) for p in page_run.background.values())


def test_an_exit_status_other_than_shown_fails(tmp_path):
    with pytest.raises(BlockFailure, match=r"log\('w1', exit=3\): it ended with status 0"):
        run_page(
            tmp_path,
            start("w1") + "```console\n$ kill -TERM $(cat TMP/w1.pid)\n```\n\n"
            '<!--pytest.mark.log("w1", exit=3)-->\n```text\nw1: got SIGTERM\n```\n',
        )


def test_a_process_deaf_to_ctrl_c_is_killed_and_reported(tmp_path):
    with pytest.raises(BlockFailure, match=r"stop\('w1'\): still running 1 s after Ctrl\+C; killed"):
        run_page(
            tmp_path,
            start("w1", extra="deaf") + '<!--pytest.mark.stop("w1")-->\n<!--pytest.mark.timeout(1)-->\n'
            "```console\n$ true\n```\n",
        )


def test_every_process_is_gone_when_a_block_fails(tmp_path):
    page_run = PageRun(session=None)
    (tmp_path / "talker.py").write_text(TALKER)
    page = tmp_path / "page.md"
    page.write_text((start("w1") + start("w2", extra="deaf") + "```console\n$ false\n```\n").replace("TMP", str(tmp_path)))
    blocks = read_page(page)
    for block in blocks[:2]:
        page_run.run(block)
    started = [p.proc.pid for p in page_run.background.values()]
    with pytest.raises(BlockFailure, match="exited with status 1"):
        page_run.run(blocks[2])
    page_run.close()
    assert not any(processes.group_alive(pid) for pid in started)


def test_two_celery_workers_stopped_as_a_reader_stops_them(project):
    """Node names w1@%h and w2@%h; w1 gets `kill -TERM` through its pid file, w2 Ctrl+C.

    The page writes w1.pid into the step folder; whatever a page leaves in a
    step folder is removed when the page ends.
    """
    step = "02-app-tasks/step-4/src"

    def worker(name):
        return (
            f'<!--pytest.mark.background("{name}")-->\n<!--pytest.mark.match("lines")-->\n'
            f"```console\n$ celery -A run worker -l INFO -n {name}@%h --pidfile={name}.pid\n"
            f"[2026-11-24 06:25:19,121: INFO/MainProcess] {name}@vm ready.\n```\n\n"
        )

    page = project / "docs/ko/mini.md"
    page.write_text(
        f'<!--pytest.mark.cwd("{step}")-->\n'
        + worker("w1")
        + worker("w2")
        + "```console\n$ kill -TERM $(cat w1.pid)\n```\n\n"
        + '<!--pytest.mark.log("w1", exit=0)-->\n<!--pytest.mark.match("lines")-->\n```text\nworker: Warm shutdown (MainProcess)\n```\n\n'
        # a warm shutdown by Ctrl+C ends with status 1 (EX_FAILURE), by SIGTERM with 0:
        # celery/apps/worker.py, install_worker_int_handler / _shutdown_handler
        + '<!--pytest.mark.stop("w2")-->\n<!--pytest.mark.log("w2", exit=1)-->\n<!--pytest.mark.match("lines")-->\n'
        + "```text\nworker: Hitting Ctrl+C again will initiate cold shutdown, terminating all running tasks!\n\n"
        + "worker: Warm shutdown (MainProcess)\n```\n",
        encoding="utf-8",
    )
    before = sorted((project / "snippets" / step).iterdir())
    result, _ = run_suite(project, "docs/ko/mini.md")
    assert result.returncode == 0, result.stdout
    assert sorted((project / "snippets" / step).iterdir()) == before  # no pid file left
    assert not [pid for pid in _pids() if _cwd(pid).is_relative_to(project)]


def _pids():
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _cwd(pid: int) -> Path:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return Path("/")


def test_stop_again_presses_ctrl_c_a_second_time(tmp_path):
    run_page(
        tmp_path,
        start("w1", extra="twice") + '<!--pytest.mark.stop("w1", again=0.5)-->\n<!--pytest.mark.log("w1", exit=0)-->\n'
        "```text\nw1: got SIGINT\n```\n",
    )
    with pytest.raises(BlockFailure, match=r"stop\('w2'\): still running 1 s after Ctrl\+C; killed"):
        run_page(
            tmp_path,
            start("w2", extra="twice") + '<!--pytest.mark.stop("w2")-->\n<!--pytest.mark.timeout(1)-->\n'
            "```console\n$ true\n```\n",
        )
