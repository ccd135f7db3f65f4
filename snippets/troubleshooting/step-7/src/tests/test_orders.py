from unittest import mock

import orders


def test_place_order_sends_receipt():
    with mock.patch("tasks.send_receipt") as send_receipt:
        orders.place_order(7, "minji@example.com")
    send_receipt.delay.assert_called_once_with(7, "minji@example.com")
