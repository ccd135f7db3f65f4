from celery import Celery

app = Celery("tutorial", broker="amqp://guest:guest@localhost:5672//")

# Importing the module runs its @app.task decorators, which register the tasks.
import tasks.math  # noqa: E402,F401
