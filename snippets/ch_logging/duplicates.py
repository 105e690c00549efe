"""The duplicate-line bug: a logging helper that adds a handler on every call."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(levelname)s %(name)s %(message)s"


# [start buggy-get-logger]
def get_logger(name: str) -> logging.Logger:
    """A helper many code bases grow. It duplicates lines: do not copy it."""
    logger = logging.getLogger(name)  # the same object on every call
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)  # one MORE handler on every call
    logger.setLevel(logging.INFO)
    return logger


def setup_logging() -> None:
    """Called from main() and again from a test fixture, a worker, a CLI..."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)  # appended again on every call
    root.setLevel(logging.INFO)
    # [end buggy-get-logger]


# [start module-logger]
logger = logging.getLogger(__name__)  # one line per module; no handlers here


def charge(order_id: str) -> None:
    logger.info("charging order %s", order_id)
    # [end module-logger]


if __name__ == "__main__":
    from ch_logging._isolation import clean_logging

    with clean_logging():
        get_logger("billing")
        get_logger("billing")  # a second module asks for the same logger
        assert len(logging.getLogger("billing").handlers) == 2
        setup_logging()
        setup_logging()
        assert len(logging.getLogger().handlers) == 2
        charge("A-1")
