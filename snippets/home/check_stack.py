"""Check that the course's stack answers: RabbitMQ, its management API, and Redis."""

import urllib.request

from celery import Celery

app = Celery(
    "check",
    broker="amqp://guest:guest@localhost:5672//",
    backend="redis://localhost:6379/0",
)

with app.connection() as connection:
    connection.ensure_connection(max_retries=1)
    print("RabbitMQ: ok")

password = urllib.request.HTTPPasswordMgrWithDefaultRealm()
password.add_password(None, "http://localhost:15672/", "guest", "guest")
opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(password))
with opener.open("http://localhost:15672/api/overview", timeout=5) as response:
    print("RabbitMQ management UI: ok" if response.status == 200 else response.status)

app.backend.client.ping()
print("Redis: ok")
