import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y


@app.task
def fail():
    raise ValueError("out of paper")


@app.task(bind=True)
def flaky(self):
    """Fails on the first try and asks for a retry; the retry succeeds."""
    if self.request.retries == 0:
        raise self.retry(exc=ConnectionError("service unavailable"), countdown=0)
    return "ok on retry"


@app.task
def hold(key):
    """Block until someone sets the Redis key `key` (for at most 10 minutes)."""
    redis = app.backend.client  # the result backend's Redis
    for _ in range(6000):
        if redis.delete(key):
            return f"{key}: released"
        time.sleep(0.1)
    raise TimeoutError(key)
