import os

from celery import Celery

app = Celery("tasks")
# APP_ENV=Production reads config.Production; without APP_ENV, config.Development
app.config_from_object("config:" + os.environ.get("APP_ENV", "Development"))


@app.task
def add(x, y):
    return x + y
