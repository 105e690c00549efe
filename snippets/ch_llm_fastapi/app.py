"""The reference service: a FastAPI front for an LLM vendor, built to survive it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from fastapi.responses import StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from ch_dependency_injection.auth import KeyedTokenBucket
from ch_llm_fastapi.gateway import VendorGateway
from ch_llm_fastapi.logs import RequestContext, log
from ch_llm_fastapi.metrics import Metrics
from ch_llm_fastapi.problems import (
    QuotaExceeded,
    Unauthenticated,
    install_problem_handler,
)
from ch_llm_fastapi.settings import Settings, settings_from_env


@dataclass
class Health:
    ready: bool = False


# [start lifespan]
def build_lifespan(
    settings: Settings, metrics: Metrics, transport: httpx.AsyncBaseTransport | None
) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        timeout = httpx.Timeout(
            settings.attempt_timeout, connect=settings.connect_timeout
        )
        limits = httpx.Limits(  # the pool never makes a slot holder wait
            max_connections=settings.max_in_flight,
            max_keepalive_connections=settings.max_in_flight,
        )
        health = Health()
        async with httpx.AsyncClient(
            base_url=settings.vendor_url,
            timeout=timeout,
            limits=limits,
            transport=transport,
        ) as client:
            app.state.http = client  # only so tests can inspect it afterwards
            health.ready = True
            log.info("service ready", vendor=settings.vendor_url)
            yield {
                "gateway": VendorGateway(client, settings, metrics),
                "quota": KeyedTokenBucket(
                    settings.quota_per_second, settings.quota_burst
                ),
                "health": health,
                "settings": settings,
            }
            health.ready = False  # draining: uvicorn has stopped taking requests
        log.info("vendor client closed", closed=client.is_closed)

    return lifespan


# [end lifespan]


# [start dependencies]
def gateway(request: Request) -> VendorGateway:
    found: VendorGateway = request.state.gateway
    return found


Gateway = Annotated[VendorGateway, Depends(gateway)]


async def tenant(
    request: Request, x_api_key: Annotated[str | None, Header()] = None
) -> str:
    if not x_api_key:
        raise Unauthenticated("send your API key in the X-API-Key header")
    quota: KeyedTokenBucket = request.state.quota
    wait = quota.try_take(x_api_key)
    if wait > 0:
        raise QuotaExceeded("this API key is over its request quota", wait)
    return x_api_key


class Prompt(BaseModel):
    prompt: str = Field(min_length=1, max_length=20_000)
    max_tokens: int = Field(default=64, ge=1, le=4096)


def vendor_body(prompt: Prompt, request: Request) -> dict[str, Any]:
    settings: Settings = request.state.settings
    return {
        "model": settings.model,
        "messages": [{"role": "user", "content": prompt.prompt}],
        "max_tokens": prompt.max_tokens,
    }


# [end dependencies]


# [start routes]
api = APIRouter(prefix="/v1", dependencies=[Depends(tenant)])


@api.post("/complete")
async def complete(prompt: Prompt, request: Request, gw: Gateway) -> dict[str, Any]:
    answer = await gw.complete(vendor_body(prompt, request))
    log.info("completion finished", tokens=answer.get("usage", {}).get("total_tokens"))
    return {"text": answer["choices"][0]["message"]["content"]}


# [end routes]


# [start stream]
async def upstream_stream(
    prompt: Prompt, request: Request, gw: Gateway
) -> AsyncIterator[httpx.Response]:
    async with gw.stream(vendor_body(prompt, request)) as response:
        yield response  # scope="request": open until the stream has been sent


Upstream = Annotated[httpx.Response, Depends(upstream_stream)]


@api.post("/stream")
async def stream(upstream: Upstream, request: Request) -> StreamingResponse:
    metrics: Metrics = request.app.state.metrics

    async def relay() -> AsyncIterator[str]:
        how = "client_gone"
        try:
            async for line in upstream.aiter_lines():
                if line:
                    metrics.stream_chunks.inc()
                    yield line + "\n\n"
            how = "completed"
        finally:  # no await here: nothing for a second cancellation to cut short
            metrics.stream_ends.labels(how=how).inc()
            log.info("stream ended", how=how)

    return StreamingResponse(relay(), media_type="text/event-stream")


# [end stream]


# [start health]
ops = APIRouter()


@ops.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "alive"}  # the loop answers: nothing else is checked


@ops.get("/readyz")
async def readyz(request: Request, response: Response) -> dict[str, str]:
    health: Health = request.state.health
    if not health.ready:
        response.status_code = 503
        return {"status": "starting or draining"}
    return {"status": "ready"}  # the vendor's health is deliberately not checked


@ops.get("/metrics")
async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


# [end health]


# [start create-app]
def create_app(
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or settings_from_env()
    metrics = Metrics()
    app = FastAPI(lifespan=build_lifespan(settings, metrics, transport))
    app.state.metrics = metrics
    install_problem_handler(app)
    app.include_router(api)
    app.include_router(ops)
    app.add_middleware(RequestContext, metrics=metrics)
    return app


app = create_app()  # uvicorn ch_llm_fastapi.app:app, configured by BOOK_SVC_*
# [end create-app]
