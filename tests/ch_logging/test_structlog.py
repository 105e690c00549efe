"""The request-id example with structlog: contextvars bound per request."""

from __future__ import annotations

import asyncio
import io
import json

import httpx
import pytest
import structlog

from ch_logging import with_structlog


@pytest.fixture
def events():
    buffer = io.StringIO()
    with_structlog.configure(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    structlog.reset_defaults()


def test_concurrent_requests_each_log_their_own_request_id(events) -> None:
    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=with_structlog.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return list(
                await asyncio.gather(*(c.get(f"/orders/A-{i}") for i in range(5)))
            )

    responses = asyncio.run(main())
    by_order = {
        r.request.url.path.rsplit("/", 1)[1]: r.headers["x-request-id"]
        for r in responses
    }
    assert len(set(by_order.values())) == 5
    logged = events()
    assert len(logged) == 10  # "order requested" + "pricing" (in a thread) each
    for event in logged:
        assert event["request_id"] == by_order[event["order_id"]]
        assert event["level"] == "info"


def test_bound_context_is_cleared_after_the_request(events) -> None:
    async def main() -> dict[str, object]:
        transport = httpx.ASGITransport(app=with_structlog.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            await c.get("/orders/A-1")  # runs in THIS task with ASGITransport
        return structlog.contextvars.get_contextvars()

    assert asyncio.run(main()) == {}


def test_middleware_passes_non_http_scopes_through_untouched() -> None:
    seen: list[str] = []

    async def inner(scope, receive, send) -> None:
        seen.append(scope["type"])

    async def nothing():
        return {}

    async def ignore(message) -> None:
        return None

    middleware = with_structlog.StructlogRequestId(inner)
    asyncio.run(middleware({"type": "lifespan"}, nothing, ignore))
    assert seen == ["lifespan"]
