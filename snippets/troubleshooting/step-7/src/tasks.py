from celery import Celery

app = Celery("shop", broker="amqp://guest:guest@localhost:5672//", backend="redis://localhost:6379/0")


@app.task
def add(x, y):
    return x + y


@app.task
def send_receipt(order_id, email):
    return f"receipt for order {order_id} sent to {email}"
