"""One task, for the routing errors of chapter 7."""

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def resize(path):
    return f"resized {path}"
