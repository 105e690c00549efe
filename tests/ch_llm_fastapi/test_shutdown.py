"""SIGTERM with a request in flight: it finishes, new connections are refused."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.services import UvicornServer
from tests.support.vendor import FakeVendor

from ._service import start_service
from ._wait import wait_until


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.slow
def test_sigterm_finishes_in_flight_calls_and_closes_the_client(
    uvicorn_server: Callable[..., UvicornServer], fake_vendor: FakeVendor
) -> None:
    server = start_service(
        uvicorn_server, fake_vendor, extra_args=("--timeout-graceful-shutdown", "10")
    )
    fake_vendor.configure(latency=1.5)
    assert server.process is not None
    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(
            httpx.post,
            f"{server.url}/v1/complete",
            json={"prompt": "hi"},
            headers={"X-API-Key": "k"},
            timeout=20,
        )
        wait_until(lambda: len(fake_vendor.requests()) == 1)
        server.process.send_signal(signal.SIGTERM)
        wait_until(lambda: refused(server.port))  # no new connections
        response = in_flight.result(timeout=20)
    assert response.status_code == 200  # the in-flight call was not cut
    # uvicorn re-raises the signal it caught once it has shut down cleanly
    assert server.process.wait(timeout=20) == -signal.SIGTERM
    log = server.output()
    assert log.index('"completion finished"') < log.index('"vendor client closed"')
    assert '"closed": true' in log
