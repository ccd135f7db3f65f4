import os
import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def io(seconds):
    """Wait as a network call would: the CPU is free meanwhile."""
    time.sleep(seconds)
    return os.getpid()


@app.task
def spin(seconds):
    """Compute for `seconds` of wall time; return the share of a CPU this thread got."""
    start_wall, start_cpu = time.monotonic(), time.thread_time()
    while time.monotonic() - start_wall < seconds:
        sum(range(1000))
    return (time.thread_time() - start_cpu) / (time.monotonic() - start_wall)


@app.task
def hold(key):
    """Block until someone sets the Redis key `key` (for at most 60 s)."""
    redis = app.backend.client  # the result backend's Redis
    for _ in range(600):
        if redis.delete(key):
            return f"{key}: released"
        time.sleep(0.1)
    raise TimeoutError(key)


def release(*keys):
    """Set the keys that `hold` waits for."""
    for key in keys:
        app.backend.client.set(key, 1)
