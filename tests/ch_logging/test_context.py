"""JSON lines and a request id carried by contextvars across tasks and threads."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from ch_logging import context_threads
from ch_logging.jsonlog import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.usefixtures("clean")


def test_json_formatter_writes_one_object_per_line_with_extra_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("t.json")
    log.addHandler(handler)
    log.warning("slow %s", "vendor", extra={"latency_ms": 2150})
    (entry,) = (json.loads(line) for line in stream.getvalue().splitlines())
    assert entry["message"] == "slow vendor"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "t.json"
    assert entry["latency_ms"] == 2150
    assert entry["ts"].endswith("+00:00")


def test_concurrent_tasks_log_their_own_request_ids(collect) -> None:
    seen = collect()
    seen.addFilter(RequestIdFilter())
    context_threads.log.addHandler(seen)
    context_threads.log.setLevel(logging.INFO)
    asyncio.run(context_threads.two_requests())
    pairs = sorted((r.request_id, r.seen) for r in seen.records)  # type: ignore[attr-defined]
    assert pairs == [("req-a", "req-a"), ("req-b", "req-b")]
    assert request_id.get() == "-"  # the tasks' values never leaked out here


def test_to_thread_carries_the_context_and_run_in_executor_does_not() -> None:
    seen = asyncio.run(context_threads.seen_in_threads())
    assert seen == {
        "to_thread": "req-7",
        "run_in_executor": "-",
        "run_in_executor + copy_context": "req-7",
    }


def test_extra_keys_must_not_collide_with_record_attributes() -> None:
    with pytest.raises(KeyError, match="Attempt to overwrite 'message'"):
        logging.getLogger("t.json").warning("x", extra={"message": "clash"})
