"""Helpers for the suite's tests of itself: run the suite in a copy of the project."""

import os
import shutil
import textwrap
import subprocess
import sys
import time
from pathlib import Path

from .pages import ROOT, read_page
from .runner import PageRun


def copy_project(target: Path) -> Path:
    """A throwaway copy of the project: pages, snippets, config and the plugin."""
    for name in ("docs", "snippets", "tests"):
        # the suite's own tests stay behind (the copy runs pages, not them); chapter 12's snippets
        # have test files of their own, which its pages include
        skip = ("__pycache__", "test_*.py") if name == "tests" else ("__pycache__",)
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns(*skip))
    for name in ("mkdocs.yml", "pyproject.toml", "docker-compose.yaml"):
        shutil.copy(ROOT / name, target / name)
    return target


def run_suite(project: Path, *args: str, env: dict | None = None, timeout: float = 120):
    """Run `pytest --codeblocks` in `project`: one process (`-n 0`) unless `args` ask for workers."""
    started = time.monotonic()
    workers = [] if "-n" in args else ["-n", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks", *workers, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    return result, time.monotonic() - started


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(page: Path, needle: str) -> int:
    """1-based line number of the fence that holds `needle` (the line that opens it)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if needle in line)
    while not lines[index].lstrip().startswith("```"):
        index -= 1
    return index + 1


def worker_page(project: Path, step: int, args: str, inspect: bool = False) -> Path:
    """Write docs/ko/mini.md: chapter 2's blocks that start the worker of `step`,
    (optionally ask it for its tasks), send tasks.math.add with `args` and read the log."""
    output = f"02-app-tasks/output/step-{step}"
    blocks = [
        f'<!--pytest.mark.cwd("02-app-tasks/step-{step}/src")-->\n<!--pytest.mark.background("worker")-->\n'
        f'```console\n$ celery -A run worker -l INFO\n--8<-- "{output}-worker.txt"\n```\n',
        f"```console\n$ celery -A run call tasks.math.add -a '{args}'\n--8<-- \"{output}-call.txt\"\n```\n",
        f'<!--pytest.mark.log("worker")-->\n```text\n--8<-- "{output}-call-log.txt"\n```\n',
    ]
    if inspect:
        blocks.insert(1, f'```console\n$ celery -A run inspect registered\n--8<-- "{output}-registered.txt"\n```\n')
    page = project / "docs/ko/mini.md"
    page.write_text("\n".join(blocks), encoding="utf-8")
    return page


def run_page(tmp_path: Path, text: str) -> PageRun:
    """Run the blocks of a page written from `text`, without the stack; return its (closed) PageRun."""
    page = tmp_path / "page.md"
    page.write_text(textwrap.dedent(text), encoding="utf-8")
    page_run = PageRun(session=None)
    try:
        for block in read_page(page):
            page_run.run(block)
    finally:
        page_run.close()
    return page_run
