broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

task_default_queue = "jobs"  # a queue of its own: no other worker on this page takes its tasks
