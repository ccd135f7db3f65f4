"""Who holds which messages: the `celery` queue (management API) and each worker (inspect).

The counts of `celery inspect active`, `reserved` and `scheduled`, one line per worker.
"""

import base64
import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from tasks import app

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api/queues/{quote(broker.virtual_host, safe='')}/celery"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()
request = urllib.request.Request(api, headers={"Authorization": f"Basic {token}"})
with urllib.request.urlopen(request, timeout=10) as response:
    queue = json.load(response)
print(f"queue celery: ready={queue['messages_ready']} unacked={queue['messages_unacknowledged']}")

inspect = app.control.inspect(timeout=0.5)
with ThreadPoolExecutor() as threads:  # ask the three questions at once: each waits 0.5 s for replies
    active, reserved, scheduled = threads.map(lambda ask: ask() or {}, [inspect.active, inspect.reserved, inspect.scheduled])
for node in sorted(active):
    print(
        f"{node}: running={len(active[node])} reserved={len(reserved.get(node, []))} "
        f"eta={len(scheduled.get(node, []))}"
    )
