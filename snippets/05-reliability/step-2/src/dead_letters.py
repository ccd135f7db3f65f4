"""Give the `celery` queue a dead-letter queue, `celery.dead`, by a RabbitMQ policy.

A message the worker rejects without requeueing it goes to `celery.dead`
instead of being dropped. A policy can be set on a queue that already exists
and taken away again; a queue's own arguments (x-dead-letter-exchange)
cannot change once the queue is declared. `--remove` takes both away.
"""

import sys

from queue_state import ask, vhost

policy = {
    "pattern": "^celery$",
    "apply-to": "queues",
    "definition": {
        "dead-letter-exchange": "",  # the default exchange: to the queue named below
        "dead-letter-routing-key": "celery.dead",
    },
}

if sys.argv[1:] == ["--remove"]:
    ask(f"/policies/{vhost}/dead-letters", method="DELETE")
    ask(f"/queues/{vhost}/celery.dead", method="DELETE")
    print("removed: policy dead-letters, queue celery.dead")
else:
    ask(f"/queues/{vhost}/celery.dead", {"durable": True}, method="PUT")
    ask(f"/policies/{vhost}/dead-letters", policy, method="PUT")
    print("policy dead-letters: celery -> celery.dead")
