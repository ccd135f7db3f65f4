"""One periodic task, for the beat errors of chapter 9."""

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def tick():
    return "tick"
