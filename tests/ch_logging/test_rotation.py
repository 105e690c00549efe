"""Several processes rotating one file lose lines that one process keeps."""

from __future__ import annotations

import sys
from pathlib import Path

from ch_logging import rotation

# gh-116263, released in 3.12.6 and 3.13.0, made shouldRollover() trust the
# handler's own file position instead of seeking to the end of the file.
SEEKS_TO_END = sys.version_info < (3, 12, 6)


def test_one_process_keeps_a_contiguous_run_of_the_newest_lines(tmp_path: Path) -> None:
    rotation.write_lines(tmp_path / "one.log", 60, processes=1)
    kept = sorted(rotation.kept(tmp_path / "one.log"))
    assert kept == [f"line-{k:04d}" for k in range(60 - len(kept), 60)]
    assert "line-0059" in kept


def test_two_processes_lose_the_quiet_workers_recent_lines(tmp_path: Path) -> None:
    lost = rotation.lost_lines(tmp_path, total=72)
    assert lost  # the claim: lines are lost, on every version
    # every lost line is one the quiet worker (every 7th line) wrote
    assert all(int(line.removeprefix("line-")) % 7 == 0 for line in lost)
    assert "line-0070" in lost  # written two lines before the end, and gone


def test_size_check_sees_other_writers_only_before_3_12_6(tmp_path: Path) -> None:
    # 3.11 and 3.12.0-3.12.5 seek to the end of the file and see all 90 bytes;
    # from 3.12.6 and 3.13 the handler sees only its own 10 bytes.
    assert rotation.size_check_sees_other_writers(tmp_path) is SEEKS_TO_END


def test_which_lines_are_lost_depends_on_the_version(tmp_path: Path) -> None:
    lost = rotation.lost_lines(tmp_path, total=60)
    if SEEKS_TO_END:
        # the quiet worker rotates the busy worker's files away, losing its own
        assert lost == ["line-0028", "line-0035", "line-0042", "line-0049", "line-0056"]
    else:
        # the quiet worker never rotates; its file pushes out the busy worker's
        assert lost == ["line-0027", "line-0029"]
