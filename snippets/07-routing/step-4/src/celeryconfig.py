broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

task_queue_max_priority = 10  # queues are declared with x-max-priority: 10
task_default_priority = 5  # a task sent without priority= gets this
worker_prefetch_multiplier = 1  # hold one message per process, leave the rest in the queue
