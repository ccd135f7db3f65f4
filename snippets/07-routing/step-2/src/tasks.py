from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


def where(task):
    """Which worker ran this task, and from which queue (its routing key)."""
    return f"{task.request.hostname} <- {task.request.delivery_info['routing_key']}"


@app.task(bind=True)
def add(self, x, y):
    return where(self)


@app.task(bind=True)
def resize_image(self, path):
    return where(self)


@app.task(bind=True)
def report_daily(self):
    return where(self)


@app.task(bind=True)
def report_weekly(self):
    return where(self)
