"""Pass arguments to the logger; do not format the message yourself."""

from __future__ import annotations

import logging


# [start counting]
class Snapshot:
    """Stands in for an object that is costly to render (a big dict, a model)."""

    def __init__(self) -> None:
        self.renders = 0

    def __str__(self) -> str:
        self.renders += 1
        return "<snapshot of 40 000 rows>"
        # [end counting]


# [start lazy-vs-eager]
log = logging.getLogger("ch_logging.lazy")


def log_lazily(snapshot: Snapshot) -> None:
    log.debug("state: %s", snapshot)  # rendered only if a handler takes it


def log_eagerly(snapshot: Snapshot) -> None:
    log.debug(f"state: {snapshot}")  # rendered before debug() is even called


def log_costly(rows: list[int]) -> None:
    if log.isEnabledFor(logging.DEBUG):  # guard work that is not just formatting
        log.debug("checksum %d", sum(rows))
        # [end lazy-vs-eager]


if __name__ == "__main__":
    log.setLevel(logging.INFO)
    lazy, eager = Snapshot(), Snapshot()
    log_lazily(lazy)
    log_eagerly(eager)
    log_costly([1, 2, 3])
    assert (lazy.renders, eager.renders) == (0, 1)
    log.setLevel(logging.NOTSET)
