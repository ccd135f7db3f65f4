from kombu import Queue

# Celery reads these module-level names as its settings.
broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
# Only the queues listed here exist for Celery: a misspelt queue is an error, not a new queue.
task_create_missing_queues = False
task_queues = [
    Queue("celery"),
    Queue("images", queue_arguments={"x-max-priority": 10}),
]
