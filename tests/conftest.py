"""Fixtures shared by every chapter's behaviour tests: real servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.services import RedisServer, UvicornServer, free_port
from tests.support.vendor import fake_vendor, vendor_server  # noqa: F401


@pytest.fixture(name="free_port")
def free_port_fixture() -> int:
    """A free TCP port on 127.0.0.1."""
    return free_port()


@pytest.fixture(scope="session")
def redis_session() -> Iterator[RedisServer]:
    """One real redis-server for this pytest process (each xdist worker has its own)."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(redis_session: RedisServer) -> Iterator[RedisServer]:
    """The session's redis-server, flushed before and after each test."""
    redis_session.flush()
    yield redis_session
    redis_session.close_clients()
    if redis_session.process is not None:  # a test may stop Redis on purpose
        redis_session.flush()


@pytest.fixture
def uvicorn_server() -> Iterator[Callable[..., UvicornServer]]:
    """A factory: ``uvicorn_server("pkg.module:app", extra_args=[...])``.

    Every server it starts is stopped when the test ends.
    """
    started: list[UvicornServer] = []

    def start(app: str, **kwargs: object) -> UvicornServer:
        server = UvicornServer(app, **kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.__exit__(None, None, None)
