broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

# The sender publishes a task-sent event for each task (off by default).
task_send_sent_event = True
