"""When the code after `yield` runs: scope="function" versus scope="request"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI
from fastapi.responses import StreamingResponse

events: list[str] = []


@dataclass
class Resource:
    name: str
    closed: bool = False


# [start scoped-deps]
async def function_scoped() -> AsyncIterator[Resource]:
    resource = Resource("function")
    events.append("function dep: setup")
    try:
        yield resource
    finally:
        resource.closed = True
        events.append("function dep: teardown")


async def request_scoped() -> AsyncIterator[Resource]:
    resource = Resource("request")
    events.append("request dep: setup")
    try:
        yield resource
    finally:
        resource.closed = True
        events.append("request dep: teardown")


FunctionScoped = Annotated[Resource, Depends(function_scoped, scope="function")]
RequestScoped = Annotated[Resource, Depends(request_scoped)]  # "request" is the default
# [end scoped-deps]

app = FastAPI()


# [start stream-endpoint]
@app.get("/stream")
async def stream(fn: FunctionScoped, req: RequestScoped) -> StreamingResponse:
    async def body() -> AsyncIterator[str]:
        for res in (fn, req):
            state = "closed" if res.closed else "open"
            events.append(f"chunk: {res.name} resource is {state}")
            yield f"{res.name}: {state}\n"

    events.append("endpoint returned")
    return StreamingResponse(body(), media_type="text/plain")


# [end stream-endpoint]


# [start teardown-order]
async def outer_dep() -> AsyncIterator[None]:
    events.append("outer: setup")
    yield
    events.append("outer: teardown")


async def inner_dep(_: Annotated[None, Depends(outer_dep)]) -> AsyncIterator[None]:
    events.append("inner: setup")
    yield
    events.append("inner: teardown")


@app.get("/order")
async def order(_: Annotated[None, Depends(inner_dep)]) -> str:
    events.append("endpoint")
    return "ok"


# [end teardown-order]


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/stream").text == "function: closed\nrequest: open\n"
