"""Small tasks that fail the way chapters 5 and 6 explain, one error each."""

import os
import signal

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y


@app.task
def div(x, y):
    return x / y


@app.task
def total(numbers):
    return sum(numbers)


@app.task
def crash():
    # what the kernel's OOM killer does to a pool process that uses too much memory
    os.kill(os.getpid(), signal.SIGKILL)


@app.task(bind=True, max_retries=1)
def not_ready(self):
    # retry() without exc=: when the retries are used up there is no error of its own to record
    raise self.retry(countdown=0)


@app.task
def add_and_wait(x, y):
    # never do this: waiting for another task inside a task
    return add.delay(x, y).get(timeout=10)
