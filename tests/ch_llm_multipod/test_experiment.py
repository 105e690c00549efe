"""The committed multi-pod numbers meet the chapter's target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ch_llm_multipod.multipod_experiment import check, quantile, report
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


def test_report_writes_the_json_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(DATA.read_text())
    check(data)  # the committed run passes the small run's checks too
    assert report(data, tmp_path / "copy.json") == data
    assert json.loads((tmp_path / "copy.json").read_text()) == data
    assert "global, Redis stops" in capsys.readouterr().out


def test_quantile_of_short_lists() -> None:
    assert quantile([], 0.99) == 0.0
    assert quantile([0.5], 0.99) == 0.5
