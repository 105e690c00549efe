"""FastAPI reads the endpoint's signature: without ``wraps`` it reads the wrapper's."""

import logging
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ch_decorators import wraps_fastapi
from tests.support.services import UvicornServer


def test_without_wraps_the_endpoint_answers_422() -> None:
    response = TestClient(wraps_fastapi.broken_app).get("/a?q=1")
    assert response.status_code == 422
    missing = [error["loc"] for error in response.json()["detail"]]
    assert missing == [["query", "args"], ["query", "kwargs"]]


def test_with_wraps_the_endpoint_answers_200() -> None:
    response = TestClient(wraps_fastapi.app).get("/a?q=1")
    assert response.status_code == 200
    assert response.json() == {"q": 1}


def test_without_wraps_openapi_documents_args_and_kwargs() -> None:
    def query_parameters(app) -> list[str]:  # type: ignore[no-untyped-def]
        operation = app.openapi()["paths"]["/a"]["get"]
        return [parameter["name"] for parameter in operation["parameters"]]

    assert query_parameters(wraps_fastapi.broken_app) == ["args", "kwargs"]
    assert query_parameters(wraps_fastapi.app) == ["q"]


def test_decorator_above_the_route_decorator_never_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="ch_decorators.wraps_fastapi"):
        assert TestClient(wraps_fastapi.app).get("/a?q=1").status_code == 200
        assert [r.getMessage() for r in caplog.records] == ["audit read_a"]
        caplog.clear()
        assert TestClient(wraps_fastapi.order_app).get("/b?q=2").json() == {"q": 2}
        assert caplog.records == []  # the route registered the bare function


def test_route_decorator_returns_the_function_unchanged() -> None:
    app = FastAPI()

    async def health() -> dict[str, str]:
        return {"status": "ok"}

    assert app.get("/health")(health) is health
    assert [route.path for route in app.routes][-1] == "/health"


@pytest.mark.slow
def test_real_uvicorn_server_shows_the_same_422_and_200(
    uvicorn_server: Callable[..., UvicornServer],
) -> None:
    server = uvicorn_server("tests.ch_decorators._both_apps:app")
    broken = httpx.get(f"{server.url}/broken/a?q=1", timeout=10)
    assert broken.status_code == 422
    fixed = httpx.get(f"{server.url}/fixed/a?q=1", timeout=10)
    assert (fixed.status_code, fixed.json()) == (200, {"q": 1})
