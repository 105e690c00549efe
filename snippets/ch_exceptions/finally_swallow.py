"""A return inside finally discards the exception in flight (a mistake)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


# [start return-in-finally]
def charge_tokens(used: int, budget: int) -> int:
    try:
        remaining = budget - used
        if remaining < 0:
            raise ValueError(f"over budget by {-remaining} tokens")
        return remaining
    finally:
        logger.info("charged %d tokens", used)
        return 0  # noqa: B012, SIM107 - the mistake shown: drops the error


# [end return-in-finally]


# [start fixed-finally]
def charge_tokens_fixed(used: int, budget: int) -> int:
    try:
        remaining = budget - used
        if remaining < 0:
            raise ValueError(f"over budget by {-remaining} tokens")
        return remaining
    finally:
        logger.info("charged %d tokens", used)  # cleanup only, no return


# [end fixed-finally]


if __name__ == "__main__":
    assert charge_tokens(used=500, budget=100) == 0  # no exception reached us
    caught: ValueError | None = None
    try:
        charge_tokens_fixed(used=500, budget=100)
    except ValueError as exc:
        caught = exc
    assert caught is not None
    assert str(caught) == "over budget by 400 tokens"
