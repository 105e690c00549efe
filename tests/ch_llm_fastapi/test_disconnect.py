"""What a client disconnect does to a plain handler and to a stream (real uvicorn)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.support.services import UvicornServer
from tests.support.vendor import FakeVendor

from ._service import APP, metric, service_env
from ._wait import wait_until


@pytest.fixture(scope="module")
def service(vendor_server: FakeVendor) -> Iterator[UvicornServer]:
    """One service for both tests: default settings, one process start."""
    with UvicornServer(APP, env=service_env(vendor_server)) as server:
        yield server


def raw_post(
    server: UvicornServer, path: str, body: dict[str, object]
) -> socket.socket:
    payload = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: t\r\nX-API-Key: k\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        .encode() + payload
    )  # fmt: skip
    return sock


def test_disconnect_does_not_cancel_a_plain_handler(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(latency=1.0)
    before = metric(server, 'llm_outcomes_total{status="200"}')
    sock = raw_post(server, "/v1/complete", {"prompt": "hi"})
    wait_until(lambda: len(fake_vendor.requests()) == 1)
    sock.close()  # the client leaves while the vendor is still working
    wait_until(lambda: metric(server, 'llm_outcomes_total{status="200"}') > before)
    record = fake_vendor.requests()[0]
    assert (record.status, record.billed) == (200, True)  # tokens spent anyway
    assert '"event": "completion finished"' in server.output()


def test_disconnect_stops_a_stream(
    service: UvicornServer, fake_vendor: FakeVendor
) -> None:
    server = service
    fake_vendor.configure(stream_interval=0.2, completion_tokens=50)
    body = {"prompt": "hi", "max_tokens": 50}  # 50 chunks, about 10 s in all
    with httpx.stream(
        "POST", f"{server.url}/v1/stream", json=body, headers={"X-API-Key": "k"}
    ) as response:
        first = next(response.iter_lines())
        assert first.startswith("data: ")
    # leaving the block closed the connection after one chunk
    wait_until(lambda: metric(server, 'llm_stream_ends_total{how="client_gone"}') == 1)
    assert metric(server, "llm_stream_chunks_total") < 50
    assert metric(server, 'llm_stream_ends_total{how="completed"}') == 0
    assert metric(server, "llm_vendor_in_flight") == 0  # the slot was given back
