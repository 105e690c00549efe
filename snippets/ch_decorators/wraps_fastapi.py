"""The same endpoint behind two audit decorators: one without ``wraps``."""

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI

logger = logging.getLogger(__name__)

Endpoint = Callable[..., Coroutine[Any, Any, Any]]


# [start audit-decorators]
def audited_naive(func: Endpoint) -> Endpoint:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        logger.info("audit %s", func.__name__)
        return await func(*args, **kwargs)

    return wrapper


def audited(func: Endpoint) -> Endpoint:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        logger.info("audit %s", func.__name__)
        return await func(*args, **kwargs)

    return wrapper


# [end audit-decorators]


# [start build-app]
def build_app(audit: Callable[[Endpoint], Endpoint]) -> FastAPI:
    app = FastAPI()

    @app.get("/a")  # outermost: registers what the decorators below return
    @audit
    async def read_a(q: int) -> dict[str, int]:
        return {"q": q}

    return app


broken_app = build_app(audited_naive)  # GET /a?q=1 -> 422
app = build_app(audited)  # GET /a?q=1 -> 200 {"q": 1}
# [end build-app]


# [start wrong-order]
order_app = FastAPI()


@audited  # runs after @order_app.get registered the undecorated function
@order_app.get("/b")
async def read_b(q: int) -> dict[str, int]:
    return {"q": q}


# [end wrong-order]


if __name__ == "__main__":
    import asyncio

    from fastapi.testclient import TestClient

    async def echo(q: int) -> dict[str, int]:
        return {"q": q}

    # As plain Python, the naive wrapper works; only FastAPI is misled.
    assert asyncio.run(audited_naive(echo)(q=3)) == {"q": 3}

    assert TestClient(broken_app).get("/a?q=1").status_code == 422
    assert TestClient(app).get("/a?q=1").json() == {"q": 1}
    assert TestClient(order_app).get("/b?q=2").json() == {"q": 2}
