# Celery reads these module-level names as its settings.
broker_url = "amqp://guest:guest@localhost:5672//"
result_backend = "redis://localhost:6379/0"
# Link a chord's error callback to its header tasks too (default: False).
task_allow_error_cb_on_chord_header = True
