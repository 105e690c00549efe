"""Testing the service without a network: MockTransport behind the real client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
from fastapi.testclient import TestClient

from ch_llm_fastapi.app import create_app
from ch_llm_fastapi.settings import Settings


# [start offline]
def vendor_answering(
    handler: Callable[[httpx.Request], httpx.Response],
) -> Iterator[TestClient]:
    transport = httpx.MockTransport(handler)  # real Request and Response objects
    settings = Settings(vendor_url="http://vendor.invalid", backoff_base=0.001)
    app = create_app(settings, transport=transport)
    with TestClient(app, headers={"X-API-Key": "tenant-a"}) as client:  # lifespan
        yield client


def completion(text: str) -> httpx.Response:
    body = {"choices": [{"message": {"content": text}}], "usage": {"total_tokens": 3}}
    return httpx.Response(200, json=body)


# [end offline]
