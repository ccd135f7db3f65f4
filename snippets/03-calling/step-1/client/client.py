"""Send a task by name, without importing the code that defines it."""

from celery import Celery

app = Celery(
    "client",
    broker="amqp://guest:guest@localhost:5672//",
    backend="redis://localhost:6379/0",
)

result = app.send_task("tasks.add", args=(2, 3))
print(f"sent tasks.add as {result.id}")
print(f"result: {result.get(timeout=10)}")
