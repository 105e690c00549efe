"""Router-level dependencies: an API key check and a per-key rate limit."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request

API_KEYS = {"key-alpha": "alpha", "key-beta": "beta"}


# [start api-key]
def tenant_for_key(x_api_key: Annotated[str | None, Header()] = None) -> str:
    tenant = API_KEYS.get(x_api_key or "")
    if tenant is None:
        raise HTTPException(
            status_code=401,
            detail="missing or unknown API key",
            headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'},
        )
    return tenant


Tenant = Annotated[str, Depends(tenant_for_key)]
# [end api-key]


# [start bucket]
@dataclass
class KeyedTokenBucket:
    """A token bucket per key: `rate` tokens per second, at most `burst` saved."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def try_take(self, key: str) -> float:
        """Take a token and return 0.0, or return the seconds until one exists."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate


# [end bucket]


# [start per-key-limit]
def per_key_limit(tenant: Tenant, request: Request) -> None:
    bucket: KeyedTokenBucket = request.state.buckets
    wait = bucket.try_take(tenant)
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail=f"tenant {tenant} is over its request quota",
            headers={"Retry-After": str(math.ceil(wait))},
        )


api = APIRouter(
    prefix="/v1", dependencies=[Depends(tenant_for_key), Depends(per_key_limit)]
)


@api.post("/complete")
async def complete(tenant: Tenant) -> dict[str, str]:
    return {"tenant": tenant}  # tenant_for_key ran once: the value is cached


# [end per-key-limit]


# [start create-app]
def create_app(bucket: KeyedTokenBucket) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        yield {"buckets": bucket}

    app = FastAPI(lifespan=lifespan)
    app.include_router(api)

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"  # no key needed: probes carry no credentials

    return app


# The mistake: an app-level auth dependency also guards the health check.
locked_out = FastAPI(dependencies=[Depends(tenant_for_key)])


@locked_out.get("/healthz")
async def locked_healthz() -> str:
    return "ok"  # pragma: no cover - the app-level dependency rejects first


# [end create-app]


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    with TestClient(create_app(KeyedTokenBucket(rate=1.0, burst=1.0))) as client:
        assert client.get("/healthz").status_code == 200
