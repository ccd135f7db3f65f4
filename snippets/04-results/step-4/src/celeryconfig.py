broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
result_expires = 60  # seconds; the default is one day
task_track_started = True  # store STARTED when a worker starts a task
result_extended = True  # also store the task's name, arguments, worker and queue
