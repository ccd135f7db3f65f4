"""Each kind of block, run without the stack: what passes, and what fails with which message."""

import textwrap

import pytest

from coursetest.pages import read_page
from coursetest.runner import BlockFailure, split_console
from coursetest.selftest import run_page


def test_console_blocks_split_into_commands_and_output():
    text = "$ echo a \\\n  b\na b\n$ true\n"
    assert split_console(text) == [("echo a \\\n  b", "a b"), ("true", "")]


def test_console_output_is_compared(tmp_path):
    run_page(tmp_path, "```console\n$ echo 3\n3\n$ printf 'x\\ny\\n'\nx\ny\n```\n")
    with pytest.raises(BlockFailure, match=r"(?s)\$ echo -1.*-3\n\+-1"):
        run_page(tmp_path, "```console\n$ echo -1\n3\n```\n")


def test_a_command_without_shown_output_must_print_nothing(tmp_path):
    with pytest.raises(BlockFailure, match="output differs"):
        run_page(tmp_path, "```console\n$ echo surprise\n```\n")


def test_exit_status_is_checked(tmp_path):
    run_page(tmp_path, "<!--pytest.mark.returncode(2)-->\n```console\n$ echo no >&2; exit 2\nno\n```\n")
    with pytest.raises(BlockFailure, match="exited with status 1, the page expects 0"):
        run_page(tmp_path, "```bash\nfalse\n```\n")


def test_a_block_that_hangs_times_out(tmp_path):
    with pytest.raises(BlockFailure, match="timed out after 1 s"):
        run_page(tmp_path, "<!--pytest.mark.timeout(1)-->\n```console\n$ sleep 30\n```\n")


def test_poll_reruns_until_the_output_appears(tmp_path):
    # the file appears only after the second run: a lagging source, like the management API
    run_page(
        tmp_path,
        f"""\
        <!--pytest.mark.poll(10)-->
        ```console
        $ cat {tmp_path}/seen 2>/dev/null || touch {tmp_path}/seen; echo $(ls {tmp_path} | grep -c seen) >> {tmp_path}/seen
        1
        ```
        """,
    )


def test_python_sessions_are_replayed(tmp_path):
    run_page(tmp_path, "```pycon\n>>> x = 20\n>>> x + 22\n42\n>>> def f():\n...     return 1\n...\n>>> f()\n1\n```\n")
    with pytest.raises(BlockFailure, match=r"(?s)printed something else.*-41\n\+42"):
        run_page(tmp_path, "```pycon\n>>> 20 + 22\n41\n```\n")


def test_background_output_and_logs(tmp_path):
    (tmp_path / "talk.sh").write_text("echo banner\necho ready\nsleep 0.3\necho later one\necho later two\nsleep 30\n")
    start = textwrap.dedent(
        f"""\
        <!--pytest.mark.background("talker")-->
        ```console
        $ bash {tmp_path}/talk.sh
        banner
        ready
        ```
        """
    )
    run_page(tmp_path, start + '\n<!--pytest.mark.log("talker")-->\n```text\nlater one\nlater two\n```\n')
    # the next lines are not the shown ones: fails as soon as they arrive
    with pytest.raises(BlockFailure, match=r"(?s)printed something else.*-never said\n\+later one"):
        run_page(tmp_path, start + '\n<!--pytest.mark.log("talker")-->\n```text\nnever said\n```\n')
    # in order, anything between: waits for the line until the timeout
    with pytest.raises(BlockFailure, match="did not print the shown lines within 1 s"):
        run_page(
            tmp_path,
            start + '\n<!--pytest.mark.log("talker")-->\n<!--pytest.mark.match("lines")-->\n'
            '<!--pytest.mark.timeout(1)-->\n```text\nlater two\nnever said\n```\n',
        )


def test_log_of_an_unknown_process_is_an_error(tmp_path):
    with pytest.raises(BlockFailure, match="no background process of that name"):
        run_page(tmp_path, '<!--pytest.mark.log("worker")-->\n```text\nx\n```\n')


def test_file_blocks_must_compile_and_name_their_file(tmp_path):
    run_page(tmp_path, '```py title="src/run.py"\n--8<-- "02-app-tasks/step-1/src/run.py"\n```\n')
    with pytest.raises(BlockFailure, match="does not name the included file"):
        run_page(tmp_path, '```py title="src/tasks/math.py"\n--8<-- "02-app-tasks/step-1/src/run.py"\n```\n')
    with pytest.raises(BlockFailure, match="has no --8<-- include"):
        run_page(tmp_path, '```py title="src/run.py"\nprint("typed into the page")\n```\n')


def test_toml_file_blocks_are_parsed(tmp_path):
    run_page(tmp_path, '```toml title="pyproject.toml"\n--8<-- "pyproject.toml"\n```\n')


def test_tree_blocks_are_compared_with_the_folder(tmp_path):
    run_page(tmp_path, '<!--pytest.mark.tree("02-app-tasks/step-1/src")-->\n```text\nsrc/\n├── hello.py\n└── run.py\n```\n')
    with pytest.raises(BlockFailure, match="the tree differs"):
        run_page(tmp_path, '<!--pytest.mark.tree("02-app-tasks/step-2/src")-->\n```text\nsrc/\n└── run.py\n```\n')


def test_commands_of_a_console_block_share_one_shell(tmp_path):
    run_page(tmp_path, "```console\n$ greeting=hello; cd /tmp\n$ echo \"$greeting from $PWD\"\nhello from /tmp\n```\n")


def test_every_command_of_a_console_block_is_checked(tmp_path):
    with pytest.raises(BlockFailure, match=r"\$ false\n.*exited with status 1, the page expects 0"):
        run_page(tmp_path, "```console\n$ false\n$ echo after\nafter\n```\n")
    with pytest.raises(BlockFailure, match="never ran: the shell ended before it"):
        run_page(tmp_path, "```console\n$ exit 0\n$ echo after\nafter\n```\n")
    # returncode(n) is the status of the last command
    run_page(tmp_path, "<!--pytest.mark.returncode(3)-->\n```console\n$ echo first\nfirst\n$ exit 3\n```\n")


def test_record_targets_are_whole_file_includes(tmp_path):
    """--record rewrites a command's output only where the page includes it as one whole file."""
    from coursetest.runner import console_targets

    page = tmp_path / "page.md"
    page.write_text(
        '```console\n$ python check_stack.py\n--8<-- "home/output/check_stack.txt"\n$ true\n'
        '$ head -1 check_stack.py\n--8<-- "home/check_stack.py:1:1"\n$ echo typed\ntyped\n```\n',
        encoding="utf-8",
    )
    [block] = read_page(page)
    assert console_targets(block) == ["home/output/check_stack.txt", None, None, None]


def test_a_block_never_inherits_what_chooses_a_broker_backend_or_app(monkeypatch):
    from coursetest.runner import reader_environment

    for name in ("CELERY_BROKER_URL", "BROKER_URL", "RESULT_BACKEND", "APP", "CONFIG_MODULE"):
        monkeypatch.setenv(name, "amqp://someone-else//")
    monkeypatch.setenv("COURSE_KEEP_ME", "1")
    env = reader_environment()
    assert not {"CELERY_BROKER_URL", "BROKER_URL", "RESULT_BACKEND", "APP", "CONFIG_MODULE"} & env.keys()
    assert env["COURSE_KEEP_ME"] == "1"
