"""How many pods run, and what per-pod limits then send to the vendor."""

from __future__ import annotations

import math


# [start rollout]
def resolve(value: int | str, replicas: int, *, round_up: bool) -> int:
    """A Deployment's maxSurge/maxUnavailable: an int, or a percentage."""
    if isinstance(value, int):
        return value
    share = replicas * int(value.rstrip("%")) / 100
    return math.ceil(share) if round_up else math.floor(share)


def rollout_bounds(
    replicas: int, max_surge: int | str = "25%", max_unavailable: int | str = "25%"
) -> tuple[int, int]:
    """(most pods running, fewest pods available) during a rolling update."""
    surge = resolve(max_surge, replicas, round_up=True)  # Kubernetes rounds up
    unavailable = resolve(max_unavailable, replicas, round_up=False)  # and down
    return replicas + surge, replicas - unavailable


# [end rollout]


# [start rates]
def hpa_desired(replicas: int, metric: float, target: float) -> int:
    """The HPA's formula: ceil(current replicas x current metric / target)."""
    return math.ceil(replicas * metric / target)


def sent_with_per_pod_limits(pods: int, per_pod_rpm: float) -> float:
    """What the vendor may receive when every pod owns a whole limiter."""
    return pods * per_pod_rpm


def static_share(vendor_rpm: float, most_pods: int, headroom: float = 0.9) -> float:
    """A per-pod limit that holds even when the most pods run at once."""
    return vendor_rpm * headroom / most_pods


# [end rates]
