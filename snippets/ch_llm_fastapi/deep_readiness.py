"""A readiness probe that checks the vendor: the anti-pattern."""

from __future__ import annotations

import httpx
from fastapi import Request, Response

from ch_llm_fastapi.app import create_app
from ch_llm_fastapi.settings import Settings


# [start deep-readiness]
async def deep_readyz(request: Request, response: Response) -> dict[str, str]:
    client: httpx.AsyncClient = request.app.state.http
    try:  # the mistake: every pod asks the same shared vendor
        probe = await client.post(
            "/v1/chat/completions",
            json={"model": "fake-1", "messages": [{"role": "user", "content": "ping"}]},
            timeout=1.0,
        )
        probe.raise_for_status()
    except httpx.HTTPError:
        response.status_code = 503
        return {"status": "vendor unhealthy"}
    return {"status": "ready"}


# [end deep-readiness]


def create_app_with_deep_readiness(settings: Settings) -> object:
    app = create_app(settings)
    app.add_api_route("/readyz-deep", deep_readyz, methods=["GET"])
    return app
