"""Structured JSON logs that carry a request id, and the middleware that sets it."""

from __future__ import annotations

import re
import sys
import time
from uuid import uuid4

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ch_llm_fastapi.metrics import Metrics

# [start logging]
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,  # request_id and friends
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.JSONRenderer(),
    ],
    logger_factory=structlog.PrintLoggerFactory(file=sys.stdout),
    cache_logger_on_first_use=True,
)
log = structlog.get_logger("llm_service")
# [end logging]

SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


# [start request-id]
class RequestContext:
    """Pure ASGI middleware: request id, latency and outcome for every request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if SAFE_ID.match(incoming) else uuid4().hex
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
                if scope["path"].startswith("/v1/"):  # not probes or scrapes
                    status = str(message["status"])
                    self.metrics.outcomes.labels(status=status).inc()
                log.info("response started", status=message["status"])
            await send(message)

        with structlog.contextvars.bound_contextvars(
            request_id=request_id, path=scope["path"]
        ):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                self.metrics.latency.labels(route=scope["path"]).observe(elapsed)


# [end request-id]
