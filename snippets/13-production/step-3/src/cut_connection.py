"""Close the connection of the worker that consumes the `celery` queue.

As a broker restart, a failover or a network failure would. RabbitMQ's
management API (port 15672) lists each consumer with the name of its
connection; DELETE on that connection closes it.
"""

import base64
import json
import sys
import urllib.error
import urllib.request
from urllib.parse import quote

from tasks import app

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()


def ask(method, path):
    request = urllib.request.Request(api + path, method=method, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


consumers = ask("GET", f"/consumers/{quote(broker.virtual_host, safe='')}")
names = {c["channel_details"]["connection_name"] for c in consumers if c["queue"]["name"] == "celery"}
if not names:
    sys.exit("nobody consumes 'celery' (yet); try again in a moment")
for name in names:
    try:
        ask("DELETE", f"/connections/{quote(name, safe='')}")
    except urllib.error.HTTPError as error:
        if error.code != 404:  # 404: already gone, nothing to close
            raise
print(f"closed {len(names)} connection(s) consuming 'celery'")
