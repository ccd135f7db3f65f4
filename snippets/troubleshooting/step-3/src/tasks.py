"""One task, for the worker errors of chapter 8."""

import threading

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task(time_limit=1)
def stuck():
    """A call that never returns (a socket read without a timeout, say)."""
    threading.Event().wait()
