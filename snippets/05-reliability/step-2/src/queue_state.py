"""Show the `celery` queue as RabbitMQ's management API (port 15672) sees it.

The same numbers as the management UI's Queues tab, plus a peek at the
messages that wait there (the UI's "Get messages", with the messages put back).
"""

import base64
import json
import urllib.request
from urllib.parse import quote

from tasks import app

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api/queues/{quote(broker.virtual_host, safe='')}/celery"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()


def ask(url, body=None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


queue = ask(api)
print(
    f"celery: ready={queue['messages_ready']} "
    f"unacked={queue['messages_unacknowledged']} consumers={queue['consumers']}"
)
peek = {"count": 10, "ackmode": "ack_requeue_true", "encoding": "auto"}
for message in ask(api + "/get", peek) if queue["messages_ready"] else []:
    headers = message["properties"]["headers"]
    print(f"  {headers['task']} args={headers['argsrepr']} eta={headers['eta']}")
