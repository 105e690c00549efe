"""App-lifetime resources in lifespan state; request-lifetime ones in dependencies."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

import httpx
from fastapi import Depends, FastAPI, Request

TIMEOUT = httpx.Timeout(10.0, connect=2.0)
LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)


def upstream() -> str:
    return os.environ.get("BOOK_DI_UPSTREAM", "http://127.0.0.1:9")


# [start lifespan]
class State(TypedDict):
    http: httpx.AsyncClient


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    async with httpx.AsyncClient(
        base_url=upstream(), timeout=TIMEOUT, limits=LIMITS
    ) as client:
        yield {"http": client}  # each request sees it as request.state.http


def get_http(request: Request) -> httpx.AsyncClient:
    client: httpx.AsyncClient = request.state.http
    return client


Http = Annotated[httpx.AsyncClient, Depends(get_http)]
app = FastAPI(lifespan=lifespan)


@app.get("/shared")
async def shared(http: Http) -> int:
    response = await http.get("/whoami")
    port: int = response.json()["client_port"]
    return port


# [end lifespan]


# [start per-request]
async def per_request_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=upstream(), timeout=TIMEOUT) as client:
        yield client  # the mistake: a new pool, a new TCP connection, every request


@app.get("/per-request")
async def per_request(
    http: Annotated[httpx.AsyncClient, Depends(per_request_client)],
) -> int:
    response = await http.get("/whoami")
    port: int = response.json()["client_port"]
    return port


# [end per-request]
