from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task(bind=True)
def job(self, name):
    return f"{name} (priority {self.request.delivery_info['priority']})"
