"""The RabbitMQ + Redis stack, and this test session's private corner of it.

Pages keep the URLs a reader types (``amqp://guest:guest@localhost:5672//``,
``redis://localhost:6379/0``). The session instead uses a vhost and a Redis
database of its own and hands them to every command through
``CELERY_BROKER_URL`` / ``CELERY_RESULT_BACKEND``, which Celery prefers over
the URLs in code (``celery/app/utils.py``, ``Settings.broker_url``). A reader's
worker on ``/`` therefore neither takes the suite's tasks nor sees them. Output
is mapped back to the canonical URLs before it is compared with the page.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

START_HINT = (
    "Start the stack first, from the project folder:\n\n"
    "    docker compose up -d --wait\n\n"
    "(without Docker: run RabbitMQ with the management plugin on 5672/15672 and Redis on 6379; "
    "see .ci/run). Override the addresses with COURSE_BROKER_URL, COURSE_MANAGEMENT_URL, COURSE_REDIS_URL."
)

CANONICAL_BROKER = "amqp://guest:guest@localhost:5672//"
VHOST_PREFIX = "course-test-"
# The management API lists a new connection only after a few seconds (its
# statistics lag); a session's vhost younger than this is never taken for stale.
YOUNG_VHOST = 60.0
CLAIM_KEY = "course-test-session"
CANONICAL_BACKEND = "redis://localhost:6379/0"


class StackUnavailable(Exception):
    pass


def _reachable(host: str, port: int, timeout: float = 2.0) -> str | None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return f"{host}:{port} ({exc.strerror or exc})"


@dataclass
class Stack:
    broker: str  # e.g. amqp://guest:guest@localhost:5672//
    management: str  # e.g. http://localhost:15672
    redis: str  # e.g. redis://localhost:6379

    @classmethod
    def from_environment(cls) -> "Stack":
        return cls(
            broker=os.environ.get("COURSE_BROKER_URL", CANONICAL_BROKER),
            management=os.environ.get("COURSE_MANAGEMENT_URL", "http://localhost:15672").rstrip("/"),
            redis=os.environ.get("COURSE_REDIS_URL", "redis://localhost:6379").rstrip("/"),
        )

    # --- reachability ---------------------------------------------------------------
    def check(self) -> None:
        """Fail at once, with one message, when a service does not answer."""
        problems = []
        for name, url, default_port in (
            ("RabbitMQ (AMQP)", self.broker, 5672),
            ("RabbitMQ management API", self.management, 15672),
            ("Redis", self.redis, 6379),
        ):
            parts = urlsplit(url)
            problem = _reachable(parts.hostname or "localhost", parts.port or default_port)
            if problem:
                problems.append(f"  {name}: nothing answers at {problem}")
        if not problems:
            try:
                self._api("GET", "/api/whoami")
            except StackUnavailable as exc:
                problems.append(f"  RabbitMQ management API: {exc}")
        if problems:
            raise StackUnavailable("The course's stack is not reachable:\n" + "\n".join(problems) + "\n\n" + START_HINT)

    # --- management API ----------------------------------------------------------
    def _api(self, method: str, path: str, body: dict | None = None):
        broker = urlsplit(self.broker)
        token = base64.b64encode(f"{broker.username or 'guest'}:{broker.password or 'guest'}".encode()).decode()
        request = urllib.request.Request(
            self.management + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise StackUnavailable(f"{method} {path} answered {exc.code} {exc.reason}") from exc
        except OSError as exc:
            raise StackUnavailable(f"{method} {path} failed: {exc}") from exc
        return json.loads(payload) if payload else None


class Session:
    """A private vhost and Redis database for one test session."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.id = uuid.uuid4().hex[:10]
        self.vhost = VHOST_PREFIX + self.id
        self.db: int | None = None
        self._redis = None
        self._holder = None  # an AMQP connection that marks the vhost as in use

    def open(self) -> None:
        broker = urlsplit(self.stack.broker)
        user = broker.username or "guest"
        vhost = quote(self.vhost, safe="")
        self._remove_stale_sessions()
        self.stack._api("PUT", f"/api/vhosts/{vhost}", {"description": f"course test session, created {time.time():.0f}"})
        self.stack._api("PUT", f"/api/permissions/{vhost}/{quote(user, safe='')}", {"configure": ".*", "write": ".*", "read": ".*"})
        self._hold_vhost()
        self.db = self._claim_redis_db()

    def _hold_vhost(self) -> None:
        """Keep one AMQP connection to the vhost open while the session lives.

        It is how another session tells this vhost from one left by a killed
        session (see _remove_stale_sessions): without it, a session whose blocks
        had not started yet (the self-tests run first, and start sessions of
        their own) lost its vhost to them. The connection shows in the
        management API a few seconds late; until then the vhost is young.
        """
        from kombu import Connection

        self._holder = Connection(self.broker_url, heartbeat=0)
        self._holder.ensure_connection(max_retries=3)

    def _remove_stale_sessions(self) -> None:
        """Delete vhosts of earlier sessions that were killed before they could clean up.

        A session's vhost has connections while its blocks run; one without any
        belongs to a session that is gone.
        """
        connected = {c.get("vhost") for c in self.stack._api("GET", "/api/connections") or []}
        for vhost in self.stack._api("GET", "/api/vhosts") or []:
            name = vhost["name"]
            created = re.search(r"created (\d+)", vhost.get("description") or "")
            young = created is not None and time.time() - int(created.group(1)) < YOUNG_VHOST
            if name.startswith(VHOST_PREFIX) and name not in connected and not young:
                self.stack._api("DELETE", f"/api/vhosts/{quote(name, safe='')}")

    def _claim_redis_db(self) -> int:
        """Claim a Redis database (1-15) that no live session holds, and empty it."""
        import redis

        live = {v["name"].removeprefix(VHOST_PREFIX) for v in self.stack._api("GET", "/api/vhosts") or []}
        for db in range(15, 0, -1):
            client = redis.Redis.from_url(f"{self.stack.redis}/{db}")
            holder = client.get(CLAIM_KEY)
            if holder is not None and holder.decode() in live:
                client.close()
                continue  # in use by a running session
            if holder is None and client.dbsize():
                client.close()
                continue  # somebody else's data: not ours to flush
            # free, or left by a session that was killed: take it over, unless
            # another session changes the claim first
            if self._take_claim(client, holder):
                for key in client.scan_iter():
                    if key != CLAIM_KEY.encode():
                        client.delete(key)
                self._redis = client
                return db
            client.close()
        raise StackUnavailable(f"no free Redis database among 1-15 (each holds data or a {CLAIM_KEY} key)")

    def empty_queues(self) -> None:
        """Drop the messages a page left behind, so the next page starts as a reader would."""
        vhost = quote(self.vhost, safe="")
        for queue in self.stack._api("GET", f"/api/queues/{vhost}") or []:
            try:
                self.stack._api("DELETE", f"/api/queues/{vhost}/{quote(queue['name'], safe='')}/contents")
            except StackUnavailable as exc:
                if " answered 404 " not in str(exc):
                    raise  # 404: gone meanwhile, as a stopped worker's auto-delete queues (pidbox) go

    def _take_claim(self, client, holder: bytes | None) -> bool:
        import redis

        with client.pipeline() as pipe:
            try:
                pipe.watch(CLAIM_KEY)
                if pipe.get(CLAIM_KEY) != holder:
                    return False
                pipe.multi()
                pipe.set(CLAIM_KEY, self.id, ex=86400)  # expires, should even a sweep be missed
                pipe.execute()
                return True
            except redis.WatchError:
                return False

    def close(self) -> None:
        if self._holder is not None:
            self._holder.release()
            self._holder = None
        try:
            self.stack._api("DELETE", f"/api/vhosts/{quote(self.vhost, safe='')}")
        finally:
            if self._redis is not None:
                self._redis.flushdb()  # our data and our claim
                self._redis.close()
                self._redis = None

    # --- what commands see, and how their output is read back ------------------------
    @property
    def broker_url(self) -> str:
        broker = urlsplit(self.stack.broker)
        return f"{broker.scheme}://{broker.netloc}/{self.vhost}"

    @property
    def backend_url(self) -> str:
        return f"{self.stack.redis}/{self.db}"

    def environment(self, uses_backend: bool) -> dict[str, str]:
        env = {"CELERY_BROKER_URL": self.broker_url}
        if uses_backend:
            env["CELERY_RESULT_BACKEND"] = self.backend_url
        return env

    def canonical(self, output: str) -> str:
        """Write the session's vhost and database back as the page's canonical URLs."""
        output = re.sub(rf"(:\d+)/{re.escape(self.vhost)}\b", r"\1//", output)
        output = output.replace(quote(self.vhost, safe=""), "%2F")
        if self.db is not None:
            output = re.sub(rf"(redis://[^/\s]+)/{self.db}\b", r"\1/0", output)
        return output
