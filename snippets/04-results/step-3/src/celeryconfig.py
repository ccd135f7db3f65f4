broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
result_expires = 60  # seconds; the default is one day
