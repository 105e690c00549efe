"""A tiny upstream for the lifespan examples: it answers with the caller's port."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def whoami(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse({"client_port": request.client.port})


app = Starlette(routes=[Route("/whoami", whoami)])
