"""When finally does not run: os._exit, SIGKILL, and SIGTERM without a handler."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parents[1]


# [start child]
def worker(mode: str) -> None:  # pragma: no cover - runs in a child process
    """Run in a child process: announce, then end in the way `mode` names."""
    if mode == "sigterm-handled":
        # What uvicorn and Celery do: turn SIGTERM into an exception.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        print("working", flush=True)
        if mode == "os-exit":
            os._exit(3)  # ends the process now: no unwinding, no finally
        sys.stdin.readline()  # wait here until the parent acts
    finally:
        print("finally ran", flush=True)


# [end child]


# [start parent]
def run_worker(mode: str, send: signal.Signals | None = None) -> tuple[int, str]:
    """Start `worker(mode)` in a child, optionally signal it; return (code, output)."""
    code = f"from ch_exceptions.finally_skipped import worker; worker({mode!r})"
    env = {**os.environ, "PYTHONPATH": str(SNIPPETS)}
    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        output = child.stdout.readline()  # "working": the try block is running
        if send is not None:
            child.send_signal(send)
        output += child.stdout.read()
        return child.wait(timeout=30), output


# [end parent]


if __name__ == "__main__":
    assert run_worker("os-exit") == (3, "working\n")
    assert run_worker("sigkill", signal.SIGKILL) == (-signal.SIGKILL, "working\n")
    assert run_worker("sigterm", signal.SIGTERM) == (-signal.SIGTERM, "working\n")
    assert run_worker("sigterm-handled", signal.SIGTERM) == (
        128 + signal.SIGTERM,
        "working\nfinally ran\n",
    )
