"""`pytest --codeblocks --record PAGE` rewrites the shown output files from a real run."""

from coursetest.compare import mask
from coursetest.selftest import edit, run_suite, worker_page


def test_a_broken_console_output_is_restored_and_the_page_passes(project):
    shown = project / "snippets/home/output/check_stack.txt"
    original = shown.read_text()
    edit(shown, "Redis: ok", "Redis: okay")
    result, _ = run_suite(project, "--record", "docs/ko/index.md")
    assert result.returncode == 0, result.stdout
    assert "--record rewrote 1 file(s)" in result.stdout and "snippets/home/output/check_stack.txt" in result.stdout
    assert shown.read_text() == original
    result, _ = run_suite(project, "--record", "docs/ko/index.md")
    assert "--record: every recorded output already matched; no file changed" in result.stdout, result.stdout


def test_a_worker_log_and_a_transcript_are_restored(project):
    """A background block and a log block: what the run printed, with its own ids and times."""
    files = {
        "02-app-tasks/output/step-3-worker.txt": (" . tasks.math.add", " . tasks.math.sub"),
        "02-app-tasks/output/step-3-call-log.txt": ("s: 5", "s: 6"),
    }
    originals = {}
    for path, (old, new) in files.items():
        originals[path] = (project / "snippets" / path).read_text()
        edit(project / "snippets" / path, old, new)
    worker_page(project, step=3, args="[2, 3]")
    result, _ = run_suite(project, "--record", "docs/ko/mini.md")
    assert result.returncode == 0, result.stdout
    assert "--record rewrote 2 file(s)" in result.stdout, result.stdout
    for path, original in originals.items():
        assert mask((project / "snippets" / path).read_text()) == mask(original), path
    # lines that still matched are kept as they were: git diff shows the one line that changed
    assert (project / "snippets/02-app-tasks/output/step-3-worker.txt").read_text() == originals[
        "02-app-tasks/output/step-3-worker.txt"
    ]
    result, _ = run_suite(project, "docs/ko/mini.md")
    assert result.returncode == 0, result.stdout


def test_a_python_transcript_is_restored(project):
    transcript = project / "snippets/01-first-steps/output/delay.txt"
    original = transcript.read_text()
    edit(transcript, ">>> result.get(timeout=10)\n5", ">>> result.get(timeout=10)\n6")
    result, _ = run_suite(project, "--record", "docs/ko/01-first-steps.md")
    assert result.returncode == 0, result.stdout
    assert transcript.read_text() == original


def test_lines_blocks_are_editorial_and_stay_as_written(project):
    """match("lines") shows chosen lines: --record does not rewrite them; a wrong one still fails."""
    page = project / "docs/ko/mini.md"
    (project / "snippets/home/output/chosen.txt").write_text("Redis: okay\n")
    page.write_text(
        '<!--pytest.mark.cwd("home")-->\n<!--pytest.mark.match("lines")-->\n'
        '```console\n$ python check_stack.py\n--8<-- "home/output/chosen.txt"\n```\n',
        encoding="utf-8",
    )
    result, _ = run_suite(project, "--record", "docs/ko/mini.md")
    assert result.returncode == 1
    assert "docs/ko/mini.md::line 3 (shows snippets/home/output/chosen.txt)" in result.stdout
    assert (project / "snippets/home/output/chosen.txt").read_text() == "Redis: okay\n"
