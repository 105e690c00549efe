"""Start the reference service as a real uvicorn process against the fake vendor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support.services import UvicornServer, local_tls
from tests.support.vendor import FakeVendor, _coverage_env

APP = "ch_llm_fastapi.app:app"


def service_env(vendor: FakeVendor, **settings: Any) -> dict[str, str]:
    env = {"BOOK_SVC_VENDOR_URL": vendor.url, **_coverage_env()}
    env.update({f"BOOK_SVC_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def start_service(
    factory: Callable[..., UvicornServer],
    vendor: FakeVendor,
    *,
    extra_args: tuple[str, ...] = (),
    **settings: Any,
) -> UvicornServer:
    return factory(
        APP, env=service_env(vendor, **settings), extra_args=list(extra_args)
    )


def metric(server: UvicornServer, line_prefix: str) -> float:
    """The value of one sample of /metrics, 0.0 when it is absent."""
    text = httpx.get(f"{server.url}/metrics", timeout=5.0, verify=local_tls()).text
    for line in text.splitlines():
        if line.startswith(line_prefix + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
