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

import ast
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
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

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
# A Redis URL as a reader types it; the database number is what the page shows.
CANONICAL_REDIS = re.compile(r"redis://localhost:6379(?:/(\d+))?/?")
# Setting names (lower-cased) under which code names its broker and result backend.
BROKER_NAMES = {"broker", "broker_url", "celery_broker_url"}
BACKEND_NAMES = {"backend", "result_backend", "celery_result_backend"}


class StackUnavailable(Exception):
    pass


class StepCodeError(ValueError):
    """A step folder's code names its broker or backend in a way the suite cannot place."""


def reachable(host: str, port: int, timeout: float = 2.0) -> str | None:
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
            problem = reachable(parts.hostname or "localhost", parts.port or default_port)
            if problem:
                problems.append(f"  {name}: nothing answers at {problem}")
        if not problems:
            try:
                self.api("GET", "/api/whoami")
            except StackUnavailable as exc:
                problems.append(f"  RabbitMQ management API: {exc}")
        if problems:
            raise StackUnavailable("The course's stack is not reachable:\n" + "\n".join(problems) + "\n\n" + START_HINT)

    # --- management API ----------------------------------------------------------
    def api(self, method: str, path: str, body: dict | None = None):
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
    """A private vhost, and Redis databases claimed as needed, for one test session.

    One database holds results (where a step's code names a Redis result
    backend), another serves as the broker of steps whose code names a Redis
    broker; each is claimed the first time a block needs it.
    """

    def __init__(self, stack: Stack):
        self.stack = stack
        self.id = uuid.uuid4().hex[:10]
        self.vhost = VHOST_PREFIX + self.id
        self._dbs: dict[str, tuple[int, object]] = {}  # purpose -> (number, client)
        self._holder = None  # an AMQP connection that marks the vhost as in use

    def open(self) -> None:
        broker = urlsplit(self.stack.broker)
        user = broker.username or "guest"
        vhost = quote(self.vhost, safe="")
        self._remove_stale_sessions()
        self.stack.api("PUT", f"/api/vhosts/{vhost}", {"description": f"course test session, created {time.time():.0f}"})
        try:
            self.stack.api("PUT", f"/api/permissions/{vhost}/{quote(user, safe='')}", {"configure": ".*", "write": ".*", "read": ".*"})
            self._hold_vhost()
        except Exception as exc:
            self.stack.api("DELETE", f"/api/vhosts/{vhost}")
            raise StackUnavailable(f"could not use the new vhost {self.vhost}: {exc}") from exc

    def db(self, purpose: str) -> int:
        """The Redis database this session uses for `purpose` ('backend' or 'broker'), claimed on first use."""
        if purpose not in self._dbs:
            self._dbs[purpose] = self._claim_redis_db()
        return self._dbs[purpose][0]

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
        connected = {c.get("vhost") for c in self.stack.api("GET", "/api/connections") or []}
        for vhost in self.stack.api("GET", "/api/vhosts") or []:
            name = vhost["name"]
            created = re.search(r"created (\d+)", vhost.get("description") or "")
            young = created is not None and time.time() - int(created.group(1)) < YOUNG_VHOST
            if name.startswith(VHOST_PREFIX) and name not in connected and not young:
                self.stack.api("DELETE", f"/api/vhosts/{quote(name, safe='')}")

    def _claim_redis_db(self) -> tuple[int, object]:
        """Claim a Redis database (1-15) that no live session holds, and empty it."""
        import redis

        for db in range(15, 0, -1):
            client = redis.Redis.from_url(f"{self.stack.redis}/{db}")
            holder = client.get(CLAIM_KEY)
            if holder is not None and self._session_lives(holder.decode()):
                client.close()
                continue  # in use by a running session
            if holder is None and client.dbsize():
                client.close()
                continue  # somebody else's data: not ours to flush
            # free, or left by a session that was killed: take it over, unless
            # another session changes the claim first
            if self._take_claim(client, holder):
                _empty_but_claim(client)
                return db, client
            client.close()
        raise StackUnavailable(f"no free Redis database among 1-15 (each holds data or a {CLAIM_KEY} key)")

    def _session_lives(self, session_id: str) -> bool:
        """Does the session that claimed a database still have its vhost? Asked now, not from a list
        read earlier: a session that started meanwhile has made its vhost before it claims."""
        try:
            self.stack.api("GET", f"/api/vhosts/{quote(VHOST_PREFIX + session_id, safe='')}")
            return True
        except StackUnavailable as exc:
            if " answered 404 " in str(exc):
                return False
            raise

    def empty_broker(self) -> None:
        """Delete the queues, exchanges and policies a page left behind, so the next page starts as a reader would.

        Deleted, not purged: a worker killed at the end of the page has its
        unacked messages put back by the broker a moment later, which a purge
        done before that would miss. Exchanges too: chapter 7 declares ``jobs``
        as a topic exchange, the troubleshooting page as a direct one, and
        RabbitMQ refuses the second (``PRECONDITION_FAILED - inequivalent arg
        'type'``) when both pages run in one session. The broker's own (the
        default exchange and ``amq.*``) stay. Policies too: chapter 5 gives the
        ``celery`` queue a dead-letter policy and removes it, but a page that
        fails halfway would leave it on every later page's ``celery`` queue. A
        Redis broker database is emptied but for the claim (its queues are keys).
        """
        vhost = quote(self.vhost, safe="")
        for kind in ("queues", "exchanges", "policies"):
            for entity in self.stack.api("GET", f"/api/{kind}/{vhost}") or []:
                name = entity["name"]
                if kind == "exchanges" and (name == "" or name.startswith("amq.")):
                    continue
                try:
                    self.stack.api("DELETE", f"/api/{kind}/{vhost}/{quote(name, safe='')}")
                except StackUnavailable as exc:
                    if " answered 404 " not in str(exc):
                        raise  # 404: gone meanwhile, as a stopped worker's auto-delete queues (pidbox) go
        if "broker" in self._dbs:
            _empty_but_claim(self._dbs["broker"][1])

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
            self.stack.api("DELETE", f"/api/vhosts/{quote(self.vhost, safe='')}")
        finally:
            for _, client in self._dbs.values():
                client.flushdb()  # our data and our claim
                client.close()
            self._dbs.clear()

    # --- what commands see, and how their output is read back ------------------------
    @property
    def broker_url(self) -> str:
        broker = urlsplit(self.stack.broker)
        return f"{broker.scheme}://{broker.netloc}/{self.vhost}"

    def redis_url(self, purpose: str) -> str:
        return f"{self.stack.redis}/{self.db(purpose)}"

    def endpoints(self, code: CodeURLs) -> "Endpoints":
        """Where a step's commands really go, given the URLs its code names.

        The broker is the session's vhost, or (where the code names a Redis
        broker) the session's broker database; the result backend is handed
        over only where the code names a Redis one, so a step without a backend
        still shows ``results: disabled://``.
        """
        env = {"CELERY_BROKER_URL": self.broker_url}
        redis_dbs: dict[int, int] = {}  # session database -> the one the code names
        if code.redis_broker is not None:
            env["CELERY_BROKER_URL"] = self.redis_url("broker")
            redis_dbs[self.db("broker")] = code.redis_broker
        if code.redis_backend is not None:
            env["CELERY_RESULT_BACKEND"] = self.redis_url("backend")
            redis_dbs[self.db("backend")] = code.redis_backend
        return Endpoints(env, self.vhost, redis_dbs)


def _empty_but_claim(client) -> None:
    for key in client.scan_iter():
        if key != CLAIM_KEY.encode():
            client.delete(key)


@dataclass(frozen=True)
class CodeURLs:
    """The Redis databases a step's code names as broker and result backend (None: not Redis)."""

    redis_broker: int | None = None
    redis_backend: int | None = None


@dataclass(frozen=True)
class Endpoints:
    env: dict[str, str]
    vhost: str
    redis_dbs: dict[int, int]

    def canonical(self, output: str) -> str:
        """Write the session's vhost and databases back as the URLs the page's code names."""
        output = re.sub(rf"(:\d+)/{re.escape(self.vhost)}\b", r"\1//", output)
        output = output.replace(f"vhost '{self.vhost}'", "vhost '/'")  # RabbitMQ's error texts name the vhost
        output = output.replace(quote(self.vhost, safe=""), "%2F")
        if self.redis_dbs:
            numbers = "|".join(str(n) for n in self.redis_dbs)
            output = re.sub(
                rf"(redis://[^/\s]+)/({numbers})\b", lambda m: f"{m.group(1)}/{self.redis_dbs[int(m.group(2))]}", output
            )
        return output


def _named_strings(tree: ast.AST):
    """(name, string) for each `name="..."` keyword and `name = "..."` / `x.name = "..."` assignment."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            yield node.arg, node.value
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                name = getattr(target, "id", None) or getattr(target, "attr", None)
                if name:
                    yield name, node.value


@lru_cache(maxsize=None)
def code_urls(folder: Path) -> CodeURLs:
    """Which Redis databases the code in a step folder names as broker and backend.

    Read once per folder and session, from the syntax tree: a keyword
    (``Celery(broker=...)``) or an assignment (``broker_url = ...`` in a config
    module, ``app.conf.result_backend = ...``) whose value is a Redis URL as a
    reader types it.
    """
    found: dict[str, set[int]] = {"broker": set(), "backend": set()}
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # a file shown broken on purpose names nothing
        understood = set()
        for name, value in _named_strings(tree):
            if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                continue
            m = CANONICAL_REDIS.fullmatch(value.value)
            if m is None:
                continue
            purpose = "broker" if name.lower() in BROKER_NAMES else "backend" if name.lower() in BACKEND_NAMES else None
            if purpose:
                found[purpose].add(int(m.group(1) or 0))
                understood.add(id(value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in understood:
                if CANONICAL_REDIS.fullmatch(node.value):
                    # e.g. REDIS_URL = "redis://..."; Celery(backend=REDIS_URL): the suite could not
                    # tell where it goes, and the step would use a reader's own database
                    raise StepCodeError(
                        f"{path.name} names {node.value!r} (line {node.lineno}) other than as a broker or backend "
                        "setting; write it where it is used (Celery(broker=...) / backend=..., broker_url = ..., "
                        "result_backend = ...) so the suite can give the step a database of its own"
                    )
    for purpose, numbers in found.items():
        if len(numbers) > 1:
            raise StepCodeError(
                f"the code in {folder} names several Redis {purpose} databases ({sorted(numbers)}); "
                "give each its own step folder"
            )
    return CodeURLs(
        redis_broker=next(iter(found["broker"]), None), redis_backend=next(iter(found["backend"]), None)
    )


def compose_problems(path: Path) -> list[str]:
    """What keeps `docker compose up -d --wait` on this file from giving the pages their stack.

    Where there is no Docker engine (CI here) the command cannot run; what it
    promises can be checked: every service has a healthcheck (so --wait waits)
    and something answers on every port the file publishes.
    """
    compose = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    for name, service in compose["services"].items():
        if "healthcheck" not in service:
            problems.append(f"service {name} has no healthcheck, so --wait cannot wait for it")
        for port in service.get("ports", []):
            host, _, _ = str(port).rpartition(":")
            host_ip, _, host_port = host.rpartition(":")
            problem = reachable(host_ip or "127.0.0.1", int(host_port))
            if problem:
                problems.append(f"service {name} publishes {port}, but nothing answers at {problem}")
    return problems
