"""Screenshots of RabbitMQ's management UI (chapter 2's "life of a message", chapter 7's misspelt queue) and of Flower's dashboard (chapter 10).

Run from the project folder, with the stack up:

    PYTHONPATH=tests python -m coursetest.screenshots

It goes through the steps of chapter 2 with the real broker, in step-4's
folder (snippets/02-app-tasks/step-4/src), and photographs the management UI
(headless Chromium) at each state the chapter describes:

1. ``celery -A run call tasks.math.add -a '[1, 2]' --countdown 30``, no worker:
   the ``celery`` queue holds one Ready message       -> queue-ready.png
2. ``celery -A run worker -l INFO`` receives it and holds it until its eta:
   a consumer is connected                           -> queue-consumer.png
   and the message is Unacked                        -> queue-unacked.png
3. the eta comes, the worker acks and runs the task:
   the queue is empty; its chart shows the whole story -> queue-empty.png
4. chapter 7's misspelt route, in snippets/07-routing/step-2/src
   (``celery -A tasks call tasks.resize_image``, routed to ``image``, which
   no worker reads): a new queue, Ready 1, Consumers 0 -> queue-misspelt.png
5. chapter 10's Flower, in snippets/10-monitoring/step-1/src: a worker with ``-E`` and Flower with
   ``--basic-auth=admin:secret`` on a free port; ``add`` twice, ``fail`` once; the Workers page once it
   counts 2 succeeded, 1 failed -> flower-workers.png

Everything happens in a vhost of its own, ``course-screenshots`` (created
through the management API and deleted at the end), so a worker on ``/``
neither takes the message nor shows up. The management UI's numbers lag the
broker by up to ~10 s, so each state is awaited in the API first (for the last
picture, down to the newest point of the chart) and then in the page.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

from . import processes
from .browser import launch
from .pages import ROOT, snippet_root
from .runner import reader_environment
from .stack import Stack, StackUnavailable

OUT = ROOT / "docs" / "assets" / "screenshots"
STEP = snippet_root() / "02-app-tasks" / "step-4" / "src"
ROUTING = snippet_root() / "07-routing" / "step-2" / "src"  # resize_image routed to the misspelt queue `image`
VHOST = "course-screenshots"  # a fixed name: it shows in the screenshots' "Virtual host" column
VIEWPORT = {"width": 1000, "height": 800}
WAIT = 30.0  # seconds for one state to show, in the API or in the page


class ShotFailed(Exception):
    pass


# Parts of the management UI's pages (RabbitMQ 3.10 to 4.x)
QUEUES_TABLE = "#main table.list"  # Queues: one row per queue
TOTAL_COLUMN = "xpath=//*[@id='main']//table[contains(@class, 'list')]//th[normalize-space()='Total']"  # the message rates beyond it are all 0
CONSUMERS = "#main div:has(> h2:text-matches('^Consumers'))"  # a queue's Consumers section
CHART = "#main .section:first-of-type .hider"  # a queue's "Queued messages" chart and its legend
OVERVIEW = "#main .section:first-of-type"  # a queue's Overview: the charts, then Details (Consumers, Messages)


# The `celery` row of the Queues table, as {column header: cell text}.
QUEUE_ROW_JS = """() => {
  const table = document.querySelector("#main table.list")
  if (!table) return null
  const headers = [...table.querySelectorAll("thead tr:last-child th")].map(th => th.textContent.trim())
  for (const row of table.querySelectorAll("tbody tr")) {
    const cells = [...row.querySelectorAll("td")].map(td => td.textContent.trim())
    if (cells.includes("celery")) return Object.fromEntries(headers.map((h, i) => [h, cells[i]]))
  }
  return null
}"""

# The legend of the queue page's "Queued messages" chart, as {Ready: "1", Unacked: "0", Total: "1"}.
LEGEND_JS = """() => {
  const legend = document.querySelector("#main table.legend:not(:empty)")
  if (!legend) return null
  return Object.fromEntries([...legend.querySelectorAll("tr")].map(tr => [
    tr.querySelector("th").textContent.trim(), tr.querySelector("td").textContent.trim()]))
}"""


class Shooter:
    def __init__(self, stack: Stack, page, vhost: str):
        self.stack, self.page, self.vhost = stack, page, vhost
        self.ui = stack.management

    # --- the broker ---------------------------------------------------------------
    def queue(self, name: str = "celery") -> dict:
        """The queue as the management API shows it, with the newest point of each chart the UI draws."""
        try:
            path = f"/api/queues/{quote(self.vhost, safe='')}/{quote(name, safe='')}?lengths_age=60&lengths_incr=5"
            queue = self.stack.api("GET", path) or {}
        except StackUnavailable:
            return {}  # not declared yet
        for key in ("messages", "messages_ready", "messages_unacknowledged"):
            # newest first; the UI's chart (charts.js) draws from the second newest on
            samples = queue.get(f"{key}_details", {}).get("samples") or []
            queue[f"{key}_charted"] = samples[1]["sample"] if len(samples) > 1 else None
        return queue

    def wait_for_queue(self, what: str, name: str = "celery", **want: int) -> None:
        """Poll the management API until the queue ``name`` shows ``want`` (e.g. messages_ready=1)."""
        deadline = time.monotonic() + WAIT
        while True:
            queue = self.queue(name)
            if queue and all(queue.get(key) == value for key, value in want.items()):
                return
            if time.monotonic() > deadline:
                shown = {key: queue.get(key) for key in want}
                raise ShotFailed(f"{what}: the management API still shows {shown} after {WAIT:g} s, not {want}")
            time.sleep(0.5)

    # --- the management UI --------------------------------------------------------
    def log_in(self) -> None:
        broker = urlsplit(self.stack.broker)
        self.page.goto(self.ui + "/")
        self.page.fill("input[name=username]", broker.username or "guest")
        self.page.fill("input[name=password]", broker.password or "guest")
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#main h1")

    def choose_vhost(self) -> None:
        """Show only our vhost's queues (the UI remembers the choice)."""
        self.page.goto(self.ui + "/#/queues")
        self.page.locator("#main h1", has_text="Queues").wait_for()  # the list, or "... no queues ..." on an idle broker
        self.page.select_option("#show-vhost", self.vhost)

    def wait_in_page(self, what: str, script: str, want: dict) -> None:
        """Reload the view until ``script`` returns a dict that contains ``want``."""
        deadline = time.monotonic() + WAIT
        while True:
            self.page.reload()
            try:
                self.page.wait_for_function(
                    f"want => {{ const got = ({script})(); return got && Object.entries(want).every(([k, v]) => got[k] === v) }}",
                    arg=want,
                    timeout=3000,
                    polling=200,
                )
                return
            except Exception:  # noqa: BLE001 - playwright's TimeoutError: reload and look again
                if time.monotonic() > deadline:
                    got = self.page.evaluate(script)
                    raise ShotFailed(f"{what}: the management UI shows {got} after {WAIT:g} s, not {want}") from None

    def queues_view(self, what: str, **want: str) -> None:
        self.page.goto(self.ui + "/#/queues")
        self.wait_in_page(what, QUEUE_ROW_JS, want)

    def queue_view(self, what: str, name: str = "celery", **want: str) -> None:
        self.page.goto(f"{self.ui}/#/queues/{quote(self.vhost, safe='')}/{quote(name, safe='')}")
        self.wait_in_page(what, LEGEND_JS, want)

    def shoot(self, name: str, box: str, top: str | None = None, right: str | None = None) -> Path:
        """Save the area of ``box`` as docs/assets/screenshots/<name>, with a small margin.

        ``top`` / ``right`` name elements whose top / right edge bound the area
        instead (a section's title above a table; the last column worth showing).
        """
        area = self.page.locator(box).first.bounding_box()
        left, upper = area["x"], area["y"]
        right_edge, bottom = area["x"] + area["width"], area["y"] + area["height"]
        if top:
            upper = self.page.locator(top).first.bounding_box()["y"]
        if right:
            edge = self.page.locator(right).first.bounding_box()
            right_edge = edge["x"] + edge["width"]
        margin = 8
        clip = {"x": max(0, left - margin), "y": max(0, upper - margin)}
        # cut right at the border of the `right` element, so no sliver of the next column shows
        clip.update(width=right_edge + (1 if right else margin) - clip["x"], height=bottom + margin - clip["y"])
        path = OUT / name
        # bounding boxes are relative to the viewport (a click may have scrolled it); full_page takes the clip in
        # page coordinates, so an area reaching below the viewport is photographed whole
        scroll_x, scroll_y = self.page.evaluate("() => [window.scrollX, window.scrollY]")
        clip.update(x=clip["x"] + scroll_x, y=clip["y"] + scroll_y)
        self.page.screenshot(path=str(path), clip=clip, full_page=True)
        print(f"  {path.relative_to(ROOT)}  {clip['width']:.0f}x{clip['height']:.0f}  {path.stat().st_size // 1024} KiB")
        return path


def course_environment(broker_url: str, marker: str) -> dict[str, str]:
    """What a reader's shell has, with the private vhost as the broker (Celery prefers CELERY_BROKER_URL)."""
    env = reader_environment()
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
        CELERY_BROKER_URL=broker_url,
    )
    env[processes.SESSION_VAR] = marker  # so a sweep can find anything left behind
    return env


def fresh_vhost(stack: Stack) -> None:
    """Create the screenshots' vhost, empty; one left over by a run that was killed is replaced."""
    vhost, user = quote(VHOST, safe=""), quote(urlsplit(stack.broker).username or "guest", safe="")
    if any(c.get("vhost") == VHOST for c in stack.api("GET", "/api/connections") or []):
        raise ShotFailed(f"vhost {VHOST!r} has connections: is another screenshot run going on?")
    if any(v["name"] == VHOST for v in stack.api("GET", "/api/vhosts") or []):
        stack.api("DELETE", f"/api/vhosts/{vhost}")
    stack.api("PUT", f"/api/vhosts/{vhost}", {})
    stack.api("PUT", f"/api/permissions/{vhost}/{user}", {"configure": ".*", "write": ".*", "read": ".*"})


def open_vhost(stack: Stack) -> tuple[dict[str, str], str]:
    """A fresh screenshots' vhost, and (the environment of commands run in it, their session marker)."""
    marker = "screenshots-" + uuid.uuid4().hex[:10]
    broker = urlsplit(stack.broker)
    env = course_environment(f"{broker.scheme}://{broker.netloc}/{VHOST}", marker)
    fresh_vhost(stack)
    OUT.mkdir(parents=True, exist_ok=True)
    return env, marker


def close_vhost(stack: Stack, marker: str) -> None:
    """Kill whatever the commands left running, and delete the vhost."""
    processes.sweep(marker)
    stack.api("DELETE", f"/api/vhosts/{quote(VHOST, safe='')}")


def take_screenshots(stack: Stack) -> list[Path]:
    from playwright.sync_api import sync_playwright

    env, marker = open_vhost(stack)
    worker = None
    shots = []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.set_default_timeout(15_000)
            shooter = Shooter(stack, page, VHOST)
            shooter.log_in()
            shooter.choose_vhost()

            print("1. celery call --countdown 30, no worker: Ready")
            call = processes.run(
                "celery -A run call tasks.math.add -a '[1, 2]' --countdown 30", STEP, env, timeout=60
            )
            if call.returncode != 0:
                raise ShotFailed(f"celery call failed:\n{call.output}")
            shooter.wait_for_queue("the sent message", messages_ready=1, messages_unacknowledged=0, consumers=0)
            shooter.queues_view("the Ready message", Ready="1", Unacked="0")
            shots.append(shooter.shoot("queue-ready.png", QUEUES_TABLE, right=TOTAL_COLUMN))

            print("2. celery worker receives it and waits for the eta: a consumer, Unacked")
            worker = processes.Background("worker", "celery -A run worker -l INFO", STEP, env)
            if not worker.wait_for(lambda out: "] received" in out, timeout=WAIT):
                raise ShotFailed(f"the worker did not receive the task:\n{worker.output}")
            shooter.wait_for_queue("the received message", messages_ready=0, messages_unacknowledged=1, consumers=1)
            shooter.queues_view("the Unacked message", Ready="0", Unacked="1")
            shots.append(shooter.shoot("queue-unacked.png", QUEUES_TABLE, right=TOTAL_COLUMN))
            shooter.queue_view("the consumer", Ready="0", Unacked="1")
            section = page.locator(CONSUMERS)
            row = section.locator("table.list tbody tr").first
            for _ in range(3):  # the UI folds this section until it is opened, and may redraw it folded
                page.wait_for_function("() => !jQuery('#main .hider:animated').length")  # it slides
                if row.is_visible():
                    break
                section.locator("h2").click()
            else:
                raise ShotFailed("the queue page's Consumers section stays folded")
            shots.append(shooter.shoot("queue-consumer.png", f"{CONSUMERS} table.list", top=f"{CONSUMERS} > h2"))

            print("3. the eta comes: ack, the task runs, the queue is empty")
            if not worker.wait_for(lambda out: "] succeeded in " in out, timeout=WAIT + 30):
                raise ShotFailed(f"the worker did not run the task:\n{worker.output}")
            shooter.wait_for_queue(
                "the acked message", messages=0, messages_unacknowledged=0, consumers=1,
                messages_charted=0, messages_unacknowledged_charted=0,
            )
            shooter.queue_view("the empty queue", Ready="0", Unacked="0", Total="0")
            shots.append(shooter.shoot("queue-empty.png", f"{CHART} .box", top=f"{CHART} h3", right=f"{CHART} table.legend:has(tr)"))
            worker.stop()
            worker = None

            print("4. chapter 7: a route to a misspelt queue `image`: Ready 1, no consumer")
            call = processes.run("celery -A tasks call tasks.resize_image -a '[\"cat.jpg\"]'", ROUTING, env, timeout=60)
            if call.returncode != 0:
                raise ShotFailed(f"celery call failed:\n{call.output}")
            shooter.wait_for_queue("the misrouted message", "image", messages_ready=1, consumers=0, messages_ready_charted=1)
            shooter.queue_view("the misspelt queue", "image", Ready="1", Unacked="0")
            shots.append(shooter.shoot("queue-misspelt.png", OVERVIEW, top="#main h1"))
            browser.close()
    finally:
        if worker is not None:
            worker.stop()
        close_vhost(stack, marker)
    return shots

# --- chapter 10: Flower's dashboard -------------------------------------------------------------

MONITORING = snippet_root() / "10-monitoring" / "step-1" / "src"
FLOWER_AUTH = ("admin", "secret")  # the chapter's --basic-auth


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def take_flower_screenshots(stack: Stack) -> list[Path]:
    """Chapter 10: Flower's Workers page once it has counted a few tasks -> flower-workers.png.

    As the chapter does, in snippets/10-monitoring/step-1/src: a worker with -E, Flower on
    127.0.0.1 with the chapter's basic auth (on a free port, not to meet a Flower of the
    reader's on 5555), then `add` twice and `fail` once. Results go nowhere
    (CELERY_RESULT_BACKEND=disabled://): the step's code names Redis database 0, a reader's.
    The vhost is course-screenshots again, made afresh and deleted at the end.
    """
    from playwright.sync_api import sync_playwright

    env, marker = open_vhost(stack)
    env["CELERY_RESULT_BACKEND"] = "disabled://"
    port = free_port()
    shots = []
    try:
        print("5. chapter 10: Flower's Workers page, after add twice and fail once")
        worker = processes.Background("worker", "celery -A tasks worker -l INFO -c 1 -E", MONITORING, env)
        if not worker.wait_for(lambda out: " ready." in out, timeout=WAIT):
            raise ShotFailed(f"the worker did not start:\n{worker.output}")
        user, password = FLOWER_AUTH
        flower = processes.Background(
            "flower",
            f"celery -A tasks flower --address=127.0.0.1 --port={port} --basic-auth={user}:{password}",
            MONITORING,
            env,
        )
        if not flower.wait_for(lambda out: "'tasks.hold']" in out, timeout=WAIT):
            raise ShotFailed(f"Flower did not start:\n{flower.output}")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(
                viewport=VIEWPORT, device_scale_factor=1, http_credentials={"username": user, "password": password}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            shooter = Shooter(stack, page, VHOST)
            counts = "() => Object.fromEntries(['online', 'active', 'succeeded', 'failed'].map(k => [k, document.getElementById('workers-' + k)?.textContent.trim()]))"
            page.goto(f"http://127.0.0.1:{port}/")
            # the worker is online once Flower has its heartbeat: Flower receives events, none will be missed
            shooter.wait_in_page("the worker online in Flower", counts, {"online": "1"})
            send = processes.run(
                "python -c 'from tasks import add, fail; add.delay(1, 1); add.delay(2, 2); fail.delay()'",
                MONITORING, env, timeout=60,
            )
            if send.returncode != 0:
                raise ShotFailed(f"sending the tasks failed:\n{send.output}")
            shooter.wait_in_page("Flower's counts", counts, {"online": "1", "active": "0", "succeeded": "2", "failed": "1"})
            page.locator("#workers-table tbody tr", has_text="celery@").first.wait_for()
            shots.append(shooter.shoot("flower-workers.png", "section.workers-table-card", top="nav"))
            browser.close()
    finally:
        close_vhost(stack, marker)
    return shots


def main() -> int:
    stack = Stack.from_environment()
    try:
        stack.check()
        take_screenshots(stack)
        take_flower_screenshots(stack)
    except (StackUnavailable, ShotFailed) as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
