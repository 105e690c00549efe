"""Little's law sizes pools: L = lambda * W, checked against a simulated trace."""

from __future__ import annotations

import random

import pytest

from ch_concurrency_models.littles_law import (
    Visit,
    in_flight,
    max_throughput,
    pool_size,
    time_average_in_system,
)


def test_worked_example_from_the_text() -> None:
    assert in_flight(20, 3.0) == 60  # 20 req/s x 3 s = 60 calls in flight
    assert pool_size(20, 3.0, headroom=1.5) == 90


def test_starlette_default_pool_caps_a_3_second_dependency_at_13_per_second() -> None:
    assert max_throughput(40, 3.0) == pytest.approx(13.33, abs=0.01)


def test_law_matches_a_measured_trace() -> None:
    rng = random.Random(7)  # fixed seed: the same trace every run
    visits, clock = [], 0.0
    while clock < 10_000:
        clock += rng.expovariate(20.0)  # 20 arrivals per second on average
        visits.append(Visit(clock, clock + rng.uniform(1.0, 5.0)))  # W = 3 s
    arrival_rate = len(visits) / clock
    mean_time = sum(v.left - v.arrived for v in visits) / len(visits)
    measured = time_average_in_system(visits, horizon=visits[-1].left)
    assert measured == pytest.approx(in_flight(arrival_rate, mean_time), rel=0.01)
