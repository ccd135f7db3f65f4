"""Check that compose.yaml and celery-worker.service let the worker stop cleanly.

Each must send SIGTERM to the worker's main process only, and wait longer than
worker_soft_shutdown_timeout before it sends SIGKILL.
"""

import configparser
import re

import yaml

import celeryconfig


def seconds(text):
    """'90s', '1m30s', '90' -> 90; anything else ('500ms', 'infinity') is an error."""
    units = {"h": 3600, "m": 60, "min": 60, "s": 1, "": 1}
    text = str(text).replace(" ", "")
    parts = re.findall(r"(\d+)(min|h|m|s|)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"cannot read {text!r} as seconds")
    return sum(int(n) * units[u] for n, u in parts)


soft = celeryconfig.worker_soft_shutdown_timeout
worker = yaml.safe_load(open("compose.yaml"))["services"]["worker"]
unit = configparser.ConfigParser(interpolation=None)
unit.read("celery-worker.service")
service = unit["Service"]

checks = [
    ("compose.yaml: stop_signal is SIGTERM", worker.get("stop_signal", "SIGTERM") == "SIGTERM"),
    (f"compose.yaml: stop_grace_period > {soft:g} s", seconds(worker["stop_grace_period"]) > soft),
    ("celery-worker.service: KillMode=mixed", service.get("KillMode") == "mixed"),
    (f"celery-worker.service: TimeoutStopSec > {soft:g} s", seconds(service["TimeoutStopSec"]) > soft),
]
for what, ok in checks:
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
raise SystemExit(0 if all(ok for _, ok in checks) else 1)
