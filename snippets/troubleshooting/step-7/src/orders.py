from tasks import send_receipt


def place_order(order_id, email):
    send_receipt.delay(order_id, email)
    return "placed"
