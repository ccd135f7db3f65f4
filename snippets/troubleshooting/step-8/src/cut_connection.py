"""Close the connection of the worker that consumes the app's default queue.

As a broker restart or a network failure would, through RabbitMQ's
management API (port 15672).
"""

import base64
import json
import sys
import urllib.error
import urllib.request
from urllib.parse import quote

from tasks import app

queue = app.conf.task_default_queue
broker = app.connection()
api = f"http://{broker.hostname}:15672/api"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()


def ask(method, path):
    request = urllib.request.Request(api + path, method=method, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


consumers = ask("GET", f"/consumers/{quote(broker.virtual_host, safe='')}")
names = {c["channel_details"]["connection_name"] for c in consumers if c["queue"]["name"] == queue}
if not names:
    sys.exit(f"nobody consumes {queue!r} (yet); try again in a moment")
for name in names:
    try:
        ask("DELETE", f"/connections/{quote(name, safe='')}")
    except urllib.error.HTTPError as error:
        if error.code != 404:  # 404: already gone, nothing to close
            raise
print(f"closed {len(names)} connection(s) consuming {queue!r}")
