from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task(bind=True)
def tick(self, label):
    """Note who sent this run under the Redis list runs:<label>, and return the label.

    self.request.origin is the node name of the process that sent the message;
    for beat it is gen<pid>@<host>, so two beats leave two different names.
    """
    app.backend.client.rpush(f"runs:{label}", self.request.origin)
    return label
