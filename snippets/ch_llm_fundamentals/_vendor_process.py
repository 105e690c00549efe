"""Start the fake vendor as a real uvicorn process (for scripts, not tests)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ch_llm_fundamentals.fake_vendor import VendorConfig

SNIPPETS = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_vendor(config: VendorConfig) -> Iterator[str]:
    """Yield the base URL of a fresh vendor process; stop it afterwards."""
    port = _free_port()
    env = dict(os.environ, FAKE_VENDOR_CONFIG=config.model_dump_json())
    env["PYTHONPATH"] = os.pathsep.join([str(SNIPPETS), env.get("PYTHONPATH", "")])
    args = [
        sys.executable, "-m", "uvicorn", "ch_llm_fundamentals.fake_vendor:app",
        "--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "2",
    ]  # fmt: skip
    process = subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.2),
            ):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the fake vendor did not start")  # pragma: no cover
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
