"""The openai SDK's own retries, counted where they land: at the vendor.

The SDK is imported inside the tests, not at the top: its import costs half a
second of CPU, and every xdist worker collects this file but only one runs it.
"""

from __future__ import annotations

import pytest

from tests.support.vendor import FakeVendor


def failing_vendor(vendor: FakeVendor, status: int) -> None:
    # retry-after-ms keeps the SDK's waits short; it honours the hint
    vendor.configure(
        fault="status", fault_status=status, fault_first=10, fault_retry_after_ms=10
    )


def test_default_sdk_makes_three_attempts_per_call(fake_vendor: FakeVendor) -> None:
    from openai import InternalServerError

    from ch_llm_fastapi.sdk_retries import ask, make_client

    failing_vendor(fake_vendor, 503)
    with (
        make_client(fake_vendor.url, max_retries=2) as client,
        pytest.raises(InternalServerError),
    ):
        ask(client)
    assert [r.attempt for r in fake_vendor.requests()] == [0, 1, 2]


def test_max_retries_zero_makes_one_attempt(fake_vendor: FakeVendor) -> None:
    from openai import InternalServerError

    from ch_llm_fastapi.sdk_retries import ask, make_client

    failing_vendor(fake_vendor, 503)
    with (
        make_client(fake_vendor.url, max_retries=0) as client,
        pytest.raises(InternalServerError),
    ):
        ask(client)
    assert len(fake_vendor.requests()) == 1


def test_sdk_does_not_retry_a_400(fake_vendor: FakeVendor) -> None:
    from openai import BadRequestError

    from ch_llm_fastapi.sdk_retries import ask, make_client

    failing_vendor(fake_vendor, 400)
    with (
        make_client(fake_vendor.url, max_retries=2) as client,
        pytest.raises(BadRequestError),
    ):
        ask(client)
    assert len(fake_vendor.requests()) == 1


def test_sdk_call_succeeds_against_the_vendor(fake_vendor: FakeVendor) -> None:
    from ch_llm_fastapi.sdk_retries import ask, make_client

    with make_client(fake_vendor.url, max_retries=2) as client:
        assert ask(client).startswith("word0")
