"""What a maintainer sees when something is wrong: each failure names the page and line.

These tests run the suite itself (in a copy of the project) against mutated
pages and snippets, the way a careless edit would break them.
"""

import pytest

from coursetest.selftest import edit, line_of, run_suite, worker_page


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_unreachable_broker_fails_fast_with_one_hint(project, workers):
    """In one process and with xdist workers (where the controller checks, before any worker runs a block)."""
    result, seconds = run_suite(
        project, "-n", workers, "docs/ko/02-app-tasks.md", env={"COURSE_BROKER_URL": "amqp://guest:guest@127.0.0.1:1//"}
    )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    # fast means no broker retries (those take many minutes; a block that ran would show in the
    # output, checked below). On the 2-core test machine this takes 0.5 s (-n 0) and 4 s (-n 2) when
    # idle, but starting pytest with two xdist workers took 52 s while the full suite's thirteen
    # pages ran beside it
    assert seconds < 90, f"{seconds:.1f} s"
    assert output.count("The course's stack is not reachable") == 1
    assert "RabbitMQ (AMQP): nothing answers at 127.0.0.1:1" in output
    assert "docker compose up -d --wait" in output
    assert " passed" not in output and " failed" not in output  # no block ran


def test_wrong_credentials_are_reported_before_any_block_runs(project):
    result, _ = run_suite(
        project, "docs/ko/02-app-tasks.md", env={"COURSE_BROKER_URL": "amqp://guest:wrong@localhost:5672//"}
    )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "RabbitMQ management API: GET /api/whoami answered 401" in output


def test_an_edited_output_line_fails_at_its_block(project):
    page = project / "docs/ko/02-app-tasks.md"
    edit(project / "snippets/02-app-tasks/output/step-1-registered.txt", "- empty -", "* tasks.math.add")
    result, _ = run_suite(project, "docs/ko/02-app-tasks.md", "-x")
    line = line_of(page, "$ celery -A run inspect registered")
    assert result.returncode == 1
    assert f"docs/ko/02-app-tasks.md::line {line} (shows snippets/02-app-tasks/output/step-1-registered.txt)" in result.stdout
    assert "-    * tasks.math.add" in result.stdout and "+    - empty -" in result.stdout


def test_a_wrong_result_in_a_snippet_fails(project):
    """x - y instead of x + y: the worker log no longer says ': 5'."""
    edit(project / "snippets/02-app-tasks/step-3/src/tasks/math.py", "return x + y", "return x - y")
    # only the blocks that need it: start the step-3 worker, send the task, read its log
    worker_page(project, step=3, args="[2, 3]")
    result, _ = run_suite(project, "docs/ko/mini.md")
    assert result.returncode == 1, result.stdout
    assert "docs/ko/mini.md::line 14 (shows snippets/02-app-tasks/output/step-3-call-log.txt)" in result.stdout
    assert "succeeded in <secs>s: -1" in result.stdout


def test_korean_and_english_code_must_be_identical(project):
    for lang in ("ko", "en"):
        (project / f"docs/{lang}/mini.md").write_text("# mini\n\n```console\n$ echo 3\n3\n```\n", encoding="utf-8")
    edit(project / "docs/en/mini.md", "$ echo 3", "$ echo 4")
    result, _ = run_suite(project, "docs/ko/mini.md", "docs/en/mini.md")
    assert result.returncode == 1
    assert "docs/en/mini.md::line 3" in result.stdout and "differs from docs/ko/mini.md::line 3" in result.stdout


def test_a_missing_snippet_is_a_collection_error_naming_the_line(project):
    page = project / "docs/ko/02-app-tasks.md"
    edit(page, '--8<-- "02-app-tasks/step-1/src/run.py"', '--8<-- "02-app-tasks/step-1/src/runn.py"')
    result, seconds = run_suite(project, "docs/ko/02-app-tasks.md")
    line = line_of(page, "step-1/src/runn.py")
    assert result.returncode == 2  # collection error: nothing ran
    assert f"docs/ko/02-app-tasks.md::line {line}: Snippet at path '02-app-tasks/step-1/src/runn.py' could not be found" in result.stdout
    # fast means no broker retries (those take many minutes; a block that ran would show in the
    # output, checked below). On the 2-core test machine this takes 0.5 s (-n 0) and 4 s (-n 2) when
    # idle, but starting pytest with two xdist workers took 52 s while the full suite's thirteen
    # pages ran beside it
    assert seconds < 90, f"{seconds:.1f} s"


def test_a_wrong_result_fails_a_python_session(project):
    """Chapter 1 reads the result back in a Python session: x - y shows up there."""
    edit(project / "snippets/01-first-steps/step-1/src/tasks.py", "return x + y", "return x - y")
    result, _ = run_suite(project, "docs/ko/01-first-steps.md", "-x")
    line = line_of(project / "docs/ko/01-first-steps.md", '--8<-- "01-first-steps/output/delay.txt"')
    assert result.returncode == 1, result.stdout
    assert f"docs/ko/01-first-steps.md::line {line} (shows snippets/01-first-steps/output/delay.txt)" in result.stdout
    assert "-5\n+-1" in result.stdout


@pytest.mark.parametrize(
    "comment, line",
    [
        ("<!--pytest-codeblocks:skipfile-->", 1),  # would have emptied the page
        ('<!--pytest.mark.match("line")-->', 1),  # a misspelt argument would have compared nothing
        ("<!--pytest.mark.skip-->", 1),
    ],
)
def test_a_way_around_running_every_block_is_a_collection_error(project, comment, line):
    page = project / "docs/ko/index.md"
    page.write_text(comment + "\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    result, _ = run_suite(project, "docs/ko/index.md")
    assert result.returncode == 2, result.stdout  # nothing ran
    assert f"docs/ko/index.md::line {line}: " in result.stdout
