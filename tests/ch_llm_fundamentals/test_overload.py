"""Overload: the book's client keeps the targets, the naive one storms."""

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from ch_llm_fundamentals.overload_experiment import (
    Outcome,
    main,
    naive_request,
    quantile,
    table,
)

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
    assert naive["vendor_429"] > naive["offered"] / 2
    assert naive["attempts_per_request"] > 2 * book["attempts_per_request"]


@pytest.mark.slow
def test_small_overload_run_shows_the_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOOK_SNIPPET_TEST", "1")  # the small, fast version
    out = tmp_path / "overload.json"
    main(["--out", str(out)])
    data = json.loads(out.read_text())
    check_targets(data)
    assert by_client(data)["book"]["goodput_fraction"] >= 0.6  # a 1 s run
    assert capsys.readouterr().out == table(data) + "\n"


def test_quantile_edges() -> None:
    assert quantile([], 0.99) == 0.0
    assert quantile([2.0], 0.99) == 2.0
    assert quantile([float(i) for i in range(1, 101)], 0.5) == 50.5


def test_naive_client_gives_up_after_five_connection_errors(free_port: int) -> None:
    async def go() -> Outcome:
        async with httpx.AsyncClient() as http:
            return await naive_request(http, f"http://127.0.0.1:{free_port}/")

    outcome = asyncio.run(go())
    assert (outcome.ok, outcome.attempts) == (False, 5)


def test_committed_numbers_meet_the_targets() -> None:
    data = json.loads(DATA.read_text())
    check_targets(data)
    assert by_client(data)["book"]["goodput_fraction"] >= 0.9
