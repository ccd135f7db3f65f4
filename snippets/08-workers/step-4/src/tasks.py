import os
import threading
import time

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def pid():
    return os.getpid()


@app.task(soft_time_limit=1)
def export(rows):
    """Write rows slowly (0.1 s each); on the soft time limit, clean up instead."""
    try:
        for _ in range(rows):
            time.sleep(0.1)
        return f"exported {rows} rows"
    except SoftTimeLimitExceeded:
        return "soft time limit: partial export removed"


@app.task(time_limit=1)
def stuck():
    """A call that never returns (a socket read without a timeout, say)."""
    threading.Event().wait()
