"""Send the same ten io(0.5) tasks to a worker of each pool and compare the times.

Each worker is started here with `-c 10` on a queue of its own (`bench-<pool>`),
pinged until it answers, and shut down by remote control afterwards, so nothing
of the benchmark reaches the `celery` queue that the next sections' worker reads.
One block of the chart stands for 2.5 seconds.
"""

import math
import socket
import subprocess
import time

from tasks import app, io, spin

TASKS, SECONDS, BLOCK = 10, 0.5, 2.5


def worker(pool):
    node = f"{pool}@{socket.gethostname()}"
    process = subprocess.Popen(
        ["celery", "-A", "tasks", "worker", "-P", pool, "-c", "10", "-n", node, "-Q", f"bench-{pool}",
         "--without-mingle", "--without-gossip"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    while not app.control.ping(destination=[node], timeout=0.5):
        if process.poll() is not None:
            raise RuntimeError(f"{node} exited")
    return process, node


def run(pool, *jobs):
    """Start a worker of `pool`; for each (task, args, count) job: (seconds until all are done, results)."""
    process, node = worker(pool)
    try:
        timings = []
        for task, args, count in jobs:
            started = time.monotonic()
            results = [task.apply_async(args, queue=f"bench-{pool}") for _ in range(count)]
            values = [result.get(timeout=60) for result in results]
            timings.append((time.monotonic() - started, values))
        return timings
    finally:
        app.control.shutdown(destination=[node])
        process.wait(timeout=60)


print(f"{TASKS} x io({SECONDS}), -c 10")
print("pool     processes  time        chart (one block = 2.5 s)")
for pool in ["prefork", "threads", "gevent", "solo"]:
    jobs = [(io, [SECONDS], TASKS)]
    if pool == "threads":  # the same worker then runs two CPU-bound tasks at once
        jobs.append((spin, [1.0], 2))
    (elapsed, pids), *rest = run(pool, *jobs)
    if rest:
        _, shares = rest[0]
    processes = "several" if len(set(pids)) > 1 else "one"
    bound = "under 2.5 s" if elapsed < BLOCK else "5 s or more" if elapsed >= TASKS * SECONDS else "?"
    print(f"{pool:8} {processes:10} {bound:11} {'█' * math.ceil(elapsed / BLOCK)}")

print()
print("2 x spin(1.0) on threads: each got under 3/4 of a CPU:", all(s < 0.75 for s in shares))
