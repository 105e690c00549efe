"""An ordinary application module: its logger is created when it is imported."""

from __future__ import annotations

import logging

# [start payments]
logger = logging.getLogger(__name__)  # "ch_logging.payments", created at import


def refund(order_id: str) -> None:
    logger.info("refund issued for %s", order_id)
    # [end payments]
