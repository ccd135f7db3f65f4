import os

import pytest

from tasks import app

pytest_plugins = ("celery.contrib.pytest",)

# The real stack: the project's addresses (tasks.py), or CELERY_BROKER_URL /
# CELERY_RESULT_BACKEND when they are set (app.conf reads them first).
STACK = dict(broker_url=app.conf.broker_url, result_backend=app.conf.result_backend)
# Celery would take these variables over celery_config: remove them, so that
# celery_config below is the only place the test app's addresses come from.
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("CELERY_RESULT_BACKEND", None)
app.conf.update(STACK)  # the project's app keeps the same addresses


@pytest.fixture(scope="session")
def celery_config():
    return STACK


@pytest.fixture
def eager():
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=False, task_eager_propagates=False)
