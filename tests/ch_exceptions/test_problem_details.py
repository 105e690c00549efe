"""The one HTTP boundary: library errors become RFC 9457 problem details."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from ch_exceptions.llm_errors import (
    BadRequest,
    LLMError,
    RateLimited,
    VendorError,
    VendorTimeout,
)
from ch_exceptions.problem_app import app, get_completer

INTERNAL = "sk-live-0000 context_length_exceeded at db.internal:5432"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


class ScriptedCompleter:
    """Raises the exception it was given, or answers when given None."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error

    async def complete(self, prompt: str) -> str:
        if self.error is not None:
            raise self.error
        return f"summary of {len(prompt)} characters"


@pytest.fixture
def client_for() -> Iterator[object]:
    clients: list[TestClient] = []

    def make(error: Exception | None) -> TestClient:
        app.dependency_overrides[get_completer] = lambda: ScriptedCompleter(error)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
    app.dependency_overrides.clear()


def post(client: TestClient) -> httpx.Response:
    return client.post("/v1/summaries", json={"text": "a long article"})


def test_success_returns_the_summary(client_for) -> None:
    response = post(client_for(None))
    assert response.status_code == 200
    assert response.json() == {"summary": "summary of 25 characters"}


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (BadRequest(INTERNAL), 422, "input-rejected"),
        (RateLimited(INTERNAL, retry_after=7), 503, "model-busy"),
        (VendorTimeout(INTERNAL), 504, "model-timeout"),
        (VendorError(INTERNAL), 502, "model-error"),
        (LLMError(INTERNAL), 502, "model-error"),
    ],
)
def test_library_errors_become_problem_details(
    client_for, error: LLMError, status: int, slug: str
) -> None:
    response = post(client_for(error))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == f"https://docs.example.com/problems/{slug}"
    assert body["instance"].startswith("urn:uuid:")
    assert INTERNAL not in response.text
    assert "hunter2" not in response.text


def test_rate_limited_carries_retry_after(client_for) -> None:
    limited = post(client_for(RateLimited(INTERNAL, retry_after=7)))
    assert limited.headers["retry-after"] == "7"
    unknown = post(client_for(RateLimited(INTERNAL)))
    assert unknown.headers["retry-after"] == "30"


def test_unexpected_error_is_a_generic_500_without_internal_text(
    client_for, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="ch_exceptions.problem_app"):
        response = post(client_for(RuntimeError(INTERNAL)))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "Internal Server Error"
    assert body["detail"] == "The server failed."
    assert INTERNAL not in response.text
    assert "RuntimeError" not in response.text
    # The log keeps what the client does not see, under the same instance id.
    (record,) = [r for r in caplog.records if r.name == "ch_exceptions.problem_app"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == INTERNAL
    assert body["instance"] in record.getMessage()


def test_library_error_is_logged_with_its_traceback(
    client_for, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ch_exceptions.problem_app"):
        body = post(client_for(VendorTimeout(INTERNAL))).json()
    (record,) = [r for r in caplog.records if r.name == "ch_exceptions.problem_app"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], VendorTimeout)
    assert body["instance"] in record.getMessage()


def test_framework_errors_share_the_problem_shape(client_for) -> None:
    client = client_for(None)
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["title"] == "Not Found"

    invalid = client.post("/v1/summaries", json={"text": ""})
    assert invalid.status_code == 422
    body = invalid.json()
    assert set(body) == PROBLEM_KEYS | {"errors"}
    assert body["errors"][0]["loc"] == ["body", "text"]


def test_real_server_logs_the_traceback_and_answers_generically(
    uvicorn_server,
) -> None:
    server = uvicorn_server("ch_exceptions._faulty_app:app")
    response = httpx.post(f"{server.url}/v1/summaries", json={"text": "hi"}, timeout=10)
    assert response.status_code == 500
    assert response.json()["detail"] == "The server failed."
    assert "hunter2" not in response.text
    server.stop()  # flush and close the log before reading it
    log = server.output()
    assert "Exception in ASGI application" in log  # Starlette re-raised for uvicorn
    assert "RuntimeError: could not reach postgres://svc:hunter2" in log
    assert response.json()["instance"] in log  # our own record, same id


def test_dead_vendor_end_to_end_is_a_502_problem(
    monkeypatch: pytest.MonkeyPatch, free_port: int
) -> None:
    # The real VendorClient from the lifespan, pointed at a port nobody listens on.
    monkeypatch.setenv("VENDOR_URL", f"http://127.0.0.1:{free_port}")
    app.dependency_overrides.clear()
    with TestClient(app) as client:
        response = post(client)
    assert response.status_code == 502
    assert response.json()["type"].endswith("/model-error")
    assert "127.0.0.1" not in response.text
