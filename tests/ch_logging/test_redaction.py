"""What to log about an LLM call, and a filter that keeps secrets out."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest

from ch_logging import redaction
from ch_logging.jsonlog import JsonFormatter


@pytest.fixture
def lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(redaction.RedactingFilter())
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)  # on the root: every logger's records pass through
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(saved_level)


def test_vendor_call_logs_model_latency_attempt_tokens_and_vendor_id(lines) -> None:
    done = redaction.Completion("gpt-x", "req_8f2", 812, 64, "Dear customer, ...")
    redaction.log_completion(done, attempt=2, started=time.perf_counter())
    (entry,) = lines()
    assert entry["llm_model"] == "gpt-x"
    assert entry["llm_attempt"] == 2
    assert entry["llm_input_tokens"] == 812
    assert entry["llm_output_tokens"] == 64
    assert entry["llm_vendor_request_id"] == "req_8f2"
    assert isinstance(entry["llm_latency_ms"], int)
    assert "Dear customer" not in json.dumps(entry)


def test_api_keys_in_messages_and_arguments_are_redacted(lines) -> None:
    log = logging.getLogger("app.llm.client")  # a child: the filter is on the handler
    log.warning("auth failed for key %s", "sk-proj-4f9a8b7c6d5e4f3a2b1c")
    log.warning("retrying with sk-live_ABCDEFGHIJKL in the URL")
    messages = [e["message"] for e in lines()]
    assert messages == [
        "auth failed for key sk-[REDACTED]",
        "retrying with sk-[REDACTED] in the URL",
    ]


def test_authorization_headers_are_redacted(lines) -> None:
    log = logging.getLogger("app.http")
    log.info("sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y")
    log.info("request", extra={"headers": {"Authorization": "Bearer abc", "X-A": "1"}})
    first, second = lines()
    assert first["message"] == "sent Authorization: [REDACTED]"
    assert second["headers"] == {"Authorization": "[REDACTED]", "X-A": "1"}


def test_prompt_and_completion_fields_are_dropped(lines) -> None:
    logging.getLogger("app.llm").info(
        "llm call",
        extra={"prompt": "my card is 4111 1111", "completion": "ok", "llm_model": "m"},
    )
    (entry,) = lines()
    assert entry["prompt"] == "[dropped]"
    assert entry["completion"] == "[dropped]"
    assert entry["llm_model"] == "m"
    assert "4111" not in json.dumps(entry)


def test_secrets_in_exception_messages_are_redacted(lines) -> None:
    log = logging.getLogger("app.llm")
    try:
        raise PermissionError("Incorrect API key provided: sk-abcdefghijklmnop")
    except PermissionError:
        log.exception("vendor call failed")
    (entry,) = lines()
    assert "sk-abcdefghijklmnop" not in entry["exc_info"]
    assert "Incorrect API key provided: sk-[REDACTED]" in entry["exc_info"]
