from celery import shared_task


@shared_task(bind=True)
def whoami(self, x):
    # bind=True: the task object itself comes first (self), and
    # self.request describes the message this run came from.
    return {
        "id": self.request.id,
        "args": self.request.args,
        "hostname": self.request.hostname,
        "retries": self.request.retries,
    }
