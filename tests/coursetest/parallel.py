"""Pages in parallel: how pytest-xdist shares the work among its workers.

Each xdist worker is a test session of its own (its own vhost and Redis
databases, see ``plugin.course_session``). A Korean page and its English twin
must run in the same worker, one after the other, so that the English blocks
are compared with the Korean ones instead of running again: they form one
unit of work. Tests under ``tests/`` go by module, since module fixtures (a
browser, a served site) are shared within one; a module in ``ONE_UNIT_PER_TEST``
is split into its tests instead, because they are slow and independent (axe
on every page: each of its tests takes ~20 s, the module ~80 s, longer than any
page).

Pages that run blocks in a common step folder are one unit too (see
``page_units``). Units are handed out longest first, as far as a name tells:
pages before the machinery's tests (pages wait on workers, countdowns and the
broker), then the slow tests split one per unit, then the rest; larger before
smaller.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from xdist.scheduler import LoadScopeScheduling

from .pages import ROOT, PageError, all_pages, read_page

ONE_UNIT_PER_TEST = {"tests/test_accessibility.py"}


@lru_cache(maxsize=None)
def page_units() -> dict[str, str]:
    """Page file name -> its unit: pages whose blocks run in a common step folder are one unit.

    Two pages that use one folder at the same time would see each other's pid
    files and schedules, and the first to end would delete them (runner.PageRun.close).
    """
    folders: dict[str, set[str]] = {}
    for page in all_pages():
        name = "/".join(page.relative_to(ROOT / "docs").parts[1:])
        try:
            used = {block.cwd for block in read_page(page) if block.cwd and block.kind.needs_stack}
        except PageError:
            used = set()  # reported where the page is collected
        folders.setdefault(name, set()).update(used)
    unit = {name: {name} for name in folders}
    for a in folders:
        for b in folders:
            if a < b and folders[a] & folders[b] and unit[a] is not unit[b]:
                merged = unit[a] | unit[b]
                for name in merged:
                    unit[name] = merged
    return {name: "docs/*/" + "+".join(sorted(group)) for name, group in unit.items()}


def unit_of(nodeid: str) -> str:
    """docs/ko/x.md::line 3 and docs/en/x.md::line 3 -> docs/*/x.md (with the pages that share its
    step folders); tests/test_a.py::t -> tests/test_a.py."""
    path = nodeid.split("::", 1)[0]
    if path in ONE_UNIT_PER_TEST:
        return nodeid
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "docs":
        name = "/".join(parts[2:])
        return page_units().get(name, "docs/*/" + name)
    return path


def _priority(unit: tuple[str, dict]) -> tuple:
    """Pages first, then the slow tests split one per unit, then the rest; larger before smaller."""
    name, items = unit
    return (not name.startswith("docs/"), name.split("::")[0] not in ONE_UNIT_PER_TEST, -len(items))


class PageScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        """Before the first unit goes out, order the queue: pages first, then larger before smaller."""
        if not getattr(self, "_ordered", False):
            self._ordered = True
            ordered = sorted(self.workqueue.items(), key=_priority)
            self.workqueue = OrderedDict(ordered)
        super()._assign_work_unit(node)
