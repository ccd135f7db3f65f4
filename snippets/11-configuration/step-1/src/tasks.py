from celery import Celery

app = Celery("tasks", broker="amqp://guest:guest@localhost:5672//")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y
