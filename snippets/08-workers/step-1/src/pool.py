"""Each worker's pool, from the same reply as `celery inspect stats`."""

from tasks import app

stats = app.control.inspect(timeout=0.5).stats() or {}
for node, info in sorted(stats.items()):
    pool = info["pool"]
    print(f"{node}: processes={len(pool['processes'])} prefetch_count={info['prefetch_count']}")
