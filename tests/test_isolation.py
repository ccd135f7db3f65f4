"""The suite works in its own vhost and Redis databases, and leaves nothing behind."""

import os
import sys
import time
import uuid
from urllib.parse import quote

import redis

from coursetest import processes
from coursetest.pages import ROOT
from coursetest.selftest import run_suite, worker_page
from coursetest.stack import VHOST_PREFIX, CodeURLs, Session, Stack


def vhosts(stack: Stack) -> list[str]:
    return [v["name"] for v in stack.api("GET", "/api/vhosts")]


def test_a_session_creates_and_removes_its_vhost_and_databases():
    stack = Stack.from_environment()
    session = Session(stack)
    session.open()
    try:
        assert session.vhost in vhosts(stack)
        assert session.broker_url.endswith("/" + session.vhost)
        backend, broker = session.db("backend"), session.db("broker")
        assert 0 not in (backend, broker) and backend != broker
        clients = [redis.Redis.from_url(session.redis_url(p)) for p in ("backend", "broker")]
        for client in clients:
            client.set("left-behind", "1")
        # output is read back with the URLs the step's code names
        amqp = session.endpoints(CodeURLs(redis_backend=0))
        assert amqp.env["CELERY_BROKER_URL"] == session.broker_url
        assert amqp.canonical(f"amqp://guest:**@127.0.0.1:5672/{session.vhost}") == "amqp://guest:**@127.0.0.1:5672//"
        assert amqp.canonical(f"redis://localhost:6379/{backend}") == "redis://localhost:6379/0"
        on_redis = session.endpoints(CodeURLs(redis_broker=0, redis_backend=1))
        assert on_redis.env["CELERY_BROKER_URL"] == session.redis_url("broker")
        assert on_redis.canonical(f"redis://localhost:6379/{broker} redis://localhost:6379/{backend}") == (
            "redis://localhost:6379/0 redis://localhost:6379/1"
        )
        # no result backend in the code: none is handed over, so the step shows "results: disabled://"
        assert "CELERY_RESULT_BACKEND" not in session.endpoints(CodeURLs()).env
    finally:
        session.close()
    assert session.vhost not in vhosts(stack)
    assert [client.dbsize() for client in clients] == [0, 0]


def test_messages_exchanges_and_policies_a_page_leaves_behind_are_dropped():
    """The session's queues, exchanges and policies are deleted (a message the broker puts back later
    has nowhere to go; the next page may declare an exchange of the same name with another type; a
    dead-letter policy would reach the next page's queue)."""
    from kombu import Connection, Exchange

    session = Session(Stack.from_environment())
    session.open()
    try:
        with Connection(session.broker_url) as connection:
            queue = connection.SimpleQueue("celery")
            queue.put({"left": "behind"})
            queue.close()
            Exchange("jobs", type="topic")(connection.default_channel).declare()
        vhost = quote(session.vhost, safe="")
        dead_letters = {"dead-letter-exchange": "", "dead-letter-routing-key": "celery.dead"}
        session.stack.api("PUT", f"/api/policies/{vhost}/dead-letters", {"pattern": "^celery$", "definition": dead_letters})
        assert [p["name"] for p in session.stack.api("GET", f"/api/policies/{vhost}")] == ["dead-letters"]
        broker_db = redis.Redis.from_url(session.redis_url("broker"))
        broker_db.lpush("celery", "a message on the Redis broker")
        session.empty_broker()
        assert session.stack.api("GET", f"/api/queues/{vhost}") == []
        assert session.stack.api("GET", f"/api/policies/{vhost}") == []
        left = [e["name"] for e in session.stack.api("GET", f"/api/exchanges/{vhost}")]
        assert "jobs" not in left and "" in left and "amq.direct" in left, left
        with Connection(session.broker_url) as connection:
            Exchange("jobs", type="direct")(connection.default_channel).declare()  # as the next page may
        assert broker_db.exists("celery") == 0
    finally:
        session.close()


def test_a_readers_worker_under_the_default_node_name_is_not_disturbed(project):
    """A reader runs `celery -A run worker` (node celery@<host>) on the vhost they use, and then the suite.

    The suite's workers have the same node name. Since Celery 5.7 the remote
    control queue is exclusive, so two such workers on one vhost cannot both
    live (RESOURCE_LOCKED): this passes only because the suite never starts a
    worker on a reader's vhost. The reader's vhost is played by one made for
    this test, since the suite itself must not start a worker on '/'.
    """
    stack = Stack.from_environment()
    readers_vhost = f"{VHOST_PREFIX}reader-{uuid.uuid4().hex[:8]}"
    path = quote(readers_vhost, safe="")
    stack.api("PUT", f"/api/vhosts/{path}", {"description": f"a reader's vhost, created {time.time():.0f}"})
    stack.api("PUT", f"/api/permissions/{path}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    env = {
        **os.environ,
        processes.SESSION_VAR: "reader-worker",
        "PYTHONUNBUFFERED": "1",
        "CELERY_BROKER_URL": f"amqp://guest:guest@localhost:5672/{readers_vhost}",
    }
    reader = processes.Background(
        "reader", f"{sys.executable} -m celery -A run worker -l INFO", ROOT / "snippets/02-app-tasks/step-4/src", env
    )
    try:
        assert reader.wait_for(lambda out: " ready." in out, timeout=30), reader.output
        worker_page(project, step=4, args="[1, 2]", inspect=True)
        # "1 node online." in the inspect output: the reader's worker is not seen
        result, _ = run_suite(project, "docs/ko/mini.md")
        assert result.returncode == 0, result.stdout
        assert reader.alive(), reader.output
        assert "received" not in reader.output  # the suite's task went to the suite's worker
        assert "RESOURCE_LOCKED" not in result.stdout + reader.output
    finally:
        reader.kill()
        stack.api("DELETE", f"/api/vhosts/{path}")
    # the worker and its pool processes are gone
    assert processes.sweep("reader-worker") == []


def test_a_redis_url_the_suite_cannot_place_is_refused(tmp_path):
    """A constant passed on would send the step to a reader's database 0; the block fails instead."""
    import pytest

    from coursetest.stack import StepCodeError, code_urls

    (tmp_path / "run.py").write_text('REDIS = "redis://localhost:6379/0"\napp = Celery("x", backend=REDIS)\n')
    with pytest.raises(StepCodeError, match=r"run.py names 'redis://localhost:6379/0' \(line 1\)"):
        code_urls(tmp_path)
    (tmp_path / "run.py").write_text('app = Celery("x", broker="redis://localhost:6379/2", backend="redis://localhost:6379/3")\n')
    code_urls.cache_clear()
    assert (code_urls(tmp_path).redis_broker, code_urls(tmp_path).redis_backend) == (2, 3)
