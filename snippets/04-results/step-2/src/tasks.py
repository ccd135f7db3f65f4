from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y


@app.task
def div(x, y):
    return x / y


@app.task(ignore_result=True)
def log_visit(page):
    print(f"visited {page}")
