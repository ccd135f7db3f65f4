"""Reading pages: fence headers and include expansion (directives: test_directives.py)."""

import textwrap

import pytest

from coursetest import pages
from coursetest.pages import PageError, parse_info, read_page


@pytest.mark.parametrize(
    "info, lang, options",
    [
        ('py title="src/run.py" linenums="1"', "py", {"title": "src/run.py", "linenums": "1"}),
        ("console", "console", {}),
        ('{.python title="run.py"}', "python", {"title": "run.py"}),
        ("pycon", "pycon", {}),
    ],
)
def test_fence_headers_are_read_as_superfences_reads_them(info, lang, options):
    assert parse_info(info) == (lang, options)


def write_page(tmp_path, text):
    page = tmp_path / "page.md"
    page.write_text(textwrap.dedent(text), encoding="utf-8")
    return page


def test_includes_expand_with_the_mkdocs_settings(tmp_path):
    page = write_page(
        tmp_path,
        '''
        <!--pytest.mark.cwd("02-app-tasks/step-1/src")-->
        ```py title="src/run.py"
        --8<-- "02-app-tasks/step-1/src/run.py"
        ```
        ''',
    )
    [block] = read_page(page)
    assert block.text == (pages.snippet_root() / "02-app-tasks/step-1/src/run.py").read_text()
    assert block.includes == ["02-app-tasks/step-1/src/run.py"]
    assert block.kind.name == "file" and block.cwd == "02-app-tasks/step-1/src"
    assert block.lineno == 3


def test_sections_of_a_file_can_be_included(tmp_path):
    section_file = pages.snippet_root() / "home" / "check_stack.py"
    assert section_file.exists()
    page = write_page(tmp_path, '```py title="check_stack.py"\n--8<-- "home/check_stack.py:1:1"\n```\n')
    [block] = read_page(page)
    assert block.text == section_file.read_text().splitlines(keepends=True)[0]
    assert block.includes == ["home/check_stack.py"]


def test_a_missing_snippet_names_page_line_and_path(tmp_path):
    page = write_page(tmp_path, '\n\n```py title="x.py"\n--8<-- "02-app-tasks/step-9/src/nope.py"\n```\n')
    with pytest.raises(PageError) as failure:
        read_page(page)
    message = str(failure.value)
    assert "page.md::line 3" in message and "02-app-tasks/step-9/src/nope.py" in message
    assert "snippets/" in message


def test_waits_count_what_the_page_waits_for_once(tmp_path):
    page = write_page(
        tmp_path,
        """
        ```pycon
        >>> add.apply_async((1, 2), countdown=3).get(timeout=10)
        3
        >>> slow.delay().get(timeout=1)
        Traceback (most recent call last):
        celery.exceptions.TimeoutError: The operation timed out.
        >>> time.sleep(0.5)
        ```

        ```pycon
        >>> add.apply_async((1, 2), countdown=3).get(timeout=10)
        3
        >>> slow.delay().get(timeout=1)
        Traceback (most recent call last):
        celery.exceptions.TimeoutError: The operation timed out.
        >>> time.sleep(0.5)
        ```
        """,
    )
    blocks = read_page(page)
    # the timeout that expires counts, the one the result beats does not; the repeated block adds nothing
    assert pages.page_waits(blocks) == [("countdown", 3.0), ("timeout", 1.0), ("sleep", 0.5)]


def test_a_statement_that_failed_waited_for_nothing(tmp_path):
    page = write_page(
        tmp_path,
        """
        ```pycon
        >>> add.delay(2, 3, countdown=5)
        Traceback (most recent call last):
        TypeError: add() got an unexpected keyword argument 'countdown'
        >>> add.apply_async((2, 3),
        ...                 countdown=2).get(timeout=10)
        5
        ```
        """,
    )
    assert pages.page_waits(read_page(page)) == [("countdown", 2.0)]


def test_an_exception_caught_and_printed_is_a_failure_too(tmp_path):
    page = write_page(
        tmp_path,
        """
        ```pycon
        >>> try:
        ...     add.delay(2, 3, countdown=5)
        ... except TypeError as exc:
        ...     print(repr(exc))
        ...
        TypeError("add() got an unexpected keyword argument 'countdown'")
        ```
        """,
    )
    assert pages.page_waits(read_page(page)) == []


def test_retries_a_worker_logs_are_waits(tmp_path):
    page = write_page(
        tmp_path,
        """
        <!--pytest.mark.log("worker")-->
        ```text
        [2026-11-24 09:00:00,000: INFO/MainProcess] Task tasks.sync[x] retry: Retry in 1s: OSError()
        [2026-11-24 09:00:01,000: INFO/MainProcess] Task tasks.sync[x] retry: Retry in 2s: OSError()
        ```
        """,
    )
    assert pages.page_waits(read_page(page)) == [("retry", 1.0), ("retry", 2.0)]


def test_a_code_file_counts_its_sleeps_only(tmp_path):
    page = write_page(
        tmp_path,
        """
        ```python title="tasks.py"
        @app.task(bind=True)
        def sync(self):
            time.sleep(2)
            raise self.retry(countdown=10)
        ```
        """,
    )
    # the countdown is waited for where a worker runs it, and shown there ("Retry in 10s")
    assert pages.page_waits(read_page(page)) == [("sleep", 2.0)]


def test_nothing_waits_for_a_countdown_in_eager_mode(tmp_path):
    page = write_page(
        tmp_path,
        """
        ```pycon
        >>> add.apply_async((1, 2), countdown=3).get(timeout=10)
        3
        >>> app.conf.task_always_eager = True
        >>> add.apply_async((1, 2), countdown=60).get()
        3
        >>> time.sleep(0.5)
        ```
        """,
    )
    assert pages.page_waits(read_page(page)) == [("countdown", 3.0), ("sleep", 0.5)]
