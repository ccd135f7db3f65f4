from fractions import Fraction

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@app.task
def ratio(a, b):
    return Fraction(a, b)  # not JSON: needs result_serializer = "pickle"
