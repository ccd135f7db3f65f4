from celery import Celery

app = Celery("tutorial", broker="amqp://guest:guest@localhost:5672//")
