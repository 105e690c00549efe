"""basicConfig() configures the root once; force=True replaces what is there."""

from __future__ import annotations

import logging
import sys


# [start basicconfig]
def configure(fmt: str, *, force: bool = False) -> None:
    logging.basicConfig(level=logging.INFO, format=fmt, stream=sys.stdout, force=force)


def demo() -> None:
    log = logging.getLogger("app")
    configure("first  %(message)s")
    configure("second %(message)s")  # silently ignored: root has a handler
    log.info("hello")
    configure("third  %(message)s", force=True)  # closes and replaces it
    log.info("hello")
    # [end basicconfig]


if __name__ == "__main__":
    from ch_logging._isolation import clean_logging

    with clean_logging():
        demo()
        assert len(logging.getLogger().handlers) == 1
