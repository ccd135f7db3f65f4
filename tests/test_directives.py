"""Directives are read and checked when the page is read: a mistake is a collection error at page::line."""

import textwrap

import pytest

from coursetest.directives import SPECS, DirectiveError, parse
from coursetest.kinds import BY_NAME, KINDS
from coursetest.pages import PageError, read_page
from coursetest.runner import PageRun


def test_directives_are_typed():
    assert parse('pytest.mark.cwd("02-app-tasks/step-1/src")').path == "02-app-tasks/step-1/src"
    assert parse("pytest.mark.timeout(1.5)").seconds == 1.5
    assert parse('pytest.mark.log("w1", exit=0)').exit == 0
    assert parse('pytest.mark.log(name="w1")').exit is None
    assert parse("pytest.mark.stack").tag == "stack"
    assert parse(' pytest.mark.match("lines") ').mode == "lines"  # as in <!-- pytest.mark.match("lines") -->


@pytest.mark.parametrize(
    "source, message",
    [
        ('pytest.mark.match("line")', "mode must be one of 'exact', 'any-order', 'lines', not 'line'"),
        ('pytest.mark.timeout("60")', "seconds must be int or float, not str '60'"),
        ("pytest.mark.timeout(0)", "seconds must be greater than 0"),
        ("pytest.mark.returncode(True)", "code must be int, not bool"),
        ('pytest.mark.log("w1", exitcode=0)', "has no argument 'exitcode'"),
        ('pytest.mark.cwd("a", "b")', "takes 1 argument(s)"),
        ("pytest.mark.cwd()", "needs 'path'"),
        ('pytest.mark.backgruond("worker")', "unknown directive"),
        ('pytest.mark.cwd(os.getcwd())', "arguments must be plain values"),
        ("pytest.mark.skip", "every block runs"),
        ('pytest.mark.skipif(True, reason="")', "every block runs"),
        ("pytest.mark.xfail", "every block runs"),
        ("pytest.mark.usefixtures('tmp_path')", "every block runs"),
        ("pytest.mark.cwd(", "is not a directive call"),
        ("print('hi')", "is not of the form pytest.mark.name(...)"),
    ],
)
def test_a_wrong_directive_says_what_is_wrong(source, message):
    with pytest.raises(DirectiveError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(source)


def test_every_directive_is_documented_and_used_by_some_kind():
    used = set().union(*(kind.directives for kind in KINDS)) | {"cwd"}
    assert set(SPECS) == used
    assert all(spec.help for spec in SPECS.values())


def test_every_kind_has_its_checker():
    assert all(callable(getattr(PageRun, kind.check, None)) for kind in KINDS), BY_NAME


def page(tmp_path, text):
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, line, message",
    [
        # pytest-codeblocks' own keywords would drop, swallow or merge blocks
        ("<!--pytest-codeblocks:skipfile-->\n\n```console\n$ true\n```\n", 1, "pytest-codeblocks' own keyword"),
        ("```console\n$ echo 1\n```\n\n<!--pytest-codeblocks:expected-output-->\n```\n1\n```\n", 5, "own keyword"),
        ("```console\n$ true\n```\n\n<!-- pytest-codeblocks:cont -->\n```console\n$ true\n```\n", 5, "own keyword"),
        ("Text.\n\n<!--pytest-codeblocks:skip-->\n```console\n$ true\n```\n", 3, "own keyword"),
        # a directive must be right, and make sense for its fence
        ('Text.\n\n<!--pytest.mark.match("line")-->\n```console\n$ true\n```\n', 3, "mode must be one of"),
        ('<!--pytest.mark.returncode(1)-->\n```py title="src/run.py"\n--8<-- "02-app-tasks/step-1/src/run.py"\n```\n',
         2, "returncode makes no sense for a file block"),
        ('<!--pytest.mark.log("worker")-->\n```console\n$ true\n```\n', 2, "log(...) is for ```log, ```output"),
        ('<!--pytest.mark.poll(5)-->\n<!--pytest.mark.log("w")-->\n```text\nx\n```\n', 3, "poll makes no sense for a log block"),
        ('<!--pytest.mark.tree("02-app-tasks")-->\n<!--pytest.mark.log("w")-->\n```text\nx\n```\n', 3,
         "log and tree cannot both describe one block"),
        ("<!--pytest.mark.timeout(5)-->\n<!--pytest.mark.timeout(6)-->\n```console\n$ true\n```\n", 2, "given twice"),
        ("```console\n$ true\n```\n\n<!--pytest.mark.timeout(5)-->\n", 5, "precedes no code block"),
        ("```text\nsome output typed by hand\n```\n", 1, "neither run nor compared"),
        ('<!--pytest.mark.match(\n"lines")-->\n```console\n$ true\n```\n', 1, "write a directive on one line"),
        ('<!--pytest.mark.timeout(5)-->\nSome prose.\n\n```console\n$ true\n```\n', 1, "right before the fence"),
        ('<!--pytest.mark.cwd("02-app-tasks/step-99")-->\n```console\n$ true\n```\n', 2, "is not a folder"),
    ],
)
def test_loopholes_are_collection_errors_at_page_and_line(tmp_path, text, line, message):
    with pytest.raises(PageError) as failure:
        read_page(page(tmp_path, text))
    assert f"page.md::line {line}:" in str(failure.value)
    assert message in str(failure.value)


def test_a_directive_printed_inside_a_block_is_not_one(tmp_path):
    """Output that happens to look like a directive is output."""
    text = "```console\n$ printf '%s\\n' '<!--pytest.mark.cwd(\"x\")-->'\n<!--pytest.mark.cwd(\"x\")-->\n```\n"
    [block] = read_page(page(tmp_path, text))
    assert block.directives == {} and block.kind.name == "console"
    PageRun(session=None).run(block)


@pytest.mark.parametrize(
    "text, message",
    [
        ('<!--pytest.mark.log("w")-->\n```text\n\n```\n', "an empty log block checks nothing"),
        ('<!--pytest.mark.background("w")-->\n```console\n$ sleep 60\n```\n', "must show what the command prints"),
        ("```console\n$ celery -b amqp://guest:guest@localhost// call tasks.add\n```\n", "-b on a command"),
        ("```console\n$ celery -A run worker --result-backend=redis://localhost:6379/0\n```\n", "--result-backend on"),
        ('```py\n--8<-- "02-app-tasks/step-1/src/run.py"\n```\n', 'a code file needs title="..."'),
        ('<!--pytest.mark.tree("02-app-tasks/step-9")-->\n```text\nx\n```\n', "is not a folder"),
    ],
)
def test_blocks_that_would_check_nothing_or_leave_the_session_are_refused(tmp_path, text, message):
    with pytest.raises(PageError, match=message):
        read_page(page(tmp_path, text))
