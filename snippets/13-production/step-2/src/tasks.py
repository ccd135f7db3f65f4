import time

from celery import Celery
from celery.utils.log import get_task_logger

app = Celery("tasks")
app.config_from_object("celeryconfig")
logger = get_task_logger(__name__)


@app.task(acks_late=True)
def work(job):
    """Run until someone calls release(job) (for at most 60 s); count the runs that finish."""
    redis = app.backend.client  # the result backend's Redis
    logger.info("waiting for go:%s", job)
    for _ in range(600):
        if redis.exists(f"go:{job}"):
            return redis.incr(f"done:{job}")
        time.sleep(0.1)
    raise TimeoutError(job)


def release(job):
    app.backend.client.set(f"go:{job}", 1, ex=120)  # expires, so you can follow the page again


def finished(job):
    """How many runs of work(job) have finished."""
    return int(app.backend.client.get(f"done:{job}") or 0)
