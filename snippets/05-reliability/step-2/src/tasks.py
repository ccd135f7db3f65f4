import os
import signal
import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


def crash_unless_redelivered(task):
    """Kill this pool process (as the kernel's OOM killer would), unless the message is redelivered."""
    if not task.request.delivery_info["redelivered"]:
        os.kill(os.getpid(), signal.SIGKILL)
    return "done on redelivery"


@app.task(bind=True)
def report(self):
    return crash_unless_redelivered(self)


@app.task(bind=True, acks_late=True)
def report_acks_late(self):
    return crash_unless_redelivered(self)


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True)
def report_late(self):
    return crash_unless_redelivered(self)


@app.task(
    acks_late=True,
    reject_on_worker_lost=True,
    retry_on_worker_lost=True,
    max_retries=1,
    default_retry_delay=1,
)
def always_crash():
    os.kill(os.getpid(), signal.SIGKILL)


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


@app.task(acks_late=True)
def fail_late():
    raise ValueError("bad input")


@app.task(acks_late=True, acks_on_failure=False)
def fail_keep():
    raise ValueError("bad input")


@app.task(bind=True, acks_late=True, acks_on_timeout=False, time_limit=1)
def slow_late(self):
    """Take 2 s, past the 1 s hard time limit, unless the message is redelivered."""
    if not self.request.delivery_info["redelivered"]:
        time.sleep(2)
    return "done on redelivery"
