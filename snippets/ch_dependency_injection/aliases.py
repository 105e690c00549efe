"""Annotated aliases, settings built once, and per-request caching."""

from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache
from typing import Annotated
from uuid import uuid4

from fastapi import Depends, FastAPI
from pydantic import BaseModel

calls: Counter[str] = Counter()


# [start settings]
class Settings(BaseModel):
    vendor_url: str
    max_in_flight: int


def read_settings() -> Settings:
    calls["read_settings"] += 1
    return Settings(
        vendor_url=os.environ.get("VENDOR_URL", "http://127.0.0.1:8001"),
        max_in_flight=int(os.environ.get("MAX_IN_FLIGHT", "8")),
    )


@lru_cache
def get_settings() -> Settings:
    return read_settings()


SettingsDep = Annotated[Settings, Depends(get_settings)]
FreshSettingsDep = Annotated[Settings, Depends(read_settings)]  # the mistake
# [end settings]


# [start subdeps]
def request_id() -> str:
    calls["request_id"] += 1
    return uuid4().hex


RequestId = Annotated[str, Depends(request_id)]
UncachedRequestId = Annotated[str, Depends(request_id, use_cache=False)]


def log_context(rid: RequestId) -> dict[str, str]:
    return {"request_id": rid}


def audit_tag(rid: RequestId) -> str:
    return f"audit:{rid}"


LogContext = Annotated[dict[str, str], Depends(log_context)]
AuditTag = Annotated[str, Depends(audit_tag)]
# [end subdeps]

app = FastAPI()


# [start endpoints]
@app.get("/ids")
async def ids(rid: RequestId, ctx: LogContext, tag: AuditTag) -> list[str]:
    return [rid, ctx["request_id"], tag.removeprefix("audit:")]


@app.get("/ids-uncached")
async def ids_uncached(
    first: UncachedRequestId, second: UncachedRequestId
) -> list[str]:
    return [first, second]


@app.get("/settings")
async def settings_id(settings: SettingsDep) -> int:
    return id(settings)


@app.get("/settings-fresh")
async def fresh_settings_id(settings: FreshSettingsDep) -> int:
    return id(settings)


# [end endpoints]


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        first, second, third = client.get("/ids").json()
        assert first == second == third
