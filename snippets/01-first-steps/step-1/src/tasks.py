import time

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y


@app.task
def send_welcome_email(address):
    time.sleep(2)  # stands in for a slow mail server
    return f"welcome mail sent to {address}"
