# Celery reads these module-level names as its settings.
broker_url = "amqp://guest:guest@localhost:5672//"

# beat answers `celery inspect ping`, as with `celery beat --enable-remote-control`
beat_enable_remote_control = True

beat_schedule = {
    "tick-every-1s": {"task": "tasks.tick", "schedule": 1.0},
}
