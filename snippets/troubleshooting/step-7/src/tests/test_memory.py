def test_in_memory(celery_app):
    assert celery_app.conf.broker_url == "memory://"
