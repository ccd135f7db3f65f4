from celery import Celery

app = Celery("shop", broker="amqp://guest:guest@localhost:5672//", backend="redis://localhost:6379/0")


@app.task
def order_total(prices):
    return sum(prices)


@app.task
def normalize_tags(tags):
    return {tag.strip().lower() for tag in tags}


@app.task
def send_receipt(order_id, email):
    return f"receipt for order {order_id} sent to {email}"


@app.task(bind=True, max_retries=3)
def fetch_rate(self, currency, fail_times=0):
    # stands in for an exchange-rate API that fails its first `fail_times` calls
    if self.request.retries < fail_times:
        raise self.retry(exc=ConnectionError("rate API is down"), countdown=10)
    return {"currency": currency, "rate": 1350, "retries": self.request.retries}
