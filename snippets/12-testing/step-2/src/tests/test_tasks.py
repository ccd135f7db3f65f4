from tasks import fetch_rate, normalize_tags, order_total


def test_order_total():
    assert order_total([1000, 2500]) == 3500


def test_normalize_tags():
    assert normalize_tags.run([" Sale", "sale", "NEW"]) == {"sale", "new"}


def test_order_total_fails_on_text():
    result = order_total.apply(args=(["1000", 2500],))
    assert result.status == "FAILURE"
    assert isinstance(result.result, TypeError)


def test_fetch_rate_retries():
    result = fetch_rate.apply(args=("USD",), kwargs={"fail_times": 2})
    assert result.get() == {"currency": "USD", "rate": 1350, "retries": 2}
