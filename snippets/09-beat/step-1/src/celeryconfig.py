broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

beat_schedule = {
    # the entry's name: beat logs it each time it sends the task
    "tick-every-2s": {
        "task": "tasks.tick",  # the task's name, as the worker registers it
        "schedule": 2.0,  # every 2 seconds (a number of seconds or a timedelta)
        "args": ("every-2s",),  # the task's arguments, as in apply_async
    },
}
