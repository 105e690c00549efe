"""Little's law, L = lambda * W, as the tool for sizing a pool."""

from __future__ import annotations

import math
from dataclasses import dataclass


# [start sizing]
def in_flight(arrivals_per_s: float, seconds_in_system: float) -> float:
    """Little's law: the average number of requests inside the system."""
    return arrivals_per_s * seconds_in_system


def pool_size(arrivals_per_s: float, seconds_in_system: float, headroom: float) -> int:
    """Workers needed so that requests never queue for a worker on average.

    ``headroom`` (for example 1.5) covers bursts and the latency tail: Little's
    law gives the average, and a pool sized exactly at the average is full
    half of the time.
    """
    return math.ceil(in_flight(arrivals_per_s, seconds_in_system) * headroom)


def max_throughput(workers: int, seconds_in_system: float) -> float:
    """The most requests per second a pool of ``workers`` can complete."""
    return workers / seconds_in_system


# [end sizing]


# [start check]
@dataclass(frozen=True)
class Visit:
    arrived: float  # seconds
    left: float


def time_average_in_system(visits: list[Visit], horizon: float) -> float:
    """Measure L directly: integrate the number present over [0, horizon]."""
    events = sorted([(v.arrived, +1) for v in visits] + [(v.left, -1) for v in visits])
    area, present, last = 0.0, 0, 0.0
    for moment, change in events:
        area += present * (moment - last)
        present, last = present + change, moment
    return area / horizon


# [end check]


if __name__ == "__main__":
    # The worked example in the text: 20 requests/s to an LLM answering in 3 s.
    assert in_flight(20, 3.0) == 60
    assert pool_size(20, 3.0, headroom=1.5) == 90
    assert max_throughput(40, 3.0) == 40 / 3  # Starlette's default pool: 13.3/s
