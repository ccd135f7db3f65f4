from tasks import normalize_tags, order_total


def test_in_memory(celery_app):
    assert celery_app.conf.broker_url == "memory://"
    assert celery_app.conf.result_backend == "cache+memory://"


def test_order_total(celery_worker):
    assert order_total.delay([1000, 2500]).get(timeout=10) == 3500


def test_normalize_tags(celery_worker):
    assert normalize_tags.delay([" Sale", "sale", "NEW"]).get(timeout=10) == {"sale", "new"}
