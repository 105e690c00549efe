"""Per-pod breakers through a real vendor outage: committed numbers and a small run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ch_llm_resilience.breaker import State
from ch_llm_resilience.outage_experiment import check, first, main, report, table
from tests.support.services import ROOT

DATA = ROOT / "book/fastapi/data/outage.json"


def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text())
    return data


def test_every_breaker_opened_within_a_few_seconds_of_the_outage() -> None:
    data = committed()
    s = data["settings"]
    for pod in data["pods_results"]:
        # A window full of successes needs as many failures: window x rate.
        assert 0 < pod["opened_after_s"] <= s["window"] * s["failure_rate"] + 1.0
        assert pod["transitions"][0][1] == "open"
        assert pod["transitions"][-1][1] == "closed"


def test_wasted_calls_are_bounded_and_probes_are_few() -> None:
    data = committed()
    s = data["settings"]
    sent = 0
    for pod in data["pods_results"]:
        assert pod["calls_before_open"] <= s["rate_per_pod"] * s["window"] * 0.6
        probes = pod["outage_calls"] - pod["calls_before_open"]
        periods = s["outage"] / s["open_for"]
        assert 0 <= probes <= s["trial_calls"] * (periods + 1)
        sent += pod["outage_calls"]
    assert sent <= 0.25 * data["offered_in_outage"]


def test_breakers_close_within_one_open_period_of_the_recovery() -> None:
    data = committed()
    s = data["settings"]
    for pod in data["pods_results"]:
        assert 0 < pod["closed_after_s"] <= s["open_for"] + 0.5


def test_goodput_is_zero_in_the_outage_and_returns_after_it() -> None:
    g = committed()["goodput"]
    assert g["outage"] == 0.0
    assert g["healthy"] >= 0.9 * 3 * 20.0
    assert 0.6 * g["healthy"] <= g["recovered"] < g["healthy"]  # lost: until close


def test_first_transition_after_a_time() -> None:
    moves = [(1.0, State.OPEN), (2.0, State.HALF_OPEN), (2.5, State.CLOSED)]
    assert first(moves, State.OPEN, 0.5) == 0.5
    assert first(moves, State.CLOSED, 2.0) == 0.5
    assert first(moves, State.OPEN, 1.5) == -1.0


def test_report_writes_the_json_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = committed()
    check(data)  # the committed run passes the small run's checks too
    assert report(data, tmp_path / "copy.json") == data
    assert json.loads((tmp_path / "copy.json").read_text()) == data
    assert capsys.readouterr().out == table(data) + "\n"


@pytest.mark.slow
def test_small_outage_run_opens_and_closes_every_breaker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOOK_SNIPPET_TEST", "1")  # the small, fast version
    out = tmp_path / "outage.json"
    main(["--out", str(out)])
    data = json.loads(out.read_text())
    check(data)
    assert data["outcomes"]["fast_fail"] > 0  # the open breakers failed fast
    for pod in data["pods_results"]:
        states = [state for _, state in pod["transitions"]]
        assert states[0] == "open"
        assert states[-1] == "closed"
    assert capsys.readouterr().out == table(data) + "\n"
