"""The openai SDK's own retries, counted where they land: at the vendor."""

from __future__ import annotations

import openai
import pytest

from ch_llm_fastapi.sdk_retries import ask, make_client
from tests.support.vendor import FakeVendor


def failing_vendor(vendor: FakeVendor, status: int) -> None:
    # retry-after-ms keeps the SDK's waits short; it honours the hint
    vendor.configure(
        fault="status", fault_status=status, fault_first=10, fault_retry_after_ms=10
    )


def test_default_sdk_makes_three_attempts_per_call(fake_vendor: FakeVendor) -> None:
    failing_vendor(fake_vendor, 503)
    with (
        make_client(fake_vendor.url, max_retries=2) as client,
        pytest.raises(openai.InternalServerError),
    ):
        ask(client)
    assert [r.attempt for r in fake_vendor.requests()] == [0, 1, 2]


def test_max_retries_zero_makes_one_attempt(fake_vendor: FakeVendor) -> None:
    failing_vendor(fake_vendor, 503)
    with (
        make_client(fake_vendor.url, max_retries=0) as client,
        pytest.raises(openai.InternalServerError),
    ):
        ask(client)
    assert len(fake_vendor.requests()) == 1


def test_sdk_does_not_retry_a_400(fake_vendor: FakeVendor) -> None:
    failing_vendor(fake_vendor, 400)
    with (
        make_client(fake_vendor.url, max_retries=2) as client,
        pytest.raises(openai.BadRequestError),
    ):
        ask(client)
    assert len(fake_vendor.requests()) == 1


def test_sdk_call_succeeds_against_the_vendor(fake_vendor: FakeVendor) -> None:
    with make_client(fake_vendor.url, max_retries=2) as client:
        assert ask(client).startswith("word0")
