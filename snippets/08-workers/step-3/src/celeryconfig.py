broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

worker_prefetch_multiplier = 1  # reserve one message per pool process
task_acks_late = True  # ack after the task ends, so a running task counts against the prefetch
worker_eta_task_limit = 4  # hold at most 4 messages, however many have an ETA
