"""Bulkheads isolate tenants; a fallback model answers when the first is down."""

import asyncio

import pytest

from ch_llm_resilience.breaker import CircuitBreaker, State, Verdict
from ch_llm_resilience.bulkheads import Bulkheads, complete_with_fallback
from ch_llm_resilience.shedding import Shed


def test_a_full_compartment_does_not_block_another() -> None:
    async def go() -> list[str]:
        bulkheads = Bulkheads({"tenant-a": 2, "tenant-b": 2}, admission_timeout=0.01)
        release = asyncio.Event()
        entered = asyncio.Semaphore(0)

        async def hold(tenant: str) -> None:
            async with bulkheads.slot(tenant):
                entered.release()
                await release.wait()

        holders = [asyncio.create_task(hold("tenant-a")) for _ in range(2)]
        for _ in holders:
            await entered.acquire()
        outcomes = []
        try:
            async with bulkheads.slot("tenant-a"):
                outcomes.append("a admitted")  # pragma: no cover - must not happen
        except Shed as exc:
            outcomes.append(exc.reason)
        async with bulkheads.slot("tenant-b"):
            outcomes.append("b admitted")
        release.set()
        await asyncio.gather(*holders)
        return outcomes

    assert asyncio.run(go()) == ["bulkhead tenant-a full", "b admitted"]


def models(fail_primary: bool) -> list[tuple[str, object]]:
    async def primary(prompt: str) -> str:
        if fail_primary:
            raise ConnectionError("vendor down")
        return f"primary: {prompt}"

    async def backup(prompt: str) -> str:
        return f"backup: {prompt}"

    return [("big-model", primary), ("small-model", backup)]


def test_fallback_answers_degraded_and_the_primary_breaker_opens() -> None:
    async def go() -> tuple[list[str], CircuitBreaker]:
        breakers = {
            m: CircuitBreaker(min_calls=3) for m in ("big-model", "small-model")
        }
        bulkheads = Bulkheads({"big-model": 4, "small-model": 4}, 0.1)
        answers = []
        for _ in range(5):
            answer = await complete_with_fallback(
                "hi",
                models(fail_primary=True),  # type: ignore[arg-type]
                breakers,
                bulkheads,
            )
            answers.append(f"{answer.model}/{answer.degraded}")
        return answers, breakers["big-model"]

    answers, primary = asyncio.run(go())
    assert answers == ["small-model/True"] * 5
    assert primary.state is State.OPEN  # after 3 failures it is skipped at once
    assert len(primary.transitions) == 1


def test_the_primary_answers_when_healthy() -> None:
    async def go() -> str:
        breakers = {m: CircuitBreaker() for m in ("big-model", "small-model")}
        bulkheads = Bulkheads({"big-model": 1, "small-model": 1}, 0.1)
        answer = await complete_with_fallback(
            "hi",
            models(fail_primary=False),  # type: ignore[arg-type]
            breakers,
            bulkheads,
        )
        assert not answer.degraded
        return answer.text

    assert asyncio.run(go()) == "primary: hi"


def test_a_full_bulkhead_falls_through_without_blaming_the_vendor() -> None:
    async def go() -> tuple[str, int]:
        breakers = {
            m: CircuitBreaker(min_calls=1) for m in ("big-model", "small-model")
        }
        bulkheads = Bulkheads({"big-model": 1, "small-model": 1}, 0.01)
        await bulkheads.slots["big-model"].acquire()  # the primary's slot is busy
        answer = await complete_with_fallback(
            "hi",
            models(fail_primary=False),  # type: ignore[arg-type]
            breakers,
            bulkheads,
        )
        return answer.model, len(breakers["big-model"].outcomes)

    assert asyncio.run(go()) == ("small-model", 0)


def test_no_model_available_is_a_503() -> None:
    async def go() -> None:
        breakers = {
            m: CircuitBreaker(min_calls=1) for m in ("big-model", "small-model")
        }
        breakers["big-model"].record(breakers["big-model"].acquire(), Verdict.FAILURE)
        breakers["small-model"].record(
            breakers["small-model"].acquire(), Verdict.FAILURE
        )
        bulkheads = Bulkheads({"big-model": 1, "small-model": 1}, 0.01)
        await complete_with_fallback(
            "hi",
            models(fail_primary=False),  # type: ignore[arg-type]
            breakers,
            bulkheads,
        )

    with pytest.raises(Shed, match="no model available") as caught:
        asyncio.run(go())
    assert caught.value.status == 503
