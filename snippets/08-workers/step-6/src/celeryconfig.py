broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"

worker_soft_shutdown_timeout = 3  # on a cold shutdown, give running tasks 3 s first
