"""The service boundary: shedding and the breaker answer 503 with Retry-After."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Header, Request
from pydantic import BaseModel, Field

from ch_llm_fastapi.problems import (
    BadUpstream,
    Overloaded,
    PromptRejected,
    UpstreamTimeout,
    install_problem_handler,
)
from ch_llm_fundamentals.errors import AdmissionRejected
from ch_llm_resilience.breaker import BreakerOpen, CircuitBreaker
from ch_llm_resilience.guarded import guarded_call
from ch_llm_resilience.shedding import LoadShedder, Priority, priority_of


class ResilienceSettings(BaseModel):
    vendor_url: str = "http://127.0.0.1:9"
    min_calls: int = Field(default=20, ge=1)
    window: float = Field(default=30.0, gt=0)
    open_for: float = Field(default=10.0, gt=0)
    max_in_flight: int = Field(default=16, ge=1)
    admission_timeout: float = Field(default=0.5, gt=0)
    call_timeout: float = Field(default=10.0, gt=0)


def settings_from_env() -> ResilienceSettings:
    prefix = "BOOK_RES_"
    raw = {
        k.removeprefix(prefix).lower(): v
        for k, v in os.environ.items()
        if k.startswith(prefix)
    }
    return ResilienceSettings.model_validate(raw)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    s: ResilienceSettings = app.state.settings
    async with httpx.AsyncClient(base_url=s.vendor_url) as http:
        yield {
            "http": http,
            "breaker": CircuitBreaker(
                min_calls=s.min_calls, window=s.window, open_for=s.open_for
            ),
            # in flight plus waiting for a slot: a bounded queue in front
            "shedder": LoadShedder(max_in_flight=2 * s.max_in_flight),
            "slots": asyncio.Semaphore(s.max_in_flight),
        }


class Prompt(BaseModel):
    prompt: str = Field(min_length=1, max_length=20_000)
    max_tokens: int = Field(default=64, ge=1, le=4096)


# [start endpoint]
def caller_priority(x_api_key: Annotated[str, Header()]) -> Priority:
    return priority_of(x_api_key)  # a "tier" the client sends is never read


def caller_deadline(
    request: Request, x_request_timeout: Annotated[float | None, Header()] = None
) -> float | None:
    if x_request_timeout is None:
        return None
    return time.monotonic() + x_request_timeout  # the shedder's clock


async def complete(
    prompt: Prompt,
    request: Request,
    priority: Annotated[Priority, Depends(caller_priority)],
    deadline: Annotated[float | None, Depends(caller_deadline)],
) -> dict[str, Any]:
    state = request.state
    s: ResilienceSettings = request.app.state.settings
    payload = {
        "model": "fake-1",
        "messages": [{"role": "user", "content": prompt.prompt}],
        "max_tokens": prompt.max_tokens,
    }
    with state.shedder.admitted(priority, deadline):  # Shed is a 503
        try:
            response = await guarded_call(
                state.breaker, state.slots, state.http, payload,
                admission_timeout=s.admission_timeout, call_timeout=s.call_timeout,
            )  # fmt: skip
        except BreakerOpen as exc:
            raise Overloaded("the model is unavailable", exc.retry_after) from None
        except AdmissionRejected:
            raise Overloaded("no capacity for model calls", 1) from None
        except (httpx.TimeoutException, TimeoutError):
            raise UpstreamTimeout("the model did not answer in time") from None
        except httpx.TransportError:
            raise BadUpstream("the model could not be reached") from None
    if response.status_code >= 500:
        raise BadUpstream(f"the model failed ({response.status_code})")
    if response.status_code == 429:
        raise Overloaded("the model's capacity is exhausted", 1)
    if response.status_code >= 400:
        raise PromptRejected("the model rejected this request")
    return {"text": response.json()["choices"][0]["message"]["content"]}


# [end endpoint]


def create_app(settings: ResilienceSettings | None = None) -> FastAPI:
    app = FastAPI(lifespan=lifespan)
    app.state.settings = settings or settings_from_env()
    install_problem_handler(app)
    app.post("/v1/complete")(complete)

    @app.get("/breaker")
    async def breaker_state(request: Request) -> dict[str, str]:
        return {"state": request.state.breaker.state.value}

    @app.post("/breaker/close")  # the operator's override after a fix
    async def force_close(request: Request) -> dict[str, str]:
        breaker: CircuitBreaker = request.state.breaker
        breaker.force_close()
        return {"state": breaker.state.value}

    return app


app = create_app()
