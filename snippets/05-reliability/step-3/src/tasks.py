import os
import signal

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


def crash_unless_redelivered(task):
    """Kill this pool process (as the kernel's OOM killer would), unless the message is redelivered."""
    if not task.request.delivery_info["redelivered"]:
        os.kill(os.getpid(), signal.SIGKILL)


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True)
def charge_naive(self, order_id):
    redis = app.backend.client  # stands in for the payment service
    redis.rpush(f"payments:{order_id}", "charged")
    crash_unless_redelivered(self)  # dies after the side effect, before the ack
    return "charged"


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True)
def charge(self, order_id):
    redis = app.backend.client
    # SET NX: only the first delivery creates the key; it expires after a day
    if not redis.set(f"charge-done:{order_id}", self.request.id, nx=True, ex=24 * 3600):
        return "already charged"
    redis.rpush(f"payments:{order_id}", "charged")
    crash_unless_redelivered(self)
    return "charged"


@app.task(bind=True, rate_limit="2/s")
def tick(self):
    return self.request.hostname  # the worker that ran it
