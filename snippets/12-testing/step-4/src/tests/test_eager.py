from tasks import normalize_tags, order_total


def test_order_total(eager):
    assert order_total.delay([1000, 2500]).get() == 3500


def test_normalize_tags(eager):
    assert normalize_tags.delay([" Sale", "sale", "NEW"]).get() == {"sale", "new"}
