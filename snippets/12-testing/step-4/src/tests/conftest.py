import os

import pytest

from tasks import app

pytest_plugins = ("celery.contrib.pytest",)

# Celery reads these variables before any setting (celery/app/utils.py): in a shell
# or a CI job that sets them, these in-memory tests would go to a real broker.
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("CELERY_RESULT_BACKEND", None)


@pytest.fixture(scope="session")
def celery_config():
    return dict(broker_url="memory://", result_backend="cache+memory://")


@pytest.fixture
def eager():
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=False, task_eager_propagates=False)
