broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

beat_schedule = {
    "plain": {
        "task": "tasks.tick",
        "schedule": 1.0,
        "args": ("plain",),
    },
    "expiring": {
        "task": "tasks.tick",
        "schedule": 1.0,
        "args": ("expiring",),
        # not run if no worker starts it within 1 second of being sent:
        # by then the next one is due anyway
        "options": {"expires": 1},
    },
}
