"""How many CPUs may this process use? Three answers, and the one to trust."""

from __future__ import annotations

import math
import os
from pathlib import Path


# [start counts]
def cpu_counts() -> dict[str, int | None]:
    """What the standard library reports: none of it reads a CPU quota."""
    counts: dict[str, int | None] = {"os.cpu_count": os.cpu_count()}
    if hasattr(os, "sched_getaffinity"):  # Linux: CPUs this process may run on
        counts["sched_getaffinity"] = len(os.sched_getaffinity(0))
    process_cpu_count = getattr(os, "process_cpu_count", None)  # new in 3.13
    if process_cpu_count is not None:  # pragma: no cover - Python 3.13 and later
        counts["os.process_cpu_count"] = process_cpu_count()
    return counts


# [end counts]


# [start quota]
def parse_cpu_max(text: str) -> float | None:
    """Parse cgroup v2 ``cpu.max`` ("<quota> <period>" in microseconds).

    "max 100000" means no quota; "150000 100000" means 1.5 CPUs of time
    per period, which is what ``resources.limits.cpu: 1500m`` sets.
    """
    quota, period = text.split()
    return None if quota == "max" else int(quota) / int(period)


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2, as seen inside a container


def cgroup_cpu_limit(path: Path = CPU_MAX) -> float | None:
    try:
        return parse_cpu_max(path.read_text())
    except (OSError, ValueError):  # no cgroup v2, or an unreadable file
        return None


def worker_budget(
    environ: dict[str, str] | None = None, cpu_max: Path = CPU_MAX
) -> int:
    """Workers to start: an explicit setting wins, then quota, then affinity."""
    environ = dict(os.environ) if environ is None else environ
    if "WORKERS" in environ:  # set it from the pod spec: the most honest source
        return max(1, int(environ["WORKERS"]))
    usable = len(os.sched_getaffinity(0))
    quota = cgroup_cpu_limit(cpu_max)
    if quota is not None:
        usable = min(usable, max(1, math.floor(quota)))
    return usable


# [end quota]


if __name__ == "__main__":
    counts = cpu_counts()
    assert counts["os.cpu_count"] == os.cpu_count()
    assert parse_cpu_max("max 100000\n") is None
    assert parse_cpu_max("150000 100000") == 1.5
    assert worker_budget({"WORKERS": "3"}) == 3
    assert 1 <= worker_budget() <= (os.cpu_count() or 1)
