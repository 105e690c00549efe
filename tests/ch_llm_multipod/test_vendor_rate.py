"""Three real pods: per-pod limiters send about 3x the limit; one Redis bucket holds.

This runs the chapter's experiment (snippets/ch_llm_multipod/multipod_experiment.py)
in its small version: the same three setups against real pods, a real Redis and
the fake vendor, 3 s each instead of 30.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ch_llm_multipod.multipod_experiment import check, main, table


@pytest.mark.slow
def test_per_pod_limiters_triple_the_vendor_rate_and_a_global_one_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOOK_SNIPPET_TEST", "1")  # the small, fast version
    out = tmp_path / "multipod.json"
    data = main(["--out", str(out)])
    assert capsys.readouterr().out == table(data) + "\n"
    assert json.loads(out.read_text()) == data
    check(data)  # the listing's own assertions

    per_pod, global_, failover = data["results"]
    limit = data["vendor_limit_per_s"]
    print(
        f"vendor limit {limit:.0f}/s; vendor saw {per_pod['vendor_rate']:.1f}/s with "
        f"per-pod limiters and {global_['vendor_rate']:.1f}/s with the Redis bucket"
    )
    assert 2.0 <= per_pod["rate_vs_limit"] <= 3.3  # about N = 3 times
    assert per_pod["vendor_429"] > 0  # the excess is refused, not served
    assert global_["vendor_rate"] <= limit * 1.1 + 1  # the limit, one of slack
    assert global_["vendor_rate"] >= limit * 0.7  # and the quota is actually used
    # Redis gone: each pod falls back to limit / 3, so together they stay near it.
    assert failover["second_half_rate"] >= limit * 0.6
