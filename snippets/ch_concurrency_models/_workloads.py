"""Workloads for the concurrency-model benchmark and its tests.

They live in an importable module (not in a script's ``__main__``) because a
process pool pickles a function by its module and name, and a worker started
with ``spawn`` or ``forkserver`` imports that module again.
"""

from __future__ import annotations

import asyncio
import hashlib
import resource
import socket
from multiprocessing.connection import Connection


def count_primes(limit: int) -> int:
    """Pure-Python CPU work: count the primes below ``limit`` by trial division.

    Every step is a bytecode the interpreter executes, so the thread running it
    holds the GIL the whole time (apart from the periodic switch requests).
    """
    found = 0
    for candidate in range(2, limit):
        divisor = 2
        while divisor * divisor <= candidate:
            if candidate % divisor == 0:
                break
            divisor += 1
        else:
            found += 1
    return found


def sha256_hex(data: bytes) -> str:
    """Native work that releases the GIL: OpenSSL hashes large buffers unlocked."""
    return hashlib.sha256(data).hexdigest()


def raise_open_file_limit(wanted: int = 8192) -> int:
    """Lift the soft limit on open files (1,000 sockets need 1,000 descriptors)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:  # pragma: no cover - depends on the machine's ulimit
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


async def _answer_after_delay(
    delay: float,
    stop: asyncio.Event,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> None:
    request = await reader.readline()
    if request != b"stop\n":
        await asyncio.sleep(delay)  # the "slow upstream": a fixed service time
    writer.write(b"ok\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    if request == b"stop\n":
        stop.set()


async def _serve(delay: float, ready: Connection) -> None:
    raise_open_file_limit()
    stop = asyncio.Event()
    server = await asyncio.start_server(
        lambda r, w: _answer_after_delay(delay, stop, r, w),
        host="127.0.0.1",
        port=0,
        backlog=4096,
    )
    ready.send(server.sockets[0].getsockname()[1])
    async with server:
        await stop.wait()  # until a client sends "stop"


def serve_delayed(delay: float, ready: Connection) -> None:
    """Run a TCP server on 127.0.0.1 that answers each line after ``delay`` s.

    Runs in its own process until a client sends ``stop``; sends its port
    through ``ready``.
    """
    asyncio.run(_serve(delay, ready))


def blocking_request(port: int, line: bytes = b"ping\n") -> bytes:
    """One request with a blocking socket: connect, send a line, read the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(line)
        return sock.makefile("rb").readline()


async def async_request(port: int) -> bytes:
    """The same request on the event loop: the waits yield to other tasks."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"ping\n")
    await writer.drain()
    reply = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return reply
