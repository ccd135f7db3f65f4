"""One class per environment; tasks.py picks one by the APP_ENV environment variable."""


class Config:
    broker_url = "amqp://guest:guest@localhost:5672//"
    result_backend = "redis://localhost:6379/0"
    timezone = "Asia/Seoul"


class Development(Config):
    pass


class Production(Config):
    task_acks_late = True
    worker_prefetch_multiplier = 1
    worker_concurrency = 4
