"""The reference service's settings, read once from the environment."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, Field


# [start settings]
class Settings(BaseModel):
    vendor_url: str = "http://127.0.0.1:9"
    model: str = "fake-1"
    connect_timeout: float = Field(default=2.0, gt=0)  # seconds
    attempt_timeout: float = Field(default=10.0, gt=0)  # one vendor attempt
    deadline: float = Field(default=25.0, gt=0)  # the whole request, retries included
    admission_timeout: float = Field(default=0.5, gt=0)  # the wait for a slot only
    max_in_flight: int = Field(default=8, ge=1)  # vendor calls at once, per process
    # This process's share of the vendor's request rate, and the burst the
    # limiter lets start at once. Little's law sizes the slots from them:
    # 10/s x 0.4 s typical latency + a burst of 4 = max_in_flight of 8.
    vendor_rate: float = Field(default=10.0, gt=0)  # calls started per second
    vendor_burst: int = Field(default=4, ge=1)
    max_attempts: int = Field(default=3, ge=1)
    backoff_base: float = Field(default=0.2, gt=0)
    backoff_cap: float = Field(default=4.0, gt=0)
    quota_per_second: float = Field(default=5.0, gt=0)  # per API key
    quota_burst: float = Field(default=10.0, ge=1)


@lru_cache
def settings_from_env() -> Settings:
    prefix = "BOOK_SVC_"
    raw = {
        name.removeprefix(prefix).lower(): value
        for name, value in os.environ.items()
        if name.startswith(prefix)
    }
    return Settings.model_validate(raw)


# [end settings]
