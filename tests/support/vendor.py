"""The fake LLM vendor as a real uvicorn process, and its pytest fixtures.

``vendor_server`` (session scope) starts one real uvicorn process serving
``ch_llm_fundamentals.fake_vendor:app`` on a free port of 127.0.0.1;
``fake_vendor`` (function scope) hands it to a test after a reset, so every
test starts with default configuration, full limit buckets and no records::

    def test_x(fake_vendor: FakeVendor) -> None:
        fake_vendor.configure(rpm=2, window=1.0, fault="status", fault_first=1)
        ...  # call f"{fake_vendor.url}/v1/chat/completions"
        assert [r.status for r in fake_vendor.requests()] == [500, 200]

See the docstring of ``snippets/ch_llm_fundamentals/fake_vendor.py`` for the
configuration fields and routes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ch_llm_fundamentals.fake_vendor import RequestRecord, VendorConfig
from tests.support.services import ROOT, UvicornServer

VENDOR_APP = "ch_llm_fundamentals.fake_vendor:app"


def _coverage_env() -> dict[str, str]:
    # Under `coverage run`, measure the server process too (see a1_coverage.pth).
    if os.environ.get("COVERAGE_RUN") and "COVERAGE_PROCESS_START" not in os.environ:
        return {"COVERAGE_PROCESS_START": str(ROOT / "pyproject.toml")}
    return {}


class FakeVendor:
    """Handle on a running fake vendor: its URL and its admin API."""

    def __init__(self, config: VendorConfig | None = None) -> None:
        env = _coverage_env()
        if config is not None:
            env["FAKE_VENDOR_CONFIG"] = config.model_dump_json()
        # A hung request must not hold up the server's shutdown for long.
        self.server = UvicornServer(
            VENDOR_APP,
            extra_args=["--timeout-graceful-shutdown", "2", "--no-access-log"],
            env=env,
        )
        # One pooled client for the admin API and for tests that call the
        # vendor directly: a client per call would cost 40 ms of CPU each.
        self.http = httpx.Client(timeout=10.0)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT`` (the SDK wants ``url + "/v1"``)."""
        return self.server.url

    @property
    def completions_url(self) -> str:
        return f"{self.server.url}/v1/chat/completions"

    def start(self) -> FakeVendor:
        self.server.start()
        return self

    def stop(self) -> None:
        self.http.close()
        self.server.__exit__(None, None, None)

    def __enter__(self) -> FakeVendor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def configure(self, **fields: Any) -> VendorConfig:
        """Merge ``fields`` into the configuration (see ``VendorConfig``)."""
        response = self.http.post(f"{self.url}/_admin/config", json=fields)
        response.raise_for_status()
        return VendorConfig.model_validate(response.json())

    def config(self) -> VendorConfig:
        response = self.http.get(f"{self.url}/_admin/config")
        response.raise_for_status()
        return VendorConfig.model_validate(response.json())

    def requests(self) -> list[RequestRecord]:
        """Every completion request the vendor received, in arrival order."""
        response = self.http.get(f"{self.url}/_admin/requests")
        response.raise_for_status()
        return [RequestRecord.model_validate(item) for item in response.json()]

    def settled(self, at_least: int = 1, timeout: float = 10.0) -> list[RequestRecord]:
        """The requests once at least ``at_least`` arrived and none is in flight.

        A client that timed out may give up before a loaded vendor has even
        read its request; ask this, not ``requests()``, after a timeout.
        """
        deadline = time.monotonic() + timeout
        while True:
            records = self.requests()
            if len(records) >= at_least and self.stats()["in_flight"] == 0:
                return records
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"vendor: {len(records)} requests, {self.stats()} after {timeout} s"
                )
            time.sleep(0.01)

    def wait_in_flight(self, at_least: int, timeout: float = 10.0) -> None:
        """Block until the vendor is answering ``at_least`` requests at once."""
        deadline = time.monotonic() + timeout
        while self.stats()["in_flight"] < at_least:
            if time.monotonic() > deadline:
                raise AssertionError(f"vendor: {self.stats()} after {timeout} s")
            time.sleep(0.01)

    def stats(self) -> dict[str, int]:
        """``in_flight`` and ``peak_in_flight`` right now."""
        response = self.http.get(f"{self.url}/_admin/stats")
        response.raise_for_status()
        return dict(response.json())

    def reset(self) -> None:
        self.http.post(f"{self.url}/_admin/reset").raise_for_status()


@pytest.fixture(scope="session")
def vendor_server() -> Iterator[FakeVendor]:
    """One real fake-vendor process for this pytest process (xdist: per worker)."""
    with FakeVendor() as vendor:
        yield vendor


@pytest.fixture
def fake_vendor(vendor_server: FakeVendor) -> Iterator[FakeVendor]:
    """The session's vendor, reset before and after each test."""
    vendor_server.reset()
    yield vendor_server
    vendor_server.reset()
