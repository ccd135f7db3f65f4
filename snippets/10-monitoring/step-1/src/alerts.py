"""Check, once, what is worth an alert: waiting messages, queues nobody reads, failing tasks.

Queues come from RabbitMQ's management API (port 15672), task runs from Flower's
Prometheus metrics (port 5555). Prints one line per problem, or "ok".
"""

import base64
import json
import urllib.request
from collections import Counter
from urllib.parse import quote

from prometheus_client.parser import text_string_to_metric_families

from tasks import app

MAX_READY = 2  # messages waiting in one queue; set it above your normal peak
MAX_FAILED = 0.1  # the share of a task's runs that may fail
FLOWER_METRICS = "http://127.0.0.1:5555/metrics"

broker = app.connection()  # the broker URL of celeryconfig.py, parsed by kombu
api = f"http://{broker.hostname}:15672/api/queues/{quote(broker.virtual_host, safe='')}"
token = base64.b64encode(f"{broker.userid}:{broker.password}".encode()).decode()
request = urllib.request.Request(api, headers={"Authorization": f"Basic {token}"})
with urllib.request.urlopen(request, timeout=10) as response:
    queues = json.load(response)

problems = []
for queue in sorted(queues, key=lambda q: q["name"]):
    name = queue["name"]
    if name.endswith(".pidbox") or name.startswith("celeryev."):
        continue  # the queues of remote control and of event receivers
    ready = queue.get("messages_ready", 0)  # a new queue reports its counts a moment later
    if ready > MAX_READY:
        problems.append(f"queue {name}: {ready} messages waiting (limit {MAX_READY})")
    if queue["consumers"] == 0:
        problems.append(f"queue {name}: no consumers")

finished, failed = Counter(), Counter()
with urllib.request.urlopen(FLOWER_METRICS, timeout=10) as response:
    metrics = response.read().decode()
for family in text_string_to_metric_families(metrics):
    for sample in family.samples:
        if sample.name == "flower_events_total" and sample.labels["type"] in ("task-succeeded", "task-failed"):
            finished[sample.labels["task"]] += sample.value
            if sample.labels["type"] == "task-failed":
                failed[sample.labels["task"]] += sample.value
for task in sorted(finished):
    if failed[task] / finished[task] > MAX_FAILED:
        problems.append(f"task {task}: {failed[task]:.0f} of {finished[task]:.0f} runs failed")

print("\n".join(problems) or "ok")
