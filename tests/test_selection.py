"""Choosing what runs: -k, node ids, files outside docs/, and pages in parallel."""

import textwrap

from coursetest.pages import read_page
from coursetest.parallel import unit_of
from coursetest.selftest import line_of, run_suite


def test_an_english_page_selected_alone_runs_itself(project):
    """Its Korean twin is deselected by -k, so nothing can be compared: the English blocks run."""
    result, _ = run_suite(project, "docs", "-k", "en and 01-first-steps")
    assert result.returncode == 0, result.stdout
    assert "docs/en/01-first-steps.md: 11 run" in result.stdout
    assert "docs/ko/" not in result.stdout.split("course pages")[1]


def test_a_deselected_korean_block_leaves_its_page_to_the_english_one(project):
    line = line_of(project / "docs/ko/index.md", "$ python check_stack.py")
    result, _ = run_suite(project, "docs/ko/index.md", "docs/en/index.md", "--deselect", f"docs/ko/index.md::line {line}")
    assert result.returncode == 0, result.stdout
    n = len(read_page(project / "docs/ko/index.md"))
    assert f"docs/en/index.md: {n} run" in result.stdout and f"docs/ko/index.md: {n - 1} run" in result.stdout


def test_markdown_outside_docs_is_left_to_pytest_codeblocks(project):
    """As pytest-codeblocks documents: python/sh/bash fences run, expected-output compares, skip skips."""
    (project / "NOTES.md").write_text(
        textwrap.dedent(
            """\
            ```python
            print(1 + 1)
            ```
            <!--pytest-codeblocks:expected-output-->
            ```
            2
            ```

            <!--pytest-codeblocks:skip-->
            ```python
            raise SystemExit("skipped, as pytest-codeblocks documents")
            ```

            ```console
            $ not run: pytest-codeblocks runs only python, sh and bash
            ```
            """
        ),
        encoding="utf-8",
    )
    result, _ = run_suite(project, "NOTES.md")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    (project / "NOTES.md").write_text("```python\nprint(3)\n```\n<!--pytest-codeblocks:expected-output-->\n```\n2\n```\n")
    result, _ = run_suite(project, "NOTES.md")
    assert result.returncode == 1 and "Expected output" in result.stdout


def test_a_page_and_its_twin_are_one_unit_of_work():
    assert unit_of("docs/ko/02-app-tasks.md::line 44") == unit_of("docs/en/02-app-tasks.md::line 44") == "docs/*/02-app-tasks.md"
    assert unit_of("tests/test_browser.py::test_search[ko]") == "tests/test_browser.py"
    # troubleshooting runs its blocks in chapters 3 and 4's step folders: one unit with them
    shared = unit_of("docs/ko/troubleshooting.md::line 12")
    assert shared == unit_of("docs/en/03-calling.md::line 40") == unit_of("docs/ko/04-results.md::line 30")


def test_pages_in_parallel_still_compare_the_english_twin(project):
    """Two workers, two pairs of pages: each English page is compared in the worker that ran its Korean twin."""
    result, _ = run_suite(project, "-n", "2", "docs/ko/index.md", "docs/en/index.md", "docs/ko/01-first-steps.md",
                          "docs/en/01-first-steps.md")
    assert result.returncode == 0, result.stdout
    assert f"docs/en/index.md: {len(read_page(project / 'docs/en/index.md'))} compared" in result.stdout
    assert "docs/en/01-first-steps.md: 11 compared" in result.stdout
    assert "created: 2/2 workers" in result.stdout


def test_slow_independent_tests_are_units_of_their_own():
    one = "tests/test_accessibility.py::test_every_page_passes_axe[ko-light]"
    assert unit_of(one) == one


def test_a_deselected_english_block_shifts_no_other(project):
    """Blocks pair by their place on the page: the English blocks after a deselected one keep their twins."""
    line = line_of(project / "docs/en/index.md", "$ docker compose up -d --wait")
    result, _ = run_suite(project, "docs/ko/index.md", "docs/en/index.md", "--deselect", f"docs/en/index.md::line {line}")
    assert result.returncode == 0, result.stdout
    n = len(read_page(project / "docs/ko/index.md"))
    assert f"docs/en/index.md: {n - 1} compared" in result.stdout and f"docs/ko/index.md: {n} run" in result.stdout
