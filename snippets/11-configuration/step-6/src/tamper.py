"""Someone with access to the broker: take a message from the queue `parked`, change its
arguments, and put it into `celery`, where the worker reads."""

import base64
import sys

from kombu import Queue

from tasks import app

SEPARATOR = b"\x00\x01"  # between the fields of an auth message (celery/security/serialization.py)

with app.connection_for_write() as conn:
    message = Queue("parked").bind(conn.default_channel).get(no_ack=True)
    if message is None:
        sys.exit("no message in the queue parked")
    signer, signature, content_type, encoding, body = base64.b64decode(message.body).split(SEPARATOR, 4)
    print("read: ", body.decode())  # signed, not encrypted: anyone can read it
    body = body.replace(b"[2, 3]", b"[2, 30]")
    print("wrote:", body.decode())
    conn.Producer().publish(
        base64.b64encode(SEPARATOR.join([signer, signature, content_type, encoding, body])),
        routing_key="celery",
        headers=message.headers,  # the task name and id, unchanged
        content_type=message.content_type,
        content_encoding=message.content_encoding,
    )
