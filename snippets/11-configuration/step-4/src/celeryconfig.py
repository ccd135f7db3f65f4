broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
task_acks_late = True
CELERYD_PREFETCH_MULTIPLIER = 1  # left over from a Celery 3 configuration
