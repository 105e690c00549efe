"""TaskGroup raises ExceptionGroup; except* splits it; plain except misses it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ch_exceptions.groups import ask_all, ask_all_or_degrade
from ch_exceptions.llm_errors import BadRequest, LLMError, RateLimited


def test_one_failing_child_still_raises_a_group() -> None:
    plan: dict[str, LLMError | None] = {"a": RateLimited("429"), "b": None}
    with pytest.raises(ExceptionGroup) as info:
        asyncio.run(ask_all(plan))
    assert [type(e) for e in info.value.exceptions] == [RateLimited]


def test_plain_except_does_not_match_a_group() -> None:
    plan: dict[str, LLMError | None] = {"a": RateLimited("429")}

    def handled_by_plain_except() -> bool:
        try:
            asyncio.run(ask_all(plan))
        except RateLimited:
            return True
        except ExceptionGroup:
            return False
        return False

    assert handled_by_plain_except() is False


def test_except_star_handles_its_type_and_lets_the_rest_propagate(
    caplog: pytest.LogCaptureFixture,
) -> None:
    only_limits: dict[str, LLMError | None] = {"a": RateLimited("429"), "b": None}
    with caplog.at_level(logging.WARNING, logger="ch_exceptions.groups"):
        assert asyncio.run(ask_all_or_degrade(only_limits)) == [
            "degraded: cached answer"
        ]
    assert caplog.records[0].getMessage() == "1 vendors rate-limited us"

    mixed: dict[str, LLMError | None] = {
        "a": RateLimited("429"),
        "b": BadRequest("400"),
    }
    with pytest.raises(ExceptionGroup) as info:
        asyncio.run(ask_all_or_degrade(mixed))
    assert [type(e) for e in info.value.exceptions] == [BadRequest]


def test_success_returns_every_answer() -> None:
    plan: dict[str, LLMError | None] = {"a": None, "b": None}
    assert asyncio.run(ask_all_or_degrade(plan)) == ["answer from a", "answer from b"]


RETURN_IN_EXCEPT_STAR = """
def f():
    try:
        pass
    except* ValueError:
        return 1
"""


def test_return_is_not_allowed_inside_except_star() -> None:
    with pytest.raises(SyntaxError, match="except\\*"):
        compile(RETURN_IN_EXCEPT_STAR, "<except-star>", "exec")
