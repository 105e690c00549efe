"""Static partition, central limiter, AIMD on 429 and per-instance gateway limits."""

from __future__ import annotations

import pytest

from ch_llm_multipod.strategies import (
    AimdOn429,
    CentralLimiter,
    GatewayPerInstance,
    StaticPartition,
    run,
)

LIMIT = 10.0


def test_a_central_limiter_uses_the_whole_limit_without_429s() -> None:
    o = run(CentralLimiter(LIMIT), LIMIT)
    assert o.sent == pytest.approx(LIMIT, rel=0.02)
    assert o.rejected_429 == 0


def test_static_partition_never_429s_but_wastes_quota_under_skew() -> None:
    o = run(StaticPartition(LIMIT, pods=3), LIMIT)
    assert o.rejected_429 == 0
    assert o.accepted < 0.9 * LIMIT  # pod 2 leaves its share unused
    even = run(StaticPartition(LIMIT, pods=3), LIMIT, demand=(10.0, 10.0, 10.0))
    assert even.accepted == pytest.approx(LIMIT, rel=0.02)  # fine when even


def test_aimd_learns_the_limit_from_429s_and_keeps_paying_for_it() -> None:
    o = run(AimdOn429(pods=3, start=LIMIT / 3), LIMIT)
    assert o.rejected_429 > 0  # it only learns by hitting the limit
    assert 0.8 * LIMIT <= o.accepted <= LIMIT * 1.01


def test_a_limit_per_gateway_instance_multiplies_with_the_instances() -> None:
    o = run(GatewayPerInstance(LIMIT, instances=2), LIMIT)
    assert o.sent > 1.5 * LIMIT
    assert o.rejected_429 > 0.5 * LIMIT
