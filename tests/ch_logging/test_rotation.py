"""Several processes rotating one file lose lines that one process keeps."""

from __future__ import annotations

from pathlib import Path

from ch_logging import rotation


def test_one_process_keeps_a_contiguous_run_of_the_newest_lines(tmp_path: Path) -> None:
    rotation.write_lines(tmp_path / "one.log", 60, processes=1)
    kept = sorted(rotation.kept(tmp_path / "one.log"))
    assert kept == [f"line-{k:04d}" for k in range(60 - len(kept), 60)]
    assert "line-0059" in kept


def test_two_processes_lose_the_quiet_workers_recent_lines(tmp_path: Path) -> None:
    lost = rotation.lost_lines(tmp_path, total=60)
    assert lost  # the claim: lines are lost
    # every lost line is one the quiet worker (every 7th line) wrote
    assert all(int(line.removeprefix("line-")) % 7 == 0 for line in lost)
    assert "line-0056" in lost  # written near the end, and gone
