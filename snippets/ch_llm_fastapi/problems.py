"""Outcomes the service maps to HTTP, as RFC 9457 problem details."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


# [start problems]
class ServiceProblem(Exception):
    """An outcome the client can act on. Never carries internal details."""

    status = 500
    kind = "internal"
    title = "Internal error"

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class Unauthenticated(ServiceProblem):  # no usable credentials
    status, kind, title = 401, "unauthenticated", "Authentication required"


class QuotaExceeded(ServiceProblem):  # this caller is over its own allowance
    status, kind, title = 429, "quota-exceeded", "Quota exceeded"


class Overloaded(ServiceProblem):  # we are out of capacity, or the vendor is
    status, kind, title = 503, "overloaded", "Service overloaded"


class UpstreamTimeout(ServiceProblem):  # the vendor did not answer in time
    status, kind, title = 504, "upstream-timeout", "Upstream timed out"


class BadUpstream(ServiceProblem):  # the vendor answered with an error or garbage
    status, kind, title = 502, "bad-upstream", "Bad upstream response"


class PromptRejected(ServiceProblem):  # the vendor refused this input: fix it
    status, kind, title = 422, "prompt-rejected", "Prompt rejected by the model"


# [end problems]


# [start handler]
def problem_response(problem: ServiceProblem, request: Request) -> JSONResponse:
    headers = {}
    if problem.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(problem.retry_after)))
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
    body = {
        "type": f"https://errors.example.com/{problem.kind}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
    }
    return JSONResponse(
        body,
        status_code=problem.status,
        headers=headers,
        media_type="application/problem+json",
    )


def install_problem_handler(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceProblem)
        return problem_response(exc, request)

    app.add_exception_handler(ServiceProblem, handle)


# [end handler]
