"""Helpers for the suite's tests of itself: run the suite in a copy of the project."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .pages import ROOT


def copy_project(target: Path) -> Path:
    """A throwaway copy of the project: pages, snippets, config and the plugin."""
    for name in ("docs", "snippets", "tests"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    for name in ("mkdocs.yml", "pyproject.toml", "docker-compose.yaml"):
        shutil.copy(ROOT / name, target / name)
    return target


def run_suite(project: Path, *args: str, env: dict | None = None, timeout: float = 120):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--codeblocks", *args],
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
