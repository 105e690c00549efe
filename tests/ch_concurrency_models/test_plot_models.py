"""The committed benchmark data the charts are drawn from.

The charts themselves are checked when the listing runs (its main block).
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "book/concurrency/data/models.json"


def test_committed_data_records_the_machine() -> None:
    machine = json.loads(DATA.read_text())["machine"]
    for key in ("os_cpu_count", "sched_getaffinity", "platform", "python", "date_utc"):
        assert machine[key]
    assert "load_average_at_start" in machine
