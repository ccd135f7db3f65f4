broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

# a late-ack task whose ack was lost with the connection is cancelled, not run twice at once
worker_cancel_long_running_tasks_on_connection_loss = True
# replace a pool process once its peak memory has passed 150,000 KiB (about 146 MiB)
worker_max_memory_per_child = 150_000
# on a cold shutdown (SIGTERM with REMAP_SIGTERM=SIGQUIT), give running tasks 60 s first
worker_soft_shutdown_timeout = 60
# log lines a log collector can split: time, level, process, logger or task
worker_log_format = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"
worker_task_log_format = "%(asctime)s %(levelname)s %(processName)s %(task_name)s[%(task_id)s]: %(message)s"
