broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
CELERY_ACKS_LATE = True  # an old (Celery 3) name among the new ones
