"""The committed multi-pod numbers meet the chapter's target."""

from __future__ import annotations

import json

from tests.support.services import ROOT

DATA = ROOT / "book/fastapi/data/multipod.json"


def results() -> dict[str, dict[str, float]]:
    data = json.loads(DATA.read_text())
    return {r["setup"]: r for r in data["results"]}


def test_the_global_limiter_keeps_the_vendor_within_5_percent_of_its_limit() -> None:
    r = results()
    assert abs(r["global"]["rate_vs_limit"] - 1.0) <= 0.05
    assert r["global"]["vendor_429"] == 0


def test_per_pod_limiters_sent_about_three_times_the_limit() -> None:
    r = results()
    assert 2.5 <= r["per-pod"]["rate_vs_limit"] <= 3.1
    assert r["per-pod"]["vendor_429"] > 10 * r["global"]["vendor_429"]


def test_with_redis_down_the_static_share_still_holds_the_limit() -> None:
    data = json.loads(DATA.read_text())
    failover = results()["global, Redis stops"]
    limit = data["vendor_limit_per_s"]
    assert failover["second_half_rate"] <= limit * 1.05
    assert abs(failover["rate_vs_limit"] - 1.0) <= 0.05
    assert failover["vendor_429"] == 0
