# A Django-style settings module: the project's own settings, and Celery's with the CELERY_ prefix.
DEBUG = False
SECRET_KEY = "change-me"
TIME_ZONE = "Asia/Seoul"

CELERY_BROKER_URL = "amqp://guest:guest@localhost:5672//"
CELERY_RESULT_BACKEND = "redis://localhost:6379/0"
CELERY_TASK_ACKS_LATE = True
