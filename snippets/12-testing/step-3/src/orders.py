from tasks import send_receipt


def place_order(order_id, email):
    # ... the order would be saved to the database here ...
    send_receipt.delay(order_id, email)
    return "placed"
