"""What a library does about logging: name a logger, attach a NullHandler, stop."""

from __future__ import annotations

import logging

# [start library]
# vendorkit/__init__.py: a client library you publish
logger = logging.getLogger("vendorkit")
logger.addHandler(logging.NullHandler())  # the ONLY handler a library adds


def fetch_quota() -> int:
    logger.warning("quota endpoint is deprecated; using the default quota")
    return 100
    # [end library]


# [start hijack]
def init_noisy_library() -> None:
    """What a library must NOT do: configure logging for the application."""
    logging.basicConfig(level=logging.DEBUG)  # takes over the root logger
    # [end hijack]


if __name__ == "__main__":
    from ch_logging._isolation import clean_logging

    with clean_logging():
        assert fetch_quota() == 100
        init_noisy_library()
        assert logging.getLogger().level == logging.DEBUG
