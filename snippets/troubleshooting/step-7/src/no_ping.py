from celery.contrib.testing.worker import start_worker

from tasks import add, app

with start_worker(app):
    print(add.delay(2, 3).get(timeout=10))
