"""A slow handler stalls the event loop; a QueueHandler in front does not."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading

import pytest

from ch_logging import queue_logging
from ch_logging.jsonlog import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.usefixtures("clean")


def test_a_slow_handler_called_from_a_coroutine_stalls_the_event_loop() -> None:
    outcome = queue_logging.run(queued=False, timeout=1.0)
    # The heartbeat that would have released the handler never got to run:
    assert outcome.gave_up == [True]
    assert outcome.max_gap >= 1.0


def test_behind_a_queue_the_loop_keeps_running_while_the_handler_waits() -> None:
    direct = queue_logging.run(queued=False, timeout=1.0)
    queued = queue_logging.run(queued=True, timeout=1.0)
    # The heartbeat ran while the listener thread sat in emit() and released it:
    assert queued.gave_up == [False]
    assert queued.max_gap < direct.max_gap / 2  # generous: 1 s versus ~10 ms


def test_context_must_be_read_before_the_queue_not_in_the_listener() -> None:
    stream = io.StringIO()
    late = logging.StreamHandler(stream)
    late.setFormatter(JsonFormatter())
    late.addFilter(RequestIdFilter())  # runs in the listener thread: too late
    log = logging.getLogger("t.queue.context")
    log.propagate = False
    listener = queue_logging.install_queue_logging(log, late)
    log.handlers[0].filters.clear()  # remove the early filter the helper adds
    token = request_id.set("req-9")
    try:
        log.warning("charged")
    finally:
        request_id.reset(token)
        listener.stop()
    assert json.loads(stream.getvalue())["request_id"] == "-"


def test_the_helper_reads_the_request_id_in_the_calling_task() -> None:
    stream = io.StringIO()
    out = logging.StreamHandler(stream)
    out.setFormatter(JsonFormatter())
    log = logging.getLogger("t.queue.helper")
    log.propagate = False
    listener = queue_logging.install_queue_logging(log, out)

    async def request() -> None:
        request_id.set("req-10")
        await asyncio.to_thread(log.warning, "charged")  # a thread, same id

    try:
        asyncio.run(request())
    finally:
        listener.stop()
    assert json.loads(stream.getvalue())["request_id"] == "req-10"


def test_lifespan_routes_root_records_through_a_listener_and_flushes_on_stop(
    capsys,
) -> None:
    app = queue_logging.app
    logging.getLogger().setLevel(logging.INFO)

    async def serve_once() -> threading.Thread:
        async with app.router.lifespan_context(app):
            assert type(logging.getLogger().handlers[-1]).__name__ == "QueueHandler"
            logging.getLogger("t.lifespan").info("ready")
            return next(t for t in threading.enumerate() if t.daemon)

    listener_thread = asyncio.run(serve_once())
    assert not listener_thread.is_alive()  # stopped by the lifespan's exit
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["message"] for e in lines if e["logger"] == "t.lifespan"] == ["ready"]
