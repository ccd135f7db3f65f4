"""Show the task queues of the vhost as RabbitMQ's management API (port 15672) sees them.

As in the earlier steps, plus the queues of native delayed delivery
(celery_delayed_0 ... celery_delayed_27), summed up in one line.
"""

import base64
import json
import sys
import urllib.request
from urllib.parse import quote

from tasks import app

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api/queues/{quote(broker.virtual_host, safe='')}"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()

request = urllib.request.Request(api, headers={"Authorization": f"Basic {token}"})
with urllib.request.urlopen(request, timeout=10) as response:
    queues = json.load(response)

names = sys.argv[1:]
delayed = [q for q in queues if q["name"].startswith("celery_delayed_")]
for queue in sorted(queues, key=lambda q: q["name"]):
    if names and queue["name"] not in names:
        continue
    if queue["name"].endswith(".pidbox") or queue["name"].startswith("celeryev.") or queue in delayed:
        continue  # the queues every worker makes for itself; the delayed ones come below
    if "messages_ready" not in queue:  # a new queue reports its counts a few seconds later
        print(f"{queue['name']}: {queue['type']} (no counts yet, run again)")
        continue
    print(
        f"{queue['name']}: {queue['type']} ready={queue['messages_ready']} "
        f"unacked={queue['messages_unacknowledged']} consumers={queue['consumers']}"
    )
if delayed:
    types = ", ".join(sorted({q["type"] for q in delayed}))
    if all("messages_ready" in q for q in delayed):
        ready = f"ready={sum(q['messages_ready'] for q in delayed)}"
    else:
        ready = "(no counts yet, run again)"
    print(f"celery_delayed_* ({len(delayed)} queues): {types} {ready}")
