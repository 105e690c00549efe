"""The charts render from the committed data, in the three formats the build needs."""

from __future__ import annotations

import json
from pathlib import Path

from ch_concurrency_models.plot_models import render_charts

DATA = Path(__file__).resolve().parents[2] / "book/concurrency/data/models.json"


def test_every_chart_is_written_as_png_svg_and_pdf(tmp_path: Path) -> None:
    paths = render_charts(DATA, tmp_path)
    stems = {p.stem for p in paths}
    assert stems == {"models_cpu_bound", "models_io_bound", "models_gil_release"}
    for stem in stems:
        assert {p.suffix for p in paths if p.stem == stem} == {".png", ".svg", ".pdf"}
    assert (tmp_path / "models_io_bound.png").read_bytes()[:4] == b"\x89PNG"


def test_committed_data_records_the_machine() -> None:
    machine = json.loads(DATA.read_text())["machine"]
    for key in ("os_cpu_count", "sched_getaffinity", "platform", "python", "date_utc"):
        assert machine[key]
    assert "load_average_at_start" in machine
