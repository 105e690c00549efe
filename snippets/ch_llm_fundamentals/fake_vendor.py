"""A fake LLM vendor: an OpenAI-compatible completion API with limits and faults.

API note (stable; Part III's tests and listings rely on it)
------------------------------------------------------------
Run it:   ``python -m uvicorn ch_llm_fundamentals.fake_vendor:app --port 8000``
(initial configuration from the ``FAKE_VENDOR_CONFIG`` environment variable,
a JSON object with the fields of :class:`VendorConfig`), or build one with
``create_app(VendorConfig(...))``.
In tests use the ``fake_vendor`` fixture (``tests/support/vendor.py``).

Routes
    ``POST /v1/chat/completions``  OpenAI-style chat completion. Point the
        ``openai`` SDK at it with ``base_url=f"{url}/v1"``. The answer carries
        ``usage`` token counts and an ``x-request-id`` header; ``stream: true``
        answers with server-sent events. Headers it reads:
        ``x-stainless-retry-count`` (sent by the openai SDK) or ``x-attempt``
        (attempt number, recorded), ``idempotency-key`` (a completed key is
        replayed with ``idempotent-replayed: true`` and not billed again; a key
        still in progress gets 409), ``x-client`` (a free label, recorded).
    ``POST /_admin/config``  merge the JSON body into the configuration and
        return the full configuration. Restarts the fault counter.
    ``GET  /_admin/config``  the configuration.
    ``GET  /_admin/requests``  every completion request received, in arrival
        order (see :class:`RequestRecord`).
    ``GET  /_admin/stats``  ``in_flight`` and ``peak_in_flight``.
    ``POST /_admin/reset``  default configuration, full limit buckets, no
        records, empty idempotency store, peak in-flight 0.

Limits (each ``None`` = unlimited), with a time scale so tests run fast:
    ``rpm``  requests per ``window`` seconds; ``tpm``  tokens per ``window``
    seconds (tokens = prompt estimate + ``max_tokens``, as OpenAI meters);
    ``max_concurrency``  requests being served at once. Request and token
    limits are token buckets (capacity = the limit, refilled continuously at
    limit / window per second), so a full bucket allows a burst of ``rpm``.
    Over a limit the answer is 429 with ``Retry-After`` (whole seconds,
    rounded up), ``retry-after-ms`` and OpenAI's ``x-ratelimit-*`` headers.
    Rejected requests consume no quota.

Faults (applied after the limits, to admitted requests only):
    ``fault``: ``"none" | "status" | "hang" | "reset" | "trickle" | "slow"``;
    it hits the first ``fault_first`` requests after the last configure, or
    (when ``fault_first`` is ``None``) each request with ``fault_probability``.
    ``status`` answers ``fault_status`` (e.g. 500, 502, 503, 400) with an
    OpenAI-style error body (plus ``retry-after-ms`` if ``fault_retry_after_ms``
    is set); ``hang`` never answers while the client stays connected (up to
    ``hang_seconds``); ``reset`` aborts the TCP connection (RST) without an
    answer; ``trickle`` sends the body in ``trickle_chunks`` pieces
    ``trickle_interval`` seconds apart; ``slow`` sleeps ``slow_seconds`` and
    then does the work even if the client has gone (the case idempotency keys
    exist for). ``latency`` (plus a seeded uniform extra up to ``latency_max``)
    delays every successful answer.
A body that does not validate (no ``messages``, bad types) gets 400.
"""

import asyncio
import contextlib
import inspect
import itertools
import json
import math
import os
import random
import socket
import struct
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

FaultKind = Literal["none", "status", "hang", "reset", "trickle", "slow"]


class VendorConfig(BaseModel):
    """Everything a test can change about the vendor's behaviour."""

    model_config = ConfigDict(extra="forbid")

    window: float = Field(default=60.0, gt=0)
    rpm: int | None = Field(default=None, ge=1)
    tpm: int | None = Field(default=None, ge=1)
    max_concurrency: int | None = Field(default=None, ge=1)
    concurrency_retry_after: float = Field(default=1.0, gt=0)
    latency: float = Field(default=0.0, ge=0)
    latency_max: float | None = Field(default=None, ge=0)
    seed: int = 0
    completion_tokens: int = Field(default=8, ge=1)
    fault: FaultKind = "none"
    fault_first: int | None = Field(default=None, ge=0)
    fault_probability: float = Field(default=0.0, ge=0, le=1)
    fault_status: int = Field(default=500, ge=400, le=599)
    fault_retry_after_ms: int | None = Field(default=None, ge=0)
    hang_seconds: float = Field(default=30.0, ge=0)
    slow_seconds: float = Field(default=1.0, ge=0)
    trickle_chunks: int = Field(default=5, ge=1)
    trickle_interval: float = Field(default=0.1, ge=0)
    stream_interval: float = Field(default=0.0, ge=0)


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str


class ChatRequest(BaseModel):
    model: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    stream: bool = False


class RequestRecord(BaseModel):
    """What the vendor saw: one entry per completion request."""

    seq: int
    t: float  # time.monotonic() on arrival (same clock as the tests on Linux)
    t_end: float | None = None
    attempt: int | None
    idempotency_key: str | None
    client: str | None
    request_id: str
    status: int = 0  # 0 while the request is still being served
    outcome: str = "pending"
    tokens: int = 0  # tokens charged against the TPM limit
    latency: float = 0.0  # the latency drawn for this request
    billed: bool = False  # the vendor did (and would bill) the work


class TokenBucket:
    """Capacity ``limit``, refilled at ``limit / window`` per second."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.rate = limit / window
        self.level = float(limit)
        self.updated = time.monotonic()

    def _refill(self, now: float) -> None:
        self.level = min(self.limit, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait_for(self, cost: int, now: float) -> float:
        """Seconds until ``cost`` fits (0 if it fits now)."""
        self._refill(now)
        if cost > self.limit:
            return math.inf
        return max(0.0, (cost - self.level) / self.rate)

    def take(self, cost: int) -> None:
        self.level -= cost


class VendorState:
    def __init__(self, config: VendorConfig) -> None:
        self.initial = config
        self.records: list[RequestRecord] = []
        self.seq = itertools.count(1)
        self.generation = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.idempotency: dict[str, dict[str, Any] | None] = {}
        self.apply(config)

    def apply(self, config: VendorConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.faults_applied = 0
        self.requests = TokenBucket(config.rpm, config.window) if config.rpm else None
        self.tokens = TokenBucket(config.tpm, config.window) if config.tpm else None

    def reset(self) -> None:
        self.records.clear()
        self.idempotency.clear()
        self.generation += 1
        self.in_flight = 0
        self.peak_in_flight = 0
        self.apply(self.initial)

    def fault_hits(self) -> bool:
        config = self.config
        if config.fault == "none":
            return False
        if config.fault_first is not None:
            hit = self.faults_applied < config.fault_first
        else:
            hit = self.rng.random() < config.fault_probability
        self.faults_applied += hit
        return hit


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """Roughly four characters per token, as OpenAI's guidance estimates."""
    chars = sum(len(m.content) for m in request.messages)
    return max(1, math.ceil(chars / 4))


def error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def completion_body(
    request: ChatRequest, request_id: str, prompt_tokens: int, completion: int
) -> dict[str, Any]:
    words = " ".join(f"word{i}" for i in range(completion))
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": words, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
        },
    }


def rate_headers(state: VendorState, now: float) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, bucket in (("requests", state.requests), ("tokens", state.tokens)):
        if bucket is None:
            continue
        bucket._refill(now)
        reset = (bucket.limit - bucket.level) / bucket.rate
        headers[f"x-ratelimit-limit-{name}"] = str(bucket.limit)
        headers[f"x-ratelimit-remaining-{name}"] = str(max(0, int(bucket.level)))
        headers[f"x-ratelimit-reset-{name}"] = f"{reset:.3f}s"
    return headers


def too_many(
    message: str, code: str, wait: float, headers: dict[str, str]
) -> JSONResponse:
    headers = {
        **headers,
        "retry-after": str(max(1, math.ceil(wait))),
        "retry-after-ms": str(max(1, math.ceil(wait * 1000))),
    }
    body = error_body(message, "rate_limit_error", code)
    return JSONResponse(body, status_code=429, headers=headers)


def abort_connection() -> None:
    """Reset the TCP connection serving the current request (RST, no answer).

    ASGI gives an application no handle on its socket, so walk up the
    coroutine call chain to the server's request cycle and abort its
    transport with SO_LINGER 0, which makes the kernel send a RST.
    """
    frame = inspect.currentframe()
    while frame is not None:
        owner = frame.f_locals.get("self")
        transport = getattr(owner, "transport", None)
        if isinstance(transport, asyncio.Transport):
            sock = transport.get_extra_info("socket")
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            transport.abort()
            return
        frame = frame.f_back
    raise RuntimeError("no transport found to reset")  # pragma: no cover - uvicorn


def create_app(config: VendorConfig | None = None) -> FastAPI:
    """Build a vendor app with its own state; ``config`` is its default."""
    state = VendorState(config or VendorConfig())
    app = FastAPI(title="fake LLM vendor")
    app.state.vendor = state

    @app.post("/_admin/config")
    async def configure(request: Request) -> VendorConfig:
        update = await request.json()
        state.apply(
            state.config.model_validate({**state.config.model_dump(), **update})
        )
        return state.config

    @app.get("/_admin/config")
    async def get_config() -> VendorConfig:
        return state.config

    @app.get("/_admin/requests")
    async def get_requests() -> list[RequestRecord]:
        return state.records

    @app.get("/_admin/stats")
    async def get_stats() -> dict[str, int]:
        return {"in_flight": state.in_flight, "peak_in_flight": state.peak_in_flight}

    @app.post("/_admin/reset")
    async def reset() -> dict[str, bool]:
        state.reset()
        return {"reset": True}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        seq = next(state.seq)
        attempt = request.headers.get(
            "x-stainless-retry-count", request.headers.get("x-attempt")
        )
        record = RequestRecord(
            seq=seq,
            t=time.monotonic(),
            attempt=int(attempt) if attempt is not None else None,
            idempotency_key=request.headers.get("idempotency-key"),
            client=request.headers.get("x-client"),
            request_id=f"req_{seq:08x}",
        )
        state.records.append(record)
        generation = state.generation
        state.in_flight += 1
        state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
        try:
            response = await serve(request, record)
        finally:
            if generation == state.generation:
                state.in_flight -= 1
        record.status = response.status_code
        record.t_end = time.monotonic()
        response.headers["x-request-id"] = record.request_id
        return response

    async def serve(request: Request, record: RequestRecord) -> Response:
        config = state.config
        try:
            chat = ChatRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            record.outcome = "invalid"
            message = exc.errors()[0]["msg"]
            body = error_body(message, "invalid_request_error", "invalid_request")
            return JSONResponse(body, status_code=400)
        now = time.monotonic()
        if (
            config.max_concurrency is not None
            and state.in_flight > config.max_concurrency
        ):
            record.outcome = "concurrency_limited"
            return too_many(
                f"Too many concurrent requests (limit {config.max_concurrency}).",
                "concurrency_limit_exceeded",
                config.concurrency_retry_after,
                rate_headers(state, now),
            )
        # [start limit-check]
        max_out = chat.max_completion_tokens or chat.max_tokens or 16
        prompt_tokens = estimate_prompt_tokens(chat)
        cost = prompt_tokens + max_out  # OpenAI meters max_tokens up front
        checks = (("requests", state.requests, 1), ("tokens", state.tokens, cost))
        for name, bucket, amount in checks:
            if bucket is None:
                continue
            wait = bucket.wait_for(amount, now)
            if math.isinf(wait):  # can never fit: the caller must change it
                record.outcome = "too_large"
                message = f"Request too large for {name}: limit {bucket.limit}."
                body = error_body(message, "invalid_request_error", "request_too_large")
                return JSONResponse(body, status_code=400)
            if wait > 0:
                record.outcome = f"rate_limited_{name}"
                return too_many(
                    f"Rate limit reached for {name} (limit {bucket.limit} per "
                    f"{config.window:g} s). Please try again in {wait:.3f}s.",
                    "rate_limit_exceeded",
                    wait,
                    rate_headers(state, now),
                )
        for _, bucket, amount in checks:
            if bucket is not None:
                bucket.take(amount)
        # [end limit-check]
        record.tokens = cost
        headers = rate_headers(state, now)
        key = record.idempotency_key
        if key is not None and key in state.idempotency:
            stored = state.idempotency[key]
            if stored is None:
                record.outcome = "idempotency_conflict"
                body = error_body(
                    "A request with this idempotency key is in progress.",
                    "invalid_request_error",
                    "idempotency_key_in_use",
                )
                return JSONResponse(body, status_code=409, headers=headers)
            record.outcome = "replayed"
            headers["idempotent-replayed"] = "true"
            return JSONResponse(stored, headers=headers)
        if key is not None:
            state.idempotency[key] = None  # in progress
        fault = config.fault if state.fault_hits() else "none"
        if fault in ("status", "hang", "reset"):
            record.outcome = fault
            if key is not None:
                del state.idempotency[key]  # no work done: the key is free again
            return await inject_fault(request, config)
        if fault == "slow":
            await asyncio.sleep(config.slow_seconds)
        delay = config.latency
        if config.latency_max is not None and config.latency_max > config.latency:
            delay = state.rng.uniform(config.latency, config.latency_max)
        record.latency = delay
        completion = min(max_out, config.completion_tokens)
        body = completion_body(chat, record.request_id, prompt_tokens, completion)
        try:
            await asyncio.sleep(delay)
        finally:
            if key is not None:
                state.idempotency[key] = body
            record.billed = True
        record.outcome = "ok" if fault == "none" else fault
        if chat.stream:
            events = stream_events(body, config.stream_interval)
            return StreamingResponse(
                events, media_type="text/event-stream", headers=headers
            )
        if fault == "trickle":
            chunks = trickle(json.dumps(body).encode(), config)
            return StreamingResponse(
                chunks, media_type="application/json", headers=headers
            )
        return JSONResponse(body, headers=headers)

    async def inject_fault(request: Request, config: VendorConfig) -> Response:
        if config.fault == "status":
            headers = {}
            if config.fault_retry_after_ms is not None:
                headers["retry-after-ms"] = str(config.fault_retry_after_ms)
            kind = (
                "server_error"
                if config.fault_status >= 500
                else "invalid_request_error"
            )
            body = error_body(f"Injected {config.fault_status}.", kind, None)
            return JSONResponse(body, status_code=config.fault_status, headers=headers)
        if config.fault == "hang":
            # The body is read, so the next ASGI message is the disconnect.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(config.hang_seconds):
                    while (await request.receive())["type"] != "http.disconnect":
                        pass  # pragma: no cover - no other message can arrive
            return Response(status_code=504)
        abort_connection()
        for _ in range(3):  # let the server notice the connection is gone
            await asyncio.sleep(0)
        return Response(status_code=499)

    return app


async def trickle(payload: bytes, config: VendorConfig) -> AsyncIterator[bytes]:
    size = math.ceil(len(payload) / config.trickle_chunks)
    for start in range(0, len(payload), size):
        if start:
            await asyncio.sleep(config.trickle_interval)
        yield payload[start : start + size]


async def stream_events(body: dict[str, Any], interval: float) -> AsyncIterator[bytes]:
    content = body["choices"][0]["message"]["content"]
    for i, word in enumerate(content.split(" ")):
        if i:
            await asyncio.sleep(interval)
        chunk = {
            "id": body["id"],
            "object": "chat.completion.chunk",
            "created": body["created"],
            "model": body["model"],
            "choices": [
                {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
            ],
        }
        yield f"data: {json.dumps(chunk)}\n\n".encode()
    yield b"data: [DONE]\n\n"


def _initial_config() -> VendorConfig:
    raw = os.environ.get("FAKE_VENDOR_CONFIG")
    return VendorConfig.model_validate_json(raw) if raw else VendorConfig()


app = create_app(_initial_config())
