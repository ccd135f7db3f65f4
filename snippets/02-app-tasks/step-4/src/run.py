from celery import Celery

app = Celery(
    "tutorial",
    broker="amqp://guest:guest@localhost:5672//",
    include=["tasks.math", "tasks.info"],  # the worker imports these modules when it starts
)
