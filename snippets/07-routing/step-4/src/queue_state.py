"""Show the task queues of the vhost as RabbitMQ's management API (port 15672) sees them.

The same numbers as the management UI's Queues tab, one line per queue.
`python queue_state.py images reports` shows only the queues named.
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
for queue in sorted(queues, key=lambda q: q["name"]):
    if names and queue["name"] not in names:
        continue
    if queue["name"].endswith(".pidbox") or queue["name"].startswith("celeryev."):
        continue  # the queues every worker makes for itself (remote control, events)
    if "messages_ready" not in queue:  # a new queue reports its counts a few seconds later
        print(f"{queue['name']}: {queue['type']} (no counts yet, run again)")
        continue
    print(
        f"{queue['name']}: {queue['type']} ready={queue['messages_ready']} "
        f"unacked={queue['messages_unacknowledged']} consumers={queue['consumers']}"
    )
