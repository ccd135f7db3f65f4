from celery import Celery

app = Celery("tasks")
# namespace="CELERY": read CELERY_TASK_ACKS_LATE as task_acks_late, and so on
app.config_from_object("settings", namespace="CELERY")


@app.task
def add(x, y):
    return x + y
