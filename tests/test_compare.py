"""The masks and comparisons that decide whether shown output matches a run."""

import pytest

from coursetest import compare

WORKER_LINE = (
    "[2026-11-24 00:58:39,585: INFO/ForkPoolWorker-2] Task tasks.math.add"
    "[0badc92e-0afb-43e1-bb31-1da45d0f43d8] succeeded in 0.0002744490000168298s: 3"
)


def test_volatile_values_are_masked():
    other_run = (
        "[2027-01-02 03:04:05,678: INFO/ForkPoolWorker-1] Task tasks.math.add"
        "[11111111-2222-3333-4444-555555555555] succeeded in 1.5e-05s: 3"
    )
    assert compare.mask(WORKER_LINE) == compare.mask(other_run)
    compare.compare_exact(WORKER_LINE, other_run)


def test_a_different_result_is_not_masked():
    with pytest.raises(compare.Mismatch) as failure:
        compare.compare_exact(WORKER_LINE, WORKER_LINE.replace(": 3", ": -1"))
    assert "-" + compare.mask(WORKER_LINE)[0] in str(failure.value)
    assert "succeeded in <secs>s: -1" in str(failure.value)


@pytest.mark.parametrize(
    "shown, real",
    [
        ("- ** ---------- .> app:         tutorial:0x7f97aa76c290", "- ** ---------- .> app:         tutorial:0x7f00deadbeef"),
        ("-- ******* ---- Linux-6.1.0-x86_64-with-glibc2.36 2026-11-24 00:49:13", "-- ******* ---- Darwin-23.1.0-arm64-arm-64bit 2027-05-05 10:00:00"),
        (" -------------- celery@vm v5.7.0 (collider)", " -------------- celery@my-laptop.local v5.7.0 (collider)"),
        ("[... INFO/MainProcess] w1@vm ready.", "[... INFO/MainProcess] w1@ci-runner-7 ready."),
        ("- *** --- * --- .> concurrency: 2 (prefork)", "- *** --- * --- .> concurrency: 12 (prefork)"),
        ("eta=2026-11-24T00:58:39.582635+00:00", "eta=2031-02-03T04:05:06.7+00:00"),
        ("signal 9 (SIGKILL) Job: 2.", "signal 9 (SIGKILL) Job: 0."),
    ],
)
def test_machine_specific_values_match(shown, real):
    compare.compare_exact(shown, real)


@pytest.mark.parametrize(
    "shown, real",
    [
        # a time a person typed is part of the lesson, not masked
        ("eta=2030-01-01T09:00:00+09:00", "eta=2030-01-01T09:00:00+00:00"),
        ("celery@vm v5.7.0 (collider)", "celery@vm v5.6.0 (recovery)"),
        ("w1@vm ready.", "w2@vm ready."),  # which node is part of the lesson
        ("'mail sent to minji@example.com'", "'mail sent to minji@example.org'"),  # an address is no node
        ("Retry in 10s", "Retry in 11s"),  # a countdown the page teaches, not a run time
        ("amqp://guest:guest@localhost:5672//", "amqp://guest:guest@rabbit:5672//"),  # a URL's user is no node
        ("results:     disabled://", "results:     redis://localhost:6379/0"),
        ("concurrency: 2 (prefork)", "concurrency: 2 (threads)"),
        ("signal 9 (SIGKILL) Job: 2.", "signal 15 (SIGTERM) Job: 2."),
    ],
)
def test_meaningful_differences_fail(shown, real):
    with pytest.raises(compare.Mismatch):
        compare.compare_exact(shown, real)


def test_root_only_warning_is_dropped():
    warning = (
        "/venv/lib/python3.11/site-packages/celery/platforms.py:893: SecurityWarning: "
        "You're running the worker with superuser privileges: this is\n"
        "absolutely not recommended!\n\nPlease specify a different user using the --uid option.\n\n"
        "User information: uid=0 euid=0 gid=0 egid=0\n\n"
        "  _warn_or_raise_security_error(egid, euid, gid, uid,\n"
    )
    assert compare.mask("a\n" + warning + "b\n") == ["a", "b"]


def test_lines_in_order_allows_lines_between_but_not_reordering():
    real = "one\nnoise\ntwo\nthree\n"
    assert compare.compare_lines("one\ntwo", real) == 3
    with pytest.raises(compare.Mismatch) as failure:
        compare.compare_lines("two\none", real)
    assert "line 2 of the shown output never appeared" in str(failure.value)


def test_an_ellipsis_line_marks_omitted_lines_in_lines_mode():
    real = "banner\n[tasks]\n  . tasks.math.add\nready.\n"
    compare.compare_lines("...\n[tasks]\n  . tasks.math.add\n...\n", real)
    with pytest.raises(compare.Mismatch):
        compare.compare_lines("...\n  . tasks.math.mul\n", real)
    # in exact mode "..." is just text, and must be printed
    with pytest.raises(compare.Mismatch):
        compare.compare_exact("banner\n...\nready.", real)


def test_prefix_requires_the_very_next_lines():
    real = "\nbanner\n[tasks]\n\nready.\nlater\n"
    assert compare.compare_prefix("banner\n[tasks]\n\nready.", real) == 5
    with pytest.raises(compare.Mismatch):
        # a task listed under [tasks] where the page shows none
        compare.compare_prefix("banner\n[tasks]\n\nready.", "banner\n[tasks]\n  . tasks.math.add\nready.\n")
    # a cursor continues after what an earlier block claimed
    assert compare.compare_prefix("later", real, start=5) == 6


def test_exact_ignores_trailing_spaces_and_blank_ends_only():
    compare.compare_exact("a  \nb\n", "\na\nb   \n\n")
    with pytest.raises(compare.Mismatch):
        compare.compare_exact("a\nb", "a\n\nb")


def test_any_order_takes_the_same_lines_in_another_order_only():
    shown = "received A\nsucceeded A\nreceived B\n"
    compare.compare(shown, "received A\nreceived B\nsucceeded A\n", "any-order")
    for real in ("received A\nreceived B\n", "received A\nsucceeded A\nreceived B\nreceived B\n"):
        with pytest.raises(compare.Mismatch, match="in any order"):
            compare.compare(shown, real, "any-order")
    assert compare.compare_prefix(shown, "x\nreceived B\nsucceeded A\nreceived A\nlater\n", 1, any_order=True) == 4


def test_recording_keeps_the_shown_lines_that_still_match():
    shown = "[2026-11-24 01:00:00,000: INFO/MainProcess] Task a[11111111-1111-1111-1111-111111111111] received\nsum: 6\n"
    real = "[2027-01-01 09:00:00,123: INFO/MainProcess] Task a[22222222-2222-2222-2222-222222222222] received\nsum: 5\n"
    assert compare.merge_recorded(shown, real) == shown.replace("sum: 6", "sum: 5")


def test_in_lines_mode_a_line_cut_short_matches_by_its_beginning():
    real = "a\nRESOURCE_LOCKED - cannot obtain exclusive access in vhost '/'. It could be orig\nb\n"
    compare.compare_lines("RESOURCE_LOCKED - cannot obtain exclusive access in vhost '/'. ...\n", real)
    with pytest.raises(compare.Mismatch):
        compare.compare_lines("RESOURCE_LOCKED - other text ...\n", real)
    with pytest.raises(compare.Mismatch):  # without the marker a line must be whole
        compare.compare_lines("RESOURCE_LOCKED - cannot obtain exclusive access\n", real)


def test_the_session_vhost_is_written_back_as_the_readers():
    from coursetest.stack import Endpoints

    endpoints = Endpoints(env={}, vhost="course-test-1a2b", redis_dbs={})
    real = (
        "Connected to amqp://guest:**@127.0.0.1:5672/course-test-1a2b\n"
        "PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue 'celery' in vhost 'course-test-1a2b'\n"
        "GET /api/queues/course-test-1a2b/celery\n"
    )
    assert endpoints.canonical(real) == (
        "Connected to amqp://guest:**@127.0.0.1:5672//\n"
        "PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue 'celery' in vhost '/'\n"
        "GET /api/queues/%2F/celery\n"
    )


@pytest.mark.parametrize(
    "shown, real",
    [
        # celery events --dump: the event's time, and a sender's anonymous node name (gen + its pid)
        (
            "gen25483@vm [2026-11-24 13:04:43.332200+00:00] task sent: tasks.add(cf20fda6-5e0e-4932-b009-02f5fd1eda85) args=(2, 3)",
            "gen7@ci-runner-7 [2031-02-03 04:05:06.000001+00:00] task sent: tasks.add(11111111-2222-3333-4444-555555555555) args=(2, 3)",
        ),
        ("celery@vm [2026-11-24 13:04:40.811284+00:00] started: active=0", "celery@host [2027-01-01 00:00:00+00:00] started: active=0"),
        # tornado's log prefix (Flower)
        ("[I 261124 13:09:10 command:177] Visit me at http://127.0.0.1:5555", "[I 310203 04:05:06 command:177] Visit me at http://127.0.0.1:5555"),
    ],
)
def test_monitoring_tools_volatile_values_are_masked(shown, real):
    compare.compare_exact(shown, real)


@pytest.mark.parametrize(
    "shown, real",
    [
        # what the masks keep: the event type, the task's arguments, the log level and the module:line
        ("celery@vm [2026-11-24 13:04:40.811284+00:00] task received: tasks.add(x) args=(2, 3)", "celery@vm [2026-11-24 13:04:40.811284+00:00] task started: tasks.add(x) args=(2, 3)"),
        ("gen25483@vm [2026-11-24 13:04:43.332200+00:00] task sent: tasks.add(x) args=(2, 3)", "gen25483@vm [2026-11-24 13:04:43.332200+00:00] task sent: tasks.add(x) args=(2, 4)"),
        ("[I 261124 13:09:10 command:177] Visit me at http://127.0.0.1:5555", "[W 261124 13:09:10 command:177] Visit me at http://127.0.0.1:5555"),
        ("[I 261124 13:09:10 command:177] Visit me at http://127.0.0.1:5555", "[I 261124 13:09:10 command:186] Visit me at http://127.0.0.1:5555"),
    ],
)
def test_monitoring_tools_masks_keep_what_matters(shown, real):
    with pytest.raises(compare.Mismatch):
        compare.compare_exact(shown, real)


def test_beat_banner_start_time_is_masked():
    compare.compare_exact("LocalTime -> 2026-11-24 13:17:09", "LocalTime -> 2031-01-02 03:04:05")
    with pytest.raises(compare.Mismatch):
        compare.compare_exact("LocalTime -> 2026-11-24 13:17:09", "UTC -> 2026-11-24 13:17:09")
