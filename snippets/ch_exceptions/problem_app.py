"""One boundary: library errors become RFC 9457 problem details, nothing leaks."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Annotated, NamedTuple, Protocol

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ch_exceptions.llm_errors import BadRequest, LLMError, RateLimited, VendorTimeout
from ch_exceptions.vendor_client import VendorClient

logger = logging.getLogger(__name__)


# [start problem]
PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://docs.example.com/problems/"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: object,
) -> JSONResponse:
    """An RFC 9457 response; `instance` names this occurrence, and logs carry it."""
    body = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance or f"urn:uuid:{uuid.uuid4()}",
        **extensions,
    }
    return JSONResponse(
        body, status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


# [end problem]


# [start public]
class Public(NamedTuple):
    """What a client may see about an error: fixed text, never str(exc)."""

    status: int
    slug: str
    title: str
    detail: str


PUBLIC: dict[type[LLMError], Public] = {
    LLMError: Public(502, "model-error", "Model call failed", "The model call failed."),
    BadRequest: Public(
        422, "input-rejected", "Input rejected by the model", "Change the input."
    ),
    RateLimited: Public(
        503, "model-busy", "Model capacity exhausted", "Retry after the delay given."
    ),
    VendorTimeout: Public(
        504, "model-timeout", "Model did not answer in time", "Retry later."
    ),
}


def public_view(exc: LLMError) -> Public:
    """The entry for the most specific class of exc (subclasses come first)."""
    return next(PUBLIC[cls] for cls in type(exc).__mro__ if cls in PUBLIC)


# [end public]


# [start app]
class Completer(Protocol):
    async def complete(self, prompt: str) -> str: ...


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    base_url = os.environ.get("VENDOR_URL", "https://api.vendor.example")
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        app.state.completer = VendorClient(http, model="small-model")
        yield


def get_completer(request: Request) -> Completer:
    completer: Completer = request.app.state.completer
    return completer


app = FastAPI(lifespan=lifespan)


class SummaryIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)


class SummaryOut(BaseModel):
    summary: str


@app.post("/v1/summaries")
async def summarise(
    body: SummaryIn, completer: Annotated[Completer, Depends(get_completer)]
) -> SummaryOut:
    # No try/except here: errors travel to the one boundary below.
    return SummaryOut(summary=await completer.complete(f"Summarise:\n{body.text}"))


# [end app]


# [start handlers]
@app.exception_handler(LLMError)
async def llm_error(request: Request, exc: LLMError) -> JSONResponse:
    view = public_view(exc)
    instance = f"urn:uuid:{uuid.uuid4()}"
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(round(exc.retry_after or 30))
    logger.warning(
        "%s on %s, answered %d, instance %s",
        type(exc).__name__, request.url.path, view.status, instance, exc_info=exc,
    )  # fmt: skip
    return problem(*view, instance=instance, headers=headers)


@app.exception_handler(Exception)
async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    instance = f"urn:uuid:{uuid.uuid4()}"
    logger.error(
        "unhandled error on %s, instance %s", request.url.path, instance, exc_info=exc
    )
    return problem(
        500,
        "internal",
        "Internal Server Error",
        "The server failed.",
        instance=instance,
    )


# [end handlers]


# [start framework-errors]
@app.exception_handler(HTTPException)
async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    title = HTTPStatus(exc.status_code).phrase
    return problem(
        exc.status_code, f"http-{exc.status_code}", title, str(exc.detail),
        headers=exc.headers,
    )  # fmt: skip


@app.exception_handler(RequestValidationError)
async def validation_error(
    request: Request, exc: RequestValidationError
) -> JSONResponse:
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return problem(
        422, "invalid-request", "Invalid request", "The request body is invalid.",
        errors=errors,
    )  # fmt: skip


# [end framework-errors]
