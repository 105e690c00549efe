"""One "pod": a small FastAPI service that calls the vendor through a limiter.

Run several with uvicorn, each with its own ``POD_NAME``, all pointed at the
same vendor and (for the global limiter) the same Redis::

    POD_NAME=a POD_LIMITER=global POD_REDIS_URL=redis://... \
        uvicorn ch_llm_multipod.pod:app --port 8001

``POD_LIMITER`` is ``local`` (a bucket in this process, sized by ``POD_RATE``)
or ``global`` (the Redis bucket of ch-llm-architecture, falling back to a
``1 / POD_PODS`` share when Redis is down).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import httpx
import redis.asyncio as redis
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ch_llm_architecture.global_limiter import (
    FailoverLimiter,
    GlobalLimiter,
    LocalBucket,
    QuotaShortfall,
    VendorBudget,
)


# [start settings]
class PodSettings(BaseModel):
    name: str = "pod"
    vendor_url: str = "http://127.0.0.1:9"
    limiter: Literal["local", "global"] = "local"
    redis_url: str = "redis://127.0.0.1:6379/0"
    rate: float = Field(default=10.0, gt=0)  # vendor requests per second
    burst: float = Field(default=1.0, ge=1)
    tokens_per_second: float = Field(default=100_000.0, gt=0)
    pods: int = Field(default=3, ge=1)  # the most pods that can run at once
    slots: int = Field(default=16, ge=1)  # vendor calls in flight, this pod
    admission_wait: float = Field(default=0.5, gt=0)  # slot + token wait
    call_timeout: float = Field(default=10.0, gt=0)


def settings_from_env() -> PodSettings:
    raw = {
        k.removeprefix("POD_").lower(): v
        for k, v in os.environ.items()
        if k.startswith("POD_")
    }
    return PodSettings.model_validate(raw)


# [end settings]


# [start limiter]
def build_limiter(
    s: PodSettings, client: redis.Redis | None
) -> LocalBucket | FailoverLimiter:
    budget = VendorBudget(s.rate, s.burst, s.tokens_per_second, s.tokens_per_second)
    if client is None:  # per-pod: this process believes it owns the budget
        return LocalBucket(budget)
    return FailoverLimiter(GlobalLimiter(client, budget), pods=s.pods)


# [end limiter]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    s = settings_from_env()
    store = None
    if s.limiter == "global":
        store = redis.Redis.from_url(
            s.redis_url, socket_connect_timeout=0.2, socket_timeout=0.5
        )
    async with httpx.AsyncClient(
        base_url=s.vendor_url,
        timeout=s.call_timeout,
        limits=httpx.Limits(max_connections=s.slots),
    ) as http:
        yield {
            "settings": s,
            "http": http,
            "limiter": build_limiter(s, store),
            "slots": asyncio.Semaphore(s.slots),
        }
        if store is not None:
            await store.aclose()


app = FastAPI(lifespan=lifespan)


class Prompt(BaseModel):
    prompt: str = Field(min_length=1, max_length=4000)
    max_tokens: int = Field(default=16, ge=1, le=4096)


def pod_settings(request: Request) -> PodSettings:
    found: PodSettings = request.state.settings
    return found


Settings = Annotated[PodSettings, Depends(pod_settings)]


def busy(reason: str, retry_after: float, s: PodSettings) -> JSONResponse:
    return JSONResponse(
        {"detail": reason, "pod": s.name},
        status_code=503,
        headers={"Retry-After": str(max(1, round(retry_after)))},
    )


# [start complete]
@app.post("/v1/complete")
async def complete(prompt: Prompt, request: Request, s: Settings) -> Response:
    state = request.state
    try:
        async with asyncio.timeout(s.admission_wait):  # bounds the wait only
            await state.slots.acquire()
    except TimeoutError:
        return busy("no local slot", 1, s)
    try:
        cost = len(prompt.prompt) // 4 + prompt.max_tokens  # estimated tokens
        try:
            wait = await state.limiter.reserve(cost, max_wait=s.admission_wait)
        except QuotaShortfall as short:
            return busy("vendor budget exhausted", short.retry_after, s)
        await asyncio.sleep(wait)  # our reserved start time
        body = {
            "model": "fake-1",
            "messages": [{"role": "user", "content": prompt.prompt}],
            "max_tokens": prompt.max_tokens,
        }
        answer = await state.http.post(
            "/v1/chat/completions", json=body, headers={"x-client": s.name}
        )
    finally:
        state.slots.release()
    if answer.status_code == 429:  # the vendor's quota, not the caller's
        return busy("vendor rate limit", float(answer.headers["retry-after"]), s)
    text = answer.json()["choices"][0]["message"]["content"]
    return JSONResponse({"text": text, "pod": s.name}, headers={"x-pod": s.name})


# [end complete]


# [start probes]
@app.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "alive"}  # the event loop answers; nothing else checked


@app.get("/startupz")
async def startupz(s: Settings) -> dict[str, str]:
    return {"status": "started", "pod": s.name}  # lifespan has run


@app.get("/readyz")
async def readyz(s: Settings) -> dict[str, str]:
    return {"status": "ready", "pod": s.name}  # Redis and vendor not checked


@app.get("/v1/whoami")
async def whoami(s: Settings) -> Response:
    return JSONResponse({"pod": s.name}, headers={"x-pod": s.name})


# [end probes]
