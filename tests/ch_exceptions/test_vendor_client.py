"""The library turns transport and HTTP failures into its own exceptions."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from ch_exceptions.llm_errors import (
    BadRequest,
    LLMError,
    RateLimited,
    VendorError,
    VendorTimeout,
)
from ch_exceptions.vendor_client import VendorClient, error_for_status


def complete_with(handler: httpx.MockTransport) -> str:
    async def main() -> str:
        async with httpx.AsyncClient(
            base_url="https://vendor.test", transport=handler
        ) as http:
            return await VendorClient(http, model="m").complete("hello")

    return asyncio.run(main())


def reply(
    status: int, body: object, headers: dict[str, str | bytes] | None = None
) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(status, json=body, headers=headers)
    )


def test_success_returns_the_content() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["messages"][0]["content"] == "hello"
        return httpx.Response(
            200, json={"choices": [{"message": {"content": "hi there"}}]}
        )

    assert complete_with(httpx.MockTransport(handler)) == "hi there"


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequest), (404, BadRequest), (429, RateLimited), (500, VendorError)],
)
def test_status_codes_map_to_library_errors(status: int, error: type[LLMError]) -> None:
    with pytest.raises(error) as info:
        complete_with(reply(status, {"error": "nope"}))
    assert type(info.value) is error
    assert info.value.retryable is (status >= 429)


def test_retry_after_seconds_are_read_and_dates_ignored() -> None:
    with pytest.raises(RateLimited) as info:
        complete_with(reply(429, {}, {"retry-after": "12"}))
    assert info.value.retry_after == 12.0
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    with pytest.raises(RateLimited) as info:
        complete_with(reply(429, {}, {"retry-after": date}))
    assert info.value.retry_after is None
    with pytest.raises(RateLimited) as info:
        complete_with(
            reply(429, {}, {"retry-after": "²".encode("latin-1")})
        )  # isdigit() is True
    assert info.value.retry_after is None


def test_timeout_becomes_vendor_timeout_with_the_cause_kept() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(VendorTimeout) as info:
        complete_with(httpx.MockTransport(handler))
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_connection_failure_becomes_vendor_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(VendorError) as info:
        complete_with(httpx.MockTransport(handler))
    assert type(info.value) is VendorError
    assert isinstance(info.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize("body", [{"choices": []}, {"id": "x"}, ["list"]])
def test_malformed_reply_becomes_vendor_error(body: object) -> None:
    with pytest.raises(VendorError, match="malformed reply") as info:
        complete_with(reply(200, body))
    assert isinstance(info.value.__cause__, LookupError | TypeError)


def test_success_status_is_not_an_error() -> None:
    assert error_for_status(httpx.Response(204)) is None
