"""Several processes rotating one log file lose lines that one process keeps."""

from __future__ import annotations

import logging
import multiprocessing
import sys
from logging.handlers import RotatingFileHandler
from multiprocessing.connection import Connection
from pathlib import Path

MAX_BYTES = 100  # tiny on purpose: nine 10-byte lines per file
BACKUPS = 3  # keep app.log plus app.log.1 .. app.log.3


# [start writer]
def writer(path: Path, commands: Connection) -> None:
    """One worker process (a uvicorn or gunicorn worker, say) with its own handler."""
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("worker")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    while (line := commands.recv()) is not None:
        log.info(line)
        commands.send("written")  # tell the parent: this line is on disk
    handler.close()
    # [end writer]


# [start orchestrate]
def write_lines(path: Path, total: int, *, processes: int) -> None:
    """Process 0 writes most lines; process 1 (if any) every 7th line.

    The parent hands out one line at a time and waits until it is written, so
    no two processes ever act at once: whatever is lost below is lost by the
    rotation logic itself, the same way on every run.
    """
    spawn = multiprocessing.get_context("spawn")
    pipes = [spawn.Pipe() for _ in range(processes)]
    workers = [spawn.Process(target=writer, args=(path, child)) for _, child in pipes]
    for worker in workers:
        worker.start()
    for k in range(total):
        parent, _ = pipes[1 if processes == 2 and k % 7 == 0 else 0]
        parent.send(f"line-{k:04d}")
        assert parent.recv() == "written"
    for parent, _ in pipes:
        parent.send(None)
    for worker in workers:
        worker.join(timeout=30)


def kept(path: Path) -> set[str]:
    files = [path, *(Path(f"{path}.{i}") for i in range(1, BACKUPS + 1))]
    return {line for f in files if f.exists() for line in f.read_text().split()}
    # [end orchestrate]


# [start compare]
def lost_lines(directory: Path, total: int = 72) -> list[str]:
    """Lines that one process keeps after rotation but two processes lose."""
    write_lines(directory / "one.log", total, processes=1)
    write_lines(directory / "two.log", total, processes=2)
    return sorted(kept(directory / "one.log") - kept(directory / "two.log"))
    # [end compare]


# [start size-check]
def size_check_sees_other_writers(directory: Path) -> bool:
    """Does a handler's size check count the bytes another handle appended?

    `mine` writes one line, then `other` (another worker, in production) writes
    eight more: 90 bytes on disk. Is a tenth line due to roll the file over?
    """
    path = directory / "shared.log"
    mine = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
    other = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
    line = logging.makeLogRecord({"msg": "line-0000"})  # 10 bytes with "\n"
    mine.emit(line)
    for _ in range(8):
        other.emit(line)
    assert path.stat().st_size == 90  # 90 + 10 >= MAX_BYTES: the file is full
    answer = bool(mine.shouldRollover(line))
    mine.close()
    other.close()
    return answer
    # [end size-check]


if __name__ == "__main__":
    import tempfile

    # Spawned processes import `writer` by module path, so call the module's copy.
    from ch_logging import rotation

    with tempfile.TemporaryDirectory() as tmp:
        lost = rotation.lost_lines(Path(tmp))
        seek_to_end = rotation.size_check_sees_other_writers(Path(tmp))
    quiet_lines_kept_by_one = ["line-0042", "line-0049", "line-0056", "line-0063"]
    assert lost == [*quiet_lines_kept_by_one, "line-0070"], lost
    # gh-116263 (3.12.6, 3.13.0) dropped the seek to the end of the file
    assert seek_to_end == (sys.version_info < (3, 12, 6))
