import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


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
