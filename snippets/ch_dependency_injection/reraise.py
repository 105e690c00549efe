"""The re-raise rule: a yield dependency that catches an exception must raise."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException

logger = logging.getLogger("book.di")
app = FastAPI()


# [start swallowing]
async def swallowing_session() -> AsyncIterator[str]:
    try:
        yield "session"
    except ValueError:
        logger.info("rolling back")  # the mistake: no `raise`


# [end swallowing]


# [start reraising]
async def reraising_session() -> AsyncIterator[str]:
    try:
        yield "session"
    except ValueError:
        logger.info("rolling back")
        raise


async def translating_session() -> AsyncIterator[str]:
    try:
        yield "session"
    except ValueError as exc:
        raise HTTPException(
            status_code=422, detail="the vendor rejected the prompt"
        ) from exc


# [end reraising]


def fail() -> str:
    raise ValueError("vendor said no")


@app.get("/swallow")
async def swallow(_: Annotated[str, Depends(swallowing_session)]) -> str:
    return fail()


@app.get("/reraise")
async def reraise(_: Annotated[str, Depends(reraising_session)]) -> str:
    return fail()


@app.get("/translate")
async def translate(_: Annotated[str, Depends(translating_session)]) -> str:
    return fail()


if __name__ == "__main__":
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/translate").status_code == 422
