"""os.cpu_count reports the machine; affinity narrows it; no API reads a quota."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ch_concurrency_models import cpu_budget

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"
CHILD = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # pin to one CPU
from ch_concurrency_models.cpu_budget import cpu_counts
print(json.dumps(cpu_counts()))
"""


def _python(version: str) -> str | None:
    """An interpreter of that version on this machine, if there is one."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(
        glob.glob(
            os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")
        )
    )
    for candidate in filter(None, candidates):
        check = subprocess.run(
            [candidate, "-c", "pass"], capture_output=True, check=False
        )
        if check.returncode == 0:
            return candidate
    return None


def _pinned_counts(python: str) -> dict[str, int]:
    out = subprocess.run(
        [python, "-c", CHILD, str(SNIPPETS)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_affinity_narrows_but_cpu_count_does_not_change() -> None:
    counts = _pinned_counts(sys.executable)
    assert counts["sched_getaffinity"] == 1
    assert counts["os.cpu_count"] == os.cpu_count()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_process_cpu_count_follows_affinity_on_3_13() -> None:
    python = _python("3.13")
    if python is None:
        pytest.skip("no Python 3.13 on this machine")
    counts = _pinned_counts(python)
    assert counts["os.process_cpu_count"] == 1
    assert counts["os.cpu_count"] == os.cpu_count()


def test_quota_file_is_parsed_into_cpus() -> None:
    assert cpu_budget.parse_cpu_max("max 100000") is None
    assert cpu_budget.parse_cpu_max("150000 100000") == 1.5
    assert cpu_budget.parse_cpu_max("50000 100000") == 0.5


def test_quota_limits_the_worker_budget(tmp_path: Path) -> None:
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("100000 100000\n")  # limits.cpu: 1000m
    assert cpu_budget.worker_budget({}, cpu_max) == 1
    assert cpu_budget.worker_budget({"WORKERS": "6"}, cpu_max) == 6
    assert cpu_budget.worker_budget({}, tmp_path / "missing") == len(
        os.sched_getaffinity(0)
    )
    assert cpu_budget.cgroup_cpu_limit(tmp_path / "missing") is None
