from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task(bind=True)
def whoami(self):
    return {
        "id": self.request.id,
        "retries": self.request.retries,
        "redelivered": self.request.delivery_info["redelivered"],
    }


@app.task(bind=True, max_retries=3)
def fetch(self, failures):
    """Fails `failures` times, then succeeds."""
    try:
        if self.request.retries < failures:
            raise ConnectionError(f"attempt {self.request.retries + 1} failed")
    except ConnectionError as exc:
        raise self.retry(exc=exc, countdown=1)
    return f"ok after {self.request.retries} retries"


@app.task(bind=True, max_retries=2)
def wait_ready(self):
    """Never ready: retries without an exception."""
    raise self.retry(countdown=1)


@app.task(autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=False)
def sync():
    raise ConnectionError("service unavailable")
