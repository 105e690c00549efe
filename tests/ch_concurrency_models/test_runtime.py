"""The runtime report states the interpreter's concurrency facts truthfully."""

from __future__ import annotations

import sys

import pytest

from ch_concurrency_models.gil_release import longest_stall, sum_in_c
from ch_concurrency_models.runtime_report import runtime_report

GIL = runtime_report()["gil_enabled"]


def test_default_build_has_the_gil_and_a_5_ms_switch_interval() -> None:
    report = runtime_report()
    assert report["switch_interval_s"] == 0.005
    if not report["free_threaded_build"]:
        assert report["gil_enabled"] is True


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="present from 3.14")
def test_subinterpreter_api_is_absent_before_3_14() -> None:
    assert runtime_report()["concurrent.interpreters"] is False


@pytest.mark.skipif(not GIL, reason="only a GIL build stalls other threads")
def test_c_loop_holding_the_gil_freezes_other_threads() -> None:
    # No pass of the main thread's loop ran during 80 % of the call or more.
    assert longest_stall(sum_in_c) > 0.8
