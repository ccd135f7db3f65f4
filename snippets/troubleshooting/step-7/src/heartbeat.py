import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)
from celery.contrib.testing.worker import start_worker

from tasks import add, app

with start_worker(app, shutdown_timeout=3):
    print(add.delay(2, 3).get(timeout=10))
