from unittest import mock

import orders
from tasks import send_receipt


def test_place_order_sends_receipt():
    with mock.patch.object(send_receipt, "delay") as delay:
        assert orders.place_order(7, "minji@example.com") == "placed"
    delay.assert_called_once_with(7, "minji@example.com")


def test_delay_goes_through_apply_async():
    with mock.patch.object(send_receipt, "apply_async") as apply_async:
        orders.place_order(7, "minji@example.com")
    apply_async.assert_called_once_with((7, "minji@example.com"), {})
