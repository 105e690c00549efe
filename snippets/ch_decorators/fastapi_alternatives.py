"""Cross-cutting concerns in FastAPI: a dependency and a middleware."""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response

logger = logging.getLogger(__name__)
API_KEYS = {"k-test-123": "acme"}  # tenant by key; a real service reads a store

app = FastAPI()


# [start dependency]
async def current_tenant(x_api_key: Annotated[str, Header()]) -> str:
    """Resolve the caller's tenant from the X-API-Key header."""
    tenant = API_KEYS.get(x_api_key)
    if tenant is None:
        raise HTTPException(status_code=401, detail="unknown API key")
    return tenant


Tenant = Annotated[str, Depends(current_tenant)]


@app.get("/reports/{report_id}")
async def read_report(report_id: int, tenant: Tenant) -> dict[str, object]:
    return {"report_id": report_id, "tenant": tenant}


# [end dependency]


# [start middleware]
@app.middleware("http")
async def server_timing(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    start = time.perf_counter()
    response = await call_next(request)
    elapsed_ms = (time.perf_counter() - start) * 1000
    response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
    logger.info("%s %s took %.1f ms", request.method, request.url.path, elapsed_ms)
    return response


# [end middleware]


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    client = TestClient(app)
    assert client.get("/reports/1").status_code == 422  # header missing
    assert client.get("/reports/1", headers={"X-API-Key": "nope"}).status_code == 401
    ok = client.get("/reports/1", headers={"X-API-Key": "k-test-123"})
    assert ok.json() == {"report_id": 1, "tenant": "acme"}
    assert ok.headers["Server-Timing"].startswith("app;dur=")
