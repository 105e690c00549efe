"""An LLM client that turns transport and HTTP failures into the library's errors."""

from __future__ import annotations

from typing import Any

import httpx

from ch_exceptions.llm_errors import (
    BadRequest,
    LLMError,
    RateLimited,
    VendorError,
    VendorTimeout,
)


# [start error-for-status]
def error_for_status(response: httpx.Response) -> LLMError | None:
    """The library error for a vendor response, or None when it succeeded."""
    status = response.status_code
    if status < 400:
        return None
    text = f"vendor answered {status}: {response.text[:200]}"  # for logs only
    if status == 429:
        header = response.headers.get("retry-after", "")
        # RFC 9110 delay-seconds is 1*DIGIT (ASCII); an HTTP-date gives None here.
        retry_after = float(header) if header.isascii() and header.isdigit() else None
        return RateLimited(text, retry_after=retry_after)
    if status < 500:
        return BadRequest(text)
    return VendorError(text)


# [end error-for-status]


# [start vendor-client]
class VendorClient:
    def __init__(self, http: httpx.AsyncClient, model: str) -> None:
        self._http = http
        self._model = model

    async def complete(self, prompt: str) -> str:
        payload = {
            "model": self._model,
            "messages": [{"role": "user", "content": prompt}],
        }
        try:
            response = await self._http.post("/v1/chat/completions", json=payload)
        except httpx.TimeoutException as exc:
            raise VendorTimeout(f"no reply from {self._http.base_url}") from exc
        except httpx.TransportError as exc:
            raise VendorError(f"transport failure: {exc!r}") from exc
        if (error := error_for_status(response)) is not None:
            raise error
        try:
            body: Any = response.json()
            return str(body["choices"][0]["message"]["content"])
        except (ValueError, LookupError, TypeError) as exc:
            raise VendorError("malformed reply") from exc


# [end vendor-client]
