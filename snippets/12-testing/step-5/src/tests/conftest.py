import pytest

from tasks import app

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture(scope="session")
def celery_config():
    return dict(broker_url="amqp://guest:guest@localhost:5672//", result_backend="redis://localhost:6379/0")


@pytest.fixture
def eager():
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=False, task_eager_propagates=False)
