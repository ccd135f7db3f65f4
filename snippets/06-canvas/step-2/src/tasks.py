from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def add(x, y):
    return x + y


@app.task
def mul(x, y):
    return x * y


@app.task
def xsum(numbers):
    return sum(numbers)


@app.task
def div(x, y):
    return x / y


@app.task
def on_error(request, exc, traceback):
    print(f"on_error: {request.task}[{request.id}] raised {exc!r}")


@app.task
def sum_then_double(numbers):
    # Wrong: waits for another task inside a task.
    total = xsum.delay(numbers).get(timeout=10)
    return total * 2
