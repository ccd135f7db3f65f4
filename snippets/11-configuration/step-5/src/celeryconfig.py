broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
# Task messages stay JSON (the default); results are pickled, to return Python objects
result_serializer = "pickle"
