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

Units are handed out longest first, so the longest page does not start last:
pages before the machinery's tests (pages wait on workers, countdowns and the
broker, while most tests are quick), larger before smaller.
"""

from __future__ import annotations

from collections import OrderedDict

from xdist.scheduler import LoadScopeScheduling


ONE_UNIT_PER_TEST = {"tests/test_accessibility.py"}


def unit_of(nodeid: str) -> str:
    """docs/ko/x.md::line 3 and docs/en/x.md::line 3 -> docs/*/x.md; tests/test_a.py::t -> tests/test_a.py."""
    path = nodeid.split("::", 1)[0]
    if path in ONE_UNIT_PER_TEST:
        return nodeid
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] == "docs":
        return "/".join(["docs", "*", *parts[2:]])
    return path


class PageScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _assign_work_unit(self, node) -> None:
        """Before the first unit goes out, order the queue: pages first, then larger before smaller."""
        if not getattr(self, "_ordered", False):
            self._ordered = True
            ordered = sorted(self.workqueue.items(), key=lambda unit: (not unit[0].startswith("docs/"), -len(unit[1])))
            self.workqueue = OrderedDict(ordered)
        super()._assign_work_unit(node)
