import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


def wait_for(key):
    """Block until someone sets the Redis key `key` (for at most 60 s)."""
    redis = app.backend.client  # the result backend's Redis
    for _ in range(600):
        if redis.delete(key):
            return f"{key}: released"
        time.sleep(0.1)
    raise TimeoutError(key)


@app.task
def hold(key):
    return wait_for(key)


@app.task(acks_late=True)
def hold_late(key):
    return wait_for(key)


@app.task
def io(seconds):
    time.sleep(seconds)
    return f"slept {seconds} s"


def release(*keys):
    """Set the keys that `hold` and `hold_late` wait for."""
    for key in keys:
        app.backend.client.set(key, 1)
