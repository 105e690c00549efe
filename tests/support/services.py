"""Real servers for the tests, on 127.0.0.1, started on free ports and stopped.

Everything here starts a real process: ``redis-server`` from Debian, uvicorn
running an app from ``snippets/``. Nothing is mocked. Each pytest process
(each xdist worker) gets its own servers, so parallel runs do not collide.

The module-level registry (:func:`ensure`, :func:`environment`,
:func:`stop_all`) serves listings that declare ``# book: requires NAME``; the
pytest fixtures in ``tests/conftest.py`` use the same classes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support import launcher

if TYPE_CHECKING:
    import redis

    from tests.support.launcher import ProcessHandle

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "snippets"


class ServiceError(RuntimeError):
    """A server the tests need could not be started."""


def free_port() -> int:
    """A TCP port that nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Generous: on a loaded 2-core machine (coverage, parallel workers) an app
# import can take many seconds. The wait ends as soon as the port answers.
@functools.cache
def local_tls() -> ssl.SSLContext:
    """One TLS context for the tests' HTTP clients: pass it as ``verify=``.

    httpx builds a new context for every client it creates, and loading the CA
    bundle into it costs about 40 ms of CPU. The tests talk plain HTTP to
    127.0.0.1 and create clients in loops, so they share this one instead.
    """
    return ssl.create_default_context()


def wait_for_port(
    port: int,
    *,
    process: ProcessHandle | None = None,
    timeout: float = 60.0,
    what: str = "server",
    log: Path | None = None,
) -> None:
    """Block until something accepts TCP connections on 127.0.0.1:port.

    Polls the socket (a bounded wait on a real condition, not a guess). Fails
    early, with the server's own output, if the process exits first.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = log.read_text(errors="replace") if log else ""
            raise ServiceError(
                f"{what} exited with code {process.returncode} before listening "
                f"on port {port}.\n{output}"
            )
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        time.sleep(0.02)
    raise ServiceError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def _stop(process: ProcessHandle, timeout: float = 10.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def require_program(name: str, package: str) -> str:
    """The path of a system program, or a clear error naming the package."""
    path = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if path is None:
        raise ServiceError(
            f"`{name}` is not installed. Install it with "
            f"`sudo apt-get install {package}` (or run `make test`, which does)."
        )
    return path


class RedisServer:
    """A private ``redis-server`` on a free port, with no persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="book-redis-"))
        self.log = self.dir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._clients: list[Any] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A client with str replies, closed by ``close_clients()``.

        The ``redis_server`` fixture closes them when the test ends. A client
        left to the garbage collector frees its socket at some later moment,
        and the ResourceWarning then fails whichever test happens to be running.
        """
        import redis

        client = redis.Redis.from_url(self.url, decode_responses=True)
        self._clients.append(client)
        return client

    def close_clients(self) -> None:
        while self._clients:
            self._clients.pop().close()

    def start(self) -> RedisServer:
        program = require_program("redis-server", "redis-server")
        args = [
            program,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.dir),
            "--logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        wait_for_port(
            self.port, process=self.process, what="redis-server", log=self.log
        )
        return self

    def flush(self) -> None:
        import redis

        with redis.Redis.from_url(self.url) as client:
            client.flushall()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)


class UvicornServer:
    """A real uvicorn process serving ``app`` (an import string) on a free port.

    ``extra_args`` go to the uvicorn command line (``--limit-concurrency 2``);
    ``env`` is added to the environment of the server process. The process
    runs with ``snippets/`` on ``PYTHONPATH`` so it can import any listing.
    """

    def __init__(
        self,
        app: str,
        *,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.app = app
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.dir = Path(tempfile.mkdtemp(prefix="book-uvicorn-"))
        self.log = self.dir / "uvicorn.log"
        self.process: ProcessHandle | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> UvicornServer:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(SNIPPETS), str(ROOT), env.get("PYTHONPATH", "")]
        )
        env.update(self.env)
        args = [
            self.app, "--host", "127.0.0.1", "--port", str(self.port),
            *self.extra_args,
        ]  # fmt: skip
        # `python -m uvicorn ARGS`, forked from a launcher that has already
        # imported FastAPI and uvicorn (see tests/support/launcher.py).
        self.process = launcher.start("uvicorn", args, env=env, cwd=ROOT, log=self.log)
        wait_for_port(
            self.port, process=self.process, what=f"uvicorn {self.app}", log=self.log
        )
        return self

    def output(self) -> str:
        """What the server printed so far (its logs)."""
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None:
            _stop(self.process, timeout)
            self.process = None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def __enter__(self) -> UvicornServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- registry for listings that declare `# book: requires NAME` -------------

_running: dict[str, RedisServer] = {}
_starters: dict[str, Callable[[], tuple[RedisServer, dict[str, str]]]] = {}


def _start_redis() -> tuple[RedisServer, dict[str, str]]:
    server = RedisServer().start()
    return server, {"BOOK_REDIS_URL": server.url}


_starters["redis"] = _start_redis
_environment: dict[str, str] = {}


def ensure(name: str) -> None:
    """Start the named service once for this process and export its address."""
    if name in _running:
        return
    if name not in _starters:
        known = ", ".join(sorted(_starters))
        raise ServiceError(
            f"unknown service `{name}` in `# book: requires` (known: {known})"
        )
    server, env = _starters[name]()
    _running[name] = server
    _environment.update(env)
    os.environ.update(env)


def environment() -> dict[str, str]:
    return dict(_environment)


def stop_all() -> None:
    for server in _running.values():
        server.stop()
    _running.clear()
    for key in _environment:
        os.environ.pop(key, None)
    _environment.clear()


def iter_running() -> Iterator[str]:
    yield from _running
