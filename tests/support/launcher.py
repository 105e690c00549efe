"""Start the tests' server processes from a pre-imported launcher.

``python -m uvicorn pkg.app:app`` spends about 0.5 s of CPU before it serves
anything, nearly all of it importing FastAPI, pydantic, starlette and uvicorn.
The suite starts dozens of servers on two cores, so that import is a large
share of ``make test``. This module removes it without changing what runs:

* the **launcher** is one process per pytest process (per xdist worker). It
  imports the third-party libraries in :data:`PRELOAD` once, then waits for
  requests on a Unix socket. It never imports a module of the book, so every
  server still imports its app, its settings and its environment fresh;
* for each request it **forks** a child. The child takes the request's
  environment, working directory and log file, then runs ``python -m MODULE
  ARGS`` exactly as the interpreter's ``-m`` option would (:mod:`runpy`). It is
  a real uvicorn process listening on a real port; only the imports were done
  before the fork;
* the launcher reaps its children and writes each exit status into a pipe that
  the test side reads. :class:`LaunchedProcess` offers the part of
  :class:`subprocess.Popen` the tests use (``pid``, ``poll``, ``wait``,
  ``send_signal``, ``terminate``, ``kill``, ``returncode``).

When the launcher does not fit, :func:`start` falls back to a plain
``subprocess.Popen``: under coverage.py (which measures subprocesses from
interpreter start-up), when the request changes a ``PYTHON*`` variable (those
act only at interpreter start-up), or when ``BOOK_TESTS_NO_LAUNCHER=1``.

Run as a script, this module is the launcher itself.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import runpy
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

# Third-party modules each server program imports, by the module run with
# ``-m``. Only libraries: a module of the book imported here would be shared,
# stale, by every server. The launcher imports a program's list before its
# first child of that program.
PRELOAD: dict[str, tuple[str, ...]] = {
    "uvicorn": (
        "fastapi",
        "fastapi.responses",
        "starlette.applications",
        "pydantic",
        "httpx",
        "anyio",
        "redis.asyncio",
        "uvicorn.main",
        "uvicorn.config",
        "uvicorn.server",
        "uvicorn.lifespan.on",
        "uvicorn.loops.auto",
        "uvicorn.protocols.http.auto",
        "uvicorn.protocols.websockets.auto",
        "uvicorn.supervisors",
    ),
    "celery": (
        "celery.bin.celery",
        "celery.apps.worker",
        "celery.apps.beat",
        "celery.beat",
        "celery.worker.consumer",
        "celery.concurrency.prefork",
        "celery.backends.redis",
        "kombu.transport.redis",
        "billiard.pool",
    ),
}


class ProcessHandle(Protocol):
    """What the tests use of a server process (a subset of ``Popen``)."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


class LaunchedProcess:
    """A child of the launcher, driven like a ``subprocess.Popen``."""

    def __init__(self, pid: int, status_fd: int, args: Sequence[str]) -> None:
        self.pid = pid
        self.args = list(args)
        self.returncode: int | None = None
        self._status_fd: int | None = status_fd

    def _collect(self, timeout: float | None) -> bool:
        if self._status_fd is None:
            return True
        ready, _, _ = select.select([self._status_fd], [], [], timeout)
        if not ready:
            return False
        data = os.read(self._status_fd, 64)
        os.close(self._status_fd)
        self._status_fd = None
        if not data:  # the launcher died before it could reap the child
            raise RuntimeError(
                f"the test launcher exited while {self.args} (pid {self.pid}) ran"
            )
        self.returncode = os.waitstatus_to_exitcode(int(data))
        return True

    def poll(self) -> int | None:
        self._collect(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._collect(timeout):
            assert timeout is not None
            raise subprocess.TimeoutExpired(self.args, timeout)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # never signal a pid that may be reused
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class _Client:
    """This pytest process's connection to its launcher."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # The environment of this pytest process, not the first server's
        # settings, which its children replace. No PYTHONPATH: each child
        # builds sys.path from its own (see _run_child).
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        # Its own log: the test that happens to start it has its output
        # captured by pytest, and a later failure must not land there.
        self.log = Path(tempfile.mkstemp(prefix="book-launcher-", suffix=".log")[1])
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.launcher", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=cwd,
            )
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()

    def spawn(
        self,
        module: str,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log: Path,
        new_session: bool,
    ) -> LaunchedProcess:
        request = {
            "module": module,
            "args": list(args),
            "env": dict(env),
            "cwd": str(cwd),
            "log": str(log),
            "new_session": new_session,
        }
        status_read, status_write = os.pipe()
        try:
            with self.lock:
                message = json.dumps(request).encode()
                socket.send_fds(self.sock, [message], [status_write])
                reply = self.sock.recv(65536)
        except OSError:
            reply = b""
        finally:
            os.close(status_write)
        if not reply:
            os.close(status_read)
            code = self.process.wait(timeout=10)
            raise RuntimeError(
                f"the test launcher (tests/support/launcher.py) exited with code "
                f"{code}. Its output ({self.log}):\n{self.output()}"
            )
        answer = json.loads(reply)
        if "error" in answer:
            os.close(status_read)
            raise RuntimeError(
                f"the test launcher could not start `python -m {module}`:\n"
                f"{answer['error']}"
            )
        return LaunchedProcess(
            answer["pid"], status_read, [sys.executable, "-m", module, *args]
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def close(self) -> None:
        self.sock.close()  # the launcher sees EOF, stops leftovers and exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.unlink(missing_ok=True)


_client: _Client | None = None
_client_pid = 0


def _interpreter_settings(env: Mapping[str, str]) -> dict[str, str]:
    # PYTHONPATH is the one start-up variable a child can apply after the fork.
    return {
        k: v for k, v in env.items() if k.startswith("PYTHON") and k != "PYTHONPATH"
    }


def _usable(env: Mapping[str, str]) -> bool:
    if os.environ.get("BOOK_TESTS_NO_LAUNCHER") == "1":
        return False
    coverage = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")
    return not any(os.environ.get(k) or env.get(k) for k in coverage)


def start(
    module: str,
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    new_session: bool = False,
) -> ProcessHandle:
    """``python -m MODULE ARGS`` with ``env``, output to ``log``: forked or not."""
    global _client, _client_pid
    if _client is not None and _client_pid != os.getpid():
        _client = None  # a forked pytest process: that launcher is not ours
    launcher_env = os.environ if _client is None else _client.env
    if _usable(env) and (
        _interpreter_settings(env) == _interpreter_settings(launcher_env)
    ):
        if _client is None:
            _client, _client_pid = _Client(env, cwd), os.getpid()
            atexit.register(_client.close)
        return _client.spawn(
            module, args, env=env, cwd=cwd, log=log, new_session=new_session
        )
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env),
            cwd=cwd,
            start_new_session=new_session,
        )


# --- the launcher process -----------------------------------------------------


def _run_child(request: dict[str, object]) -> None:
    """In the forked child: become ``python -m MODULE ARGS``; never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(str(request["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, 65536)  # the launcher's sockets and the status pipes
        if request["new_session"]:
            os.setsid()
        cwd = str(request["cwd"])
        os.chdir(cwd)
        env = request["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update(env)
        # The path `python -m` would start with: the working directory, then
        # PYTHONPATH (relative entries, and an empty one, against it), then
        # the standard library and site-packages the launcher started with.
        extra = str(env.get("PYTHONPATH", ""))
        entries = [os.path.join(cwd, p) if p else cwd for p in extra.split(os.pathsep)]
        sys.path[:] = [cwd, *(entries if extra else []), *_BASE_PATH]
        module = str(request["module"])
        args = request["args"]
        assert isinstance(args, list)
        sys.argv = [module, *map(str, args)]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        # What the interpreter does at a normal exit, then leave without
        # unwinding into the launcher's own frames.
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _serve(control: socket.socket) -> None:
    wake_read, wake_write = socket.socketpair()
    wake_read.setblocking(False)
    wake_write.setblocking(False)
    signal.set_wakeup_fd(wake_write.fileno())
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, int] = {}  # pid -> write end of its status pipe

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            fd = children.pop(pid, None)
            if fd is not None:
                with contextlib.suppress(OSError):  # the reader may be gone
                    os.write(fd, str(status).encode())
                os.close(fd)

    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in selector.select():
                if key.fileobj is wake_read:
                    with contextlib.suppress(BlockingIOError):
                        while wake_read.recv(4096):
                            pass
                    continue
                message, fds, _, _ = socket.recv_fds(control, 1 << 20, 1)
                if not message:
                    return
                request = json.loads(message)
                try:
                    for name in PRELOAD.get(request["module"], ()):
                        importlib.import_module(name)
                    pid = os.fork()
                except Exception:  # the test side raises it, with this text
                    os.close(fds[0])
                    control.send(json.dumps({"error": traceback.format_exc()}).encode())
                    continue
                if pid == 0:
                    _run_child(request)
                children[pid] = fds[0]
                control.send(json.dumps({"pid": pid}).encode())
            reap()
    finally:
        # The tests have gone (EOF) or the launcher failed: stop what is left,
        # and report each end as usual.
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for pid, fd in children.items():
            with contextlib.suppress(ChildProcessError, OSError):
                _, status = os.waitpid(pid, 0)
                os.write(fd, str(status).encode())
            os.close(fd)


_BASE_PATH: list[str] = []


def main(argv: Sequence[str]) -> None:
    # The launcher starts without PYTHONPATH: its sys.path is its working
    # directory, then what every interpreter of this venv has.
    _BASE_PATH[:] = sys.path[1:]
    _serve(socket.socket(fileno=int(argv[0])))


if __name__ == "__main__":
    main(sys.argv[1:])
