broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
result_serializer = "pickle"  # results as pickle; the caller still accepts only JSON
