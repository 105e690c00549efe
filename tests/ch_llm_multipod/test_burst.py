"""A burst at one pod: the numbers from the simulation and from real asyncio."""

from __future__ import annotations

import asyncio
from collections import Counter

from ch_llm_multipod.burst import Burst, real_burst, simulate


def test_with_30_second_calls_no_slot_frees_within_the_admission_timeout() -> None:
    outcome = simulate(
        Burst(arrivals=500, slots=50, call_seconds=30, admission_timeout=5)
    )
    assert outcome == Counter({"started at once": 50, "failed after waiting": 450})
    assert outcome["started later"] == 0  # not "30 start gradually"


def test_a_burst_limiter_before_the_semaphore_wastes_tokens() -> None:
    burst = Burst(500, 50, 30, 5, limiter_burst=80, limiter_rate=80 / 60)
    outcome = simulate(burst)
    # 80 tokens at once + 6 more within 5 s (one per 0.75 s); 50 start, and
    # the other 36 token holders wait 5 s for a slot that never frees.
    assert outcome["started at once"] == 50
    assert outcome["tokens wasted"] == 36
    assert outcome["failed at once (no token)"] == 414


def test_short_calls_let_waiters_start_later() -> None:
    outcome = simulate(Burst(500, 50, call_seconds=2, admission_timeout=5))
    assert outcome == Counter(
        {"started at once": 50, "started later": 100, "failed after waiting": 350}
    )


def test_a_real_semaphore_shows_the_same_split() -> None:
    # Scaled down: 100 arrivals, 5 slots, 0.3 s calls, 0.05 s admission wait.
    outcome = asyncio.run(real_burst(100, 5, call_seconds=0.3, admission_timeout=0.05))
    assert outcome == Counter({"started at once": 5, "failed after waiting": 95})
    assert outcome == simulate(Burst(100, 5, call_seconds=0.3, admission_timeout=0.05))
