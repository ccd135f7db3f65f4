"""Show a queue as RabbitMQ's management API (port 15672) sees it.

`python queue_state.py` shows `celery`; `python queue_state.py NAME` another queue.

The same numbers as the management UI's Queues tab, plus a peek at the
messages that wait there (the UI's "Get messages", with the messages put back).
"""

import base64
import json
import sys
import urllib.request
from urllib.parse import quote

from tasks import app

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api"
vhost = quote(broker.virtual_host, safe="")
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()


def ask(path, body=None, method=None):
    request = urllib.request.Request(
        api + path,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = response.read()
    return json.loads(answer) if answer else None


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "celery"
    queue = ask(f"/queues/{vhost}/{name}")
    print(
        f"{name}: ready={queue['messages_ready']} "
        f"unacked={queue['messages_unacknowledged']} consumers={queue['consumers']}"
    )
    peek = {"count": 10, "ackmode": "ack_requeue_true", "encoding": "auto"}
    messages = ask(f"/queues/{vhost}/{name}/get", peek) if queue["messages_ready"] else []
    for message in messages:
        headers = message["properties"]["headers"]
        line = f"  {headers['task']} args={headers['argsrepr']}"
        for death in headers.get("x-death", []):  # added by RabbitMQ when it dead-letters
            line += f" ({death['reason']} in {death['queue']})"
        print(line)
