"""dictConfig disables loggers that exist already unless you tell it not to."""

from __future__ import annotations

import logging
import logging.config
from typing import Any

from ch_logging import payments  # imported BEFORE logging is configured

# [start config]
CONFIG: dict[str, Any] = {
    "version": 1,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    # "disable_existing_loggers" is missing, so it defaults to True
}
# [end config]


# [start main]
def main(*, keep_existing: bool) -> None:
    config = {**CONFIG, "disable_existing_loggers": not keep_existing}
    logging.config.dictConfig(config)
    logging.getLogger("ch_logging.startup").info("configured")  # created after
    payments.refund("A-17")  # logger created at import, before dictConfig
    # [end main]


if __name__ == "__main__":
    from ch_logging._isolation import clean_logging

    with clean_logging():
        main(keep_existing=False)
        assert payments.logger.disabled
    with clean_logging():
        main(keep_existing=True)
        assert not payments.logger.disabled
