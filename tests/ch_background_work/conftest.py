"""Real Celery worker processes for this chapter's tests.

Each worker runs ``celery -A ch_background_work.tasks worker`` in its own
process group, so a test can SIGKILL it (or one of its pool children) and the
teardown can make sure no process outlives the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from tests.support import launcher
from tests.support.launcher import ProcessHandle
from tests.support.services import ROOT, SNIPPETS, RedisServer, ServiceError

LOGLEVEL = os.environ.get("BOOK_CELERY_LOGLEVEL", "INFO")


class CeleryWorker:
    """A real worker process on the given Redis."""

    def __init__(
        self,
        redis_url: str,
        name: str,
        *,
        pool: str = "prefork",
        concurrency: int = 1,
        env: dict[str, str] | None = None,
        beat: bool = False,
    ) -> None:
        self.beat = beat  # run ``celery beat`` instead of a worker
        self.redis_url = redis_url
        self.name = name
        self.pool = pool
        self.concurrency = concurrency
        self.env = dict(env or {})
        self.dir = Path(tempfile.mkdtemp(prefix="book-celery-"))
        self.log = self.dir / "worker.log"
        self.process: ProcessHandle | None = None

    @property
    def hostname(self) -> str:
        return f"{self.name}@book"

    def start(self, timeout: float = 40.0) -> CeleryWorker:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(SNIPPETS), str(ROOT)])
        env["BOOK_REDIS_URL"] = self.redis_url
        env.setdefault("BOOK_SOFT_SHUTDOWN", "0")
        env.update(self.env)
        celery = ["-A", "ch_background_work.tasks"]
        common = ["--loglevel", LOGLEVEL, "--logfile", str(self.log)]
        if self.beat:
            args = [*celery, "beat", "--schedule", str(self.dir / "schedule"), *common]
            ready = "beat: Starting..."
        else:
            args = [
                *celery, "worker", "--pool", self.pool,
                "--concurrency", str(self.concurrency), "--hostname", self.hostname,
                "--without-gossip", "--without-mingle", "--without-heartbeat", *common,
            ]  # fmt: skip
            ready = " ready."
        # `python -m celery ARGS` in a new session, forked from the launcher
        # that has already imported Celery (see tests/support/launcher.py).
        self.process = launcher.start(
            "celery",
            args,
            env=env,
            cwd=ROOT,
            log=Path(os.devnull),  # Celery writes its own --logfile
            new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready in self.output():
                return self
            if self.process.poll() is not None:
                raise ServiceError(f"worker {self.name} exited:\n{self.output()}")
            time.sleep(0.05)
        self.kill()
        raise ServiceError(f"worker {self.name} not ready in {timeout} s")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def send(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def wait(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the whole process group: main process and pool children."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """End the test's worker: SIGKILL to the whole process group.

        The tests check Redis, not the worker's exit, so the fastest certain
        stop is the right one; no pool child can outlive its group.
        """
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def celery_worker(
    redis_server: RedisServer,
) -> Iterator[Callable[..., CeleryWorker]]:
    """A factory: ``celery_worker("w1", pool="prefork", env={...})``."""
    started: list[CeleryWorker] = []

    def start(name: str, **kwargs: object) -> CeleryWorker:
        worker = CeleryWorker(redis_server.url, name, **kwargs)  # type: ignore[arg-type]
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


def wait_until(
    condition: Callable[[], object], *, timeout: float = 20.0, what: str = "condition"
) -> None:
    """Poll a real condition with a bounded wait."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def celery_module(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The listing's Celery module, pointed at this test's Redis."""
    monkeypatch.setenv("BOOK_REDIS_URL", redis_server.url)
    from ch_background_work import tasks as celery_app

    # One result backend for every thread: by default Celery gives each thread
    # its own, and the in-process worker's thread drops its backend (and that
    # backend's Redis sockets) to the garbage collector when it ends.
    celery_app.app.conf.update(
        broker_url=redis_server.url,
        result_backend=redis_server.url,
        result_backend_thread_safe=True,
    )
    monkeypatch.setattr(celery_app, "REDIS_URL", redis_server.url)
    monkeypatch.setattr(celery_app, "_store", None)
    yield celery_app
    # Tasks run in this process (eagerly or by an in-process worker) open the
    # listing's store() client; close it before monkeypatch drops it, or the
    # garbage collector frees its socket during some later test.
    if celery_app._store is not None:
        celery_app._store.close()


async def eventually(
    condition: Callable[[], Awaitable[object] | object],
    *,
    within: float = 20.0,
    what: str = "condition",
) -> None:
    """The async twin of ``wait_until``: poll a real condition, bounded."""
    deadline = time.monotonic() + within
    for _ in itertools.count():
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.01)
