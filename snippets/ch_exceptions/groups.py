"""TaskGroup raises ExceptionGroup; except* handles it by type."""

from __future__ import annotations

import asyncio
import logging

from ch_exceptions.llm_errors import LLMError, RateLimited

logger = logging.getLogger(__name__)


# [start taskgroup]
async def ask(vendor: str, error: LLMError | None) -> str:
    await asyncio.sleep(0)  # stands in for the HTTP call
    if error is not None:
        raise error
    return f"answer from {vendor}"


async def ask_all(plan: dict[str, LLMError | None]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(ask(vendor, err)) for vendor, err in plan.items()]
    return [task.result() for task in tasks]


# [end taskgroup]


# [start except-star]
async def ask_all_or_degrade(plan: dict[str, LLMError | None]) -> list[str]:
    answers = ["degraded: cached answer"]
    try:
        answers = await ask_all(plan)
    except* RateLimited as group:  # handles only the RateLimited members
        logger.warning("%d vendors rate-limited us", len(group.exceptions))
    # Every other member (BadRequest, bugs) propagates in a new ExceptionGroup.
    return answers


# [end except-star]
