from tasks import normalize_tags, order_total


def test_real_stack(celery_app):
    # the broker that answers is RabbitMQ, and the result backend is a Redis server that answers
    with celery_app.connection() as conn:
        conn.connect()
        assert conn.connection.server_properties["product"] == "RabbitMQ"
    assert celery_app.backend.client.ping()


def test_order_total(celery_worker):
    assert order_total.delay([1000, 2500]).get(timeout=10) == 3500


def test_normalize_tags(celery_worker):
    assert normalize_tags.delay([" Sale", "sale", "NEW"]).get(timeout=10) == ["new", "sale"]
