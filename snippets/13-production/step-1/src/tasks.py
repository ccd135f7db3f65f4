from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def remind(key):
    """Count this run in Redis (the result backend's database); return its number."""
    return app.backend.client.incr(key)


def runs(key):
    """How many times `remind(key)` has run."""
    return int(app.backend.client.get(key) or 0)
