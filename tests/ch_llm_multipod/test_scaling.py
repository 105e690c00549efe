"""Autoscaling and rolling updates change N, and with it what per-pod limits send."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
import yaml

from ch_llm_multipod.scaling import (
    hpa_desired,
    resolve,
    rollout_bounds,
    sent_with_per_pod_limits,
    static_share,
)
from tests.support.services import ROOT

ROLLOUT = ROOT / "snippets/ch_llm_multipod/rollout.yaml"


def rollout() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(ROLLOUT.read_text())
    return found


@pytest.mark.parametrize(
    ("replicas", "expected"), [(4, (5, 3)), (10, (13, 8)), (12, (15, 9)), (1, (2, 1))]
)
def test_default_rollouts_surge_by_a_quarter_rounded_up(
    replicas: int, expected: tuple[int, int]
) -> None:
    assert rollout_bounds(replicas) == expected


def test_absolute_values_are_taken_as_they_are() -> None:
    assert rollout_bounds(4, max_surge=1, max_unavailable=0) == (5, 4)
    assert resolve("50%", 5, round_up=True) == 3


def test_hpa_scales_on_the_ratio_of_metric_to_target() -> None:
    assert hpa_desired(4, metric=36, target=12) == 12
    assert hpa_desired(4, metric=13, target=12) == 5  # rounds up


def test_per_pod_limits_send_n_times_the_limit_during_a_rollout() -> None:
    most, _ = rollout_bounds(12)
    assert sent_with_per_pod_limits(most, 600) == 15 * 600


def test_the_rollout_manifest_is_valid_and_its_share_holds_at_peak() -> None:
    doc = rollout()
    kubernetes_validate.validate(doc, "1.33", strict=True)
    spec = doc["spec"]
    surge = spec["strategy"]["rollingUpdate"]["maxSurge"]
    unavailable = spec["strategy"]["rollingUpdate"]["maxUnavailable"]
    most, fewest = rollout_bounds(spec["replicas"], surge, unavailable)
    assert (most, fewest) == (15, 9)
    env = spec["template"]["spec"]["containers"][0]["env"]
    per_pod_rps = float(env[0]["value"])
    assert per_pod_rps * 60 == pytest.approx(static_share(600, most))
    assert per_pod_rps * 60 * most <= 600  # never over the contract
