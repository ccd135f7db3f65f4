"""A page whose code names Redis as its broker runs on a Redis database claimed for the session."""


import redis

from coursetest.selftest import run_suite
from coursetest.stack import CLAIM_KEY, VHOST_PREFIX, Stack

QUEUE = "redis-page-selftest"  # a queue name only this test uses

RUN_PY = f'''\
from celery import Celery

app = Celery("shop", broker="redis://localhost:6379/0", backend="redis://localhost:6379/1")
app.conf.task_default_queue = "{QUEUE}"


@app.task
def add(x, y):
    return x + y
'''

PAGE = '''\
<!--pytest.mark.cwd("redis-broker/step-1/src")-->
```py title="src/run.py"
--8<-- "redis-broker/step-1/src/run.py"
```

<!--pytest.mark.background("worker")-->
<!--pytest.mark.match("lines")-->
```console
$ celery -A run worker -l INFO
- ** ---------- .> transport:   redis://:**@localhost:6379/0
- ** ---------- .> results:     redis://localhost:6379/1
[2026-11-24 06:28:49,328: INFO/MainProcess] celery@vm ready.
```

```pycon
>>> from run import add
>>> add.delay(2, 3).get(timeout=10)
5
```

<!--pytest.mark.log("worker")-->
<!--pytest.mark.match("lines")-->
```text
[2026-11-24 06:28:50,100: INFO/ForkPoolWorker-1] Task run.add[0d6f5a7e-5d0a-4d43-9d3b-2bd9b2b1e6a1] succeeded in 0.0003s: 5
```
'''


def databases():
    stack = Stack.from_environment()
    return [redis.Redis.from_url(f"{stack.redis}/{db}") for db in range(16)]


def test_a_redis_broker_page_uses_a_claimed_database_and_leaves_nothing(project):
    stack = Stack.from_environment()
    step = project / "snippets/redis-broker/step-1/src"
    step.mkdir(parents=True)
    (step / "run.py").write_text(RUN_PY, encoding="utf-8")
    (project / "docs/ko/mini.md").write_text(PAGE, encoding="utf-8")
    binding = f"_kombu.binding.{QUEUE}"
    assert not any(db.exists(binding) for db in databases())

    result, _ = run_suite(project, "docs/ko/mini.md")
    assert result.returncode == 0, result.stdout
    assert "docs/ko/mini.md: 4 run" in result.stdout

    # DB 0 and 1, which the code names, were never touched; the claimed ones were emptied
    assert [n for n, db in enumerate(databases()) if db.exists(binding)] == []
    live = {v["name"].removeprefix(VHOST_PREFIX) for v in stack.api("GET", "/api/vhosts")}
    stale = [n for n, db in enumerate(databases()) if (db.get(CLAIM_KEY) or b"").decode() not in live | {""}]
    assert stale == [], "Redis databases still claimed by a session that has ended"
