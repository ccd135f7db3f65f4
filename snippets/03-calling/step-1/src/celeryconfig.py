# Celery reads these module-level names as its settings.
broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
# The worker's time zone. A naive eta is still read as UTC (chapter 3).
timezone = "Asia/Seoul"
