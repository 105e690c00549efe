"""The benchmark runs, and its qualitative result holds with a wide margin."""

from __future__ import annotations

import sys

import pytest

from ch_exceptions import bench_try_cost


def test_every_case_returns_the_same_answer_for_a_miss() -> None:
    assert bench_try_cost.try_raise("small-model") == 0
    assert bench_try_cost.check_first("small-model") == 0
    assert bench_try_cost.try_no_raise("small-model") == 1
    assert bench_try_cost.try_no_raise("other") == 0
    assert bench_try_cost.plain("small-model") == 1


def test_main_prints_one_line_per_case(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOOK_SNIPPET_TEST", "1")
    results = bench_try_cost.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Python 3.")
    assert len(lines) == 1 + len(bench_try_cost.CASES)
    assert set(results) == set(bench_try_cost.CASES)


def test_raising_costs_more_than_entering_a_try() -> None:
    if sys.gettrace() is not None:
        pytest.skip("timings under a line tracer (coverage) mean nothing")
    # Qualitative only, best of 5 runs, with a wide margin (typically 5-10x).
    results = bench_try_cost.measure(number=20_000, repeat=5)
    assert results["try, raise and catch"] > 2 * results["try, nothing raised"]
    # Entering a try that raises nothing costs about as much as no try at all.
    assert results["try, nothing raised"] < 3 * results["plain lookup"]
