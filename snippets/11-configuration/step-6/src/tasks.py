from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")
app.setup_security()  # registers the auth serializer with the key and certificates above


@app.task
def add(x, y):
    return x + y


@app.task
def mul(x, y):
    return x * y
