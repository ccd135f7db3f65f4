"""Every file under snippets/ is shown by a page and run or checked there."""

import time
from pathlib import Path

from coursetest.kinds import BY_NAME
from coursetest.pages import ROOT, all_pages, read_page, snippet_root

SNIPPETS = snippet_root()
# Pages run in parallel with this test and create files in step folders while they run (pid files, beat's
# schedule, a key), which the harness removes when the page ends; a file this run made is not a snippet.
COLLECTED = time.time()


def used_files():
    """Map each included file to the blocks (kinds) that include it, and collect working folders."""
    included: dict[str, set[str]] = {}
    folders: set[Path] = set()
    for page in all_pages():
        for block in read_page(page):
            for path in block.includes:
                included.setdefault(path, set()).add(block.kind.name)
            if block.cwd and block.kind.needs_stack:
                folders.add(SNIPPETS / block.cwd)
    return included, folders


def test_every_snippet_file_is_included_by_a_page():
    included, _ = used_files()
    files = sorted(
        str(p.relative_to(SNIPPETS))
        for p in SNIPPETS.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.stat().st_mtime < COLLECTED
    )
    unused = [f for f in files if f not in included]
    assert unused == [], "files under snippets/ that no page shows: include them in a page or delete them"


def test_every_code_file_runs_where_a_page_runs_commands():
    """A code file is shown by a file block; some command must run in its folder (or a parent)."""
    included, folders = used_files()
    not_run = []
    for path, kinds in included.items():
        file = SNIPPETS / path if (SNIPPETS / path).exists() else ROOT / path
        if file.suffix != ".py":
            continue
        if not any(folder == file.parent or folder in file.parents for folder in folders):
            not_run.append(path)
    assert not_run == [], "code files that no command runs: add a command block with cwd(...) of their folder"


def test_no_block_is_left_untested():
    """read_page refuses blocks it cannot test; this makes that refusal part of the suite."""
    kinds = {block.kind.name for page in all_pages() for block in read_page(page)}
    assert kinds <= set(BY_NAME)
