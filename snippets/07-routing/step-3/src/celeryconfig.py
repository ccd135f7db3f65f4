from kombu import Exchange, Queue
from kombu.common import Broadcast

broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

events = Exchange("events", type="topic")

task_queues = [
    Queue("celery"),
    Queue("images"),
    Queue("reports"),
    Queue("errors", events, routing_key="*.error"),  # any source, level error
    Queue("billing", events, routing_key="billing.*"),  # source billing, any level
    Broadcast("reload"),  # every worker that consumes it gets its own copy
]
task_create_missing_queues = False  # a queue name not listed above is an error

task_routes = {
    "tasks.resize_image": {"queue": "images"},
    "tasks.report_*": {"queue": "reports"},
    "tasks.record": {"exchange": "events"},  # the routing key is given per call
    "tasks.reload_config": {"queue": "reload", "exchange": "reload"},
}
