broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

task_routes = {
    "tasks.resize_image": {"queue": "images"},  # one task, by its name
    "tasks.report_*": {"queue": "reports"},  # every task whose name matches the glob
}
