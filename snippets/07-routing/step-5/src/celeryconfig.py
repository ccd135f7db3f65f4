broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

task_default_queue = "jobs"  # a new queue: an existing queue cannot change its type
task_default_queue_type = "quorum"
task_default_exchange_type = "topic"  # native delayed delivery needs a topic exchange
