"""The exception hierarchy of a small LLM client library."""

from __future__ import annotations

from typing import ClassVar


# [start hierarchy]
class LLMError(Exception):
    """Base of every error this library raises: catch this to catch them all."""

    retryable: ClassVar[bool] = False


class BadRequest(LLMError):
    """The vendor rejected the request itself (HTTP 4xx): do not retry it."""


class VendorError(LLMError):
    """The vendor failed: a 5xx, a broken connection, or a reply we cannot use."""

    retryable = True


class RateLimited(VendorError):
    """The vendor said 429: our account is over its limit for now."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, when the vendor said


class VendorTimeout(VendorError):
    """The vendor did not answer within our deadline."""


# [end hierarchy]
