from dataclasses import dataclass

from celery import Celery

app = Celery("tasks")
app.config_from_object("celeryconfig")


@dataclass
class Summary:
    words: int
    unique: int


@app.task
def add(x, y):
    return x + y


@app.task
def summarize(text):
    words = text.split()
    return Summary(words=len(words), unique=len(set(words)))
