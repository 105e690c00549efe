from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.exceptions import FastAPIError
from fastapi.testclient import TestClient

from ch_dependency_injection import reraise
from tests.support.services import UvicornServer


def test_swallowed_exception_becomes_a_500_without_the_cause() -> None:
    with TestClient(reraise.app) as client, pytest.raises(FastAPIError) as info:
        client.get("/swallow")
    assert "Response not awaited" in str(info.value)
    assert info.value.__context__ is None  # the ValueError is gone for good
    with TestClient(reraise.app, raise_server_exceptions=False) as client:
        assert client.get("/swallow").status_code == 500


def test_reraised_exception_reaches_the_server() -> None:
    with TestClient(reraise.app) as client, pytest.raises(ValueError, match="said no"):
        client.get("/reraise")


def test_translated_exception_gives_the_client_a_status() -> None:
    with TestClient(reraise.app) as client:
        response = client.get("/translate")
    assert response.status_code == 422
    assert response.json() == {"detail": "the vendor rejected the prompt"}


def test_server_log_names_the_cause_only_when_reraised(
    uvicorn_server: Callable[..., UvicornServer],
) -> None:
    server = uvicorn_server("ch_dependency_injection.reraise:app")
    # One connection per request: uvicorn closes a connection after an app error.
    assert httpx.get(f"{server.url}/swallow").status_code == 500
    assert httpx.get(f"{server.url}/reraise").status_code == 500
    server.stop()  # flush and close the log before reading it
    log = server.output()
    assert log.count("Exception in ASGI application") == 2
    assert log.count("ValueError: vendor said no") == 1  # only from /reraise
    assert "FastAPIError: Response not awaited" in log
