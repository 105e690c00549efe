"""Several real uvicorn "pods" of ``ch_llm_multipod.pod:app``, and nginx in front.

``Pods(3, env={...})`` starts three uvicorn processes at once (each with its
own ``POD_NAME``) and stops them all; ``Nginx(conf_text)`` runs a real nginx
from a temporary prefix on a free port, as an ordinary foreground process.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.services import (
    UvicornServer,
    _stop,
    free_port,
    require_program,
    wait_for_port,
)
from tests.support.vendor import _coverage_env

POD_APP = "ch_llm_multipod.pod:app"


class Pods:
    def __init__(
        self,
        count: int,
        *,
        env: Mapping[str, str] | None = None,
        app: str = POD_APP,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.servers = [
            UvicornServer(
                app,
                extra_args=[
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "2",
                    *extra_args,
                ],
                env={**_coverage_env(), **(env or {}), "POD_NAME": f"pod-{i}"},
            )
            for i in range(count)
        ]

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def ports(self) -> list[int]:
        return [server.port for server in self.servers]

    def start(self) -> Pods:
        try:
            with ThreadPoolExecutor(len(self.servers)) as pool:
                list(pool.map(UvicornServer.start, self.servers))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        with ThreadPoolExecutor(len(self.servers)) as pool:
            list(pool.map(lambda s: s.__exit__(None, None, None), self.servers))

    def __enter__(self) -> Pods:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def render_nginx(conf: str, listen: int, backends: Sequence[int]) -> str:
    """Point a book config at this test's ports: ``listen`` and upstream servers."""
    conf = re.sub(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{listen};", conf)
    ports = itertools.cycle(backends)  # fewer pods than servers: repeat them

    def backend(match: re.Match[str]) -> str:
        return f"server 127.0.0.1:{next(ports)}"

    return re.sub(r"server 127\.0\.0\.1:\d+", backend, conf)


class Nginx:
    """A real nginx master + worker, foreground, with everything in a temp dir."""

    def __init__(self, conf: str) -> None:
        self.program = require_program("nginx", "nginx-light")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="book-nginx-"))
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(conf)
        self.log = self.dir / "nginx.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def args(self, *extra: str) -> list[str]:
        globals_ = f"pid {self.dir}/nginx.pid;"
        return [
            self.program, "-p", f"{self.dir}/", "-c", str(self.conf),
            "-e", "stderr", "-g", globals_, *extra,
        ]  # fmt: skip

    def check(self) -> subprocess.CompletedProcess[str]:
        """``nginx -t``: parse the config and open what it names, then exit."""
        return subprocess.run(
            self.args("-t"), capture_output=True, text=True, timeout=30, check=False
        )

    def start(self) -> Nginx:
        args = self.args()
        args[-1] += " daemon off;"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, process=self.process, what="nginx", log=self.log)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
