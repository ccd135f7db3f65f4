import time

from celery import Celery
from celery.utils.log import get_task_logger

app = Celery("tasks")
app.config_from_object("celeryconfig")
logger = get_task_logger(__name__)


class PaymentDeclined(Exception):
    pass


@app.task
def add(x, y):
    return x + y


@app.task
def div(x, y):
    return x / y


@app.task(ignore_result=True)
def log_visit(page):
    print(f"visited {page}")


@app.task
def slow_add(x, y):
    time.sleep(1.5)  # stands in for slow work
    return x + y


@app.task
def charge(order_id, amount):
    logger.info("charging %s won for order %s", amount, order_id)
    if amount > 100_000:
        raise PaymentDeclined(f"order {order_id}: over the limit")
    return f"order {order_id} paid"


@app.task
def add_and_double(x, y):
    # Wrong on purpose: a task must not wait for another task's result.
    return add.delay(x, y).get(timeout=10) * 2
