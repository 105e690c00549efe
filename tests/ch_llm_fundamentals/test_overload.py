"""Overload: the book's client keeps the targets, the naive one storms."""

import asyncio
import json
from pathlib import Path

from ch_llm_fundamentals.overload_experiment import experiment, table

DATA = Path(__file__).resolve().parents[2] / "book/fastapi/data/overload.json"


def by_client(data: dict[str, object]) -> dict[str, dict[str, float]]:
    results = data["results"]
    assert isinstance(results, list)
    return {r["client"]: r for r in results}


def check_targets(data: dict[str, object]) -> None:
    results = by_client(data)
    naive, book = results["naive"], results["book"]
    admission, call = data["admission_timeout_s"], data["call_timeout_s"]
    assert isinstance(admission, float)
    assert isinstance(call, float)
    assert book["vendor_429"] == 0  # our own bursts never trip the vendor
    assert book["p99_ok"] <= admission + call
    assert book["max_fail"] <= admission  # rejected requests fail fast
    assert naive["vendor_429"] > 5 * naive["succeeded"]
    assert naive["attempts_per_request"] > 2 * book["attempts_per_request"]


def test_small_overload_run_shows_the_difference() -> None:
    data = asyncio.run(experiment(limit=5.0, duration=1.0))
    check_targets(data)
    assert by_client(data)["book"]["goodput_fraction"] >= 0.6  # a 1 s run
    assert "book" in table(data)


def test_committed_numbers_meet_the_targets() -> None:
    data = json.loads(DATA.read_text())
    check_targets(data)
    assert by_client(data)["book"]["goodput_fraction"] >= 0.9
