"""The suite works in its own vhost and Redis database, and leaves nothing behind."""

import os
import sys

import redis

from coursetest import processes
from coursetest.pages import ROOT
from coursetest.stack import Session, Stack
from coursetest.selftest import run_suite, worker_page


def vhosts(stack: Stack) -> list[str]:
    return [v["name"] for v in stack.api("GET", "/api/vhosts")]


def test_a_session_creates_and_removes_its_vhost_and_database():
    stack = Stack.from_environment()
    session = Session(stack)
    session.open()
    try:
        assert session.vhost in vhosts(stack)
        assert session.broker_url.endswith("/" + session.vhost)
        assert session.db != 0
        client = redis.Redis.from_url(session.backend_url)
        client.set("left-behind", "1")
        # output is read back with the URLs a reader types
        assert session.canonical(f"amqp://guest:**@127.0.0.1:5672/{session.vhost}") == "amqp://guest:**@127.0.0.1:5672//"
        assert session.canonical(f"redis://localhost:6379/{session.db}") == "redis://localhost:6379/0"
    finally:
        session.close()
    assert session.vhost not in vhosts(stack)
    assert client.dbsize() == 0


def test_messages_a_page_leaves_behind_are_dropped():
    from kombu import Connection

    session = Session(Stack.from_environment())
    session.open()
    try:
        with Connection(session.broker_url) as connection:
            queue = connection.SimpleQueue("celery")
            queue.put({"left": "behind"})
            session.empty_queues()
            assert queue.qsize() == 0
            queue.close()
    finally:
        session.close()


def test_a_readers_worker_on_the_default_vhost_is_not_disturbed(project):
    """A worker on '/' neither takes the suite's tasks nor is seen by the suite's inspect."""
    env = {**os.environ, processes.SESSION_VAR: "reader-worker", "PYTHONUNBUFFERED": "1"}
    env.pop("CELERY_BROKER_URL", None)
    reader = processes.Background(
        "reader", f"{sys.executable} -m celery -A run worker -l INFO", ROOT / "snippets/02-app-tasks/step-4/src", env
    )
    try:
        assert reader.wait_for(lambda out: " ready." in out, timeout=30), reader.output
        worker_page(project, step=4, args="[1, 2]", inspect=True)
        # "1 node online." in the inspect output: the reader's worker is not seen
        result, _ = run_suite(project, "docs/ko/mini.md")
        assert result.returncode == 0, result.stdout
        assert "received" not in reader.output  # the suite's task went to the suite's worker
    finally:
        reader.kill()
    # the worker and its pool processes are gone
    assert processes.sweep("reader-worker") == []
