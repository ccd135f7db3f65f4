"""Print the events of workers and senders as they arrive, one line each.

The same stream that `celery events` and Flower read. Heartbeats (every 2 s) are left out.
"""

from tasks import app

state = app.events.State()  # remembers each task's name: only task-sent and task-received carry it

DETAILS = ("queue", "result", "exception", "terminated", "signum")


def show(event):
    state.event(event)
    kind = event["type"]
    if kind == "worker-heartbeat":
        return
    if kind.startswith("worker-"):
        print(f"{kind:<15} {event['hostname']}", flush=True)
        return
    task = state.tasks[event["uuid"]]
    details = " ".join(f"{key}={event[key]}" for key in DETAILS if key in event)
    print(f"{kind:<15} {task.name}[{task.uuid}] {details}".rstrip(), flush=True)


with app.connection() as connection:
    receiver = app.events.Receiver(connection, handlers={"*": show})
    print("watching events (Ctrl+C to stop)", flush=True)
    receiver.capture(limit=None, timeout=None, wakeup=True)
