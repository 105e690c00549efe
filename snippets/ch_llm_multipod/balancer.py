"""A connection-level (L4) round-robin balancer, like kube-proxy's choice.

It picks a backend when a TCP connection arrives and then only copies bytes:
it never sees requests, so every request on a kept-alive connection goes to
the backend that connection was given.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Sequence


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:  # pragma: no cover - a peer reset mid-copy
        pass
    finally:
        writer.close()


# [start balancer]
class ConnectionBalancer:
    def __init__(self, backends: Sequence[int]) -> None:
        self._next = itertools.cycle(backends)  # kube-proxy (iptables) picks randomly
        self.connections: Counter[int] = Counter()

    async def handle(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        port = next(self._next)  # chosen once, for the connection's lifetime
        self.connections[port] += 1
        pod_r, pod_w = await asyncio.open_connection("127.0.0.1", port)
        async with asyncio.TaskGroup() as tg:
            tg.create_task(pipe(client_r, pod_w))
            tg.create_task(pipe(pod_r, client_w))

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[int]:
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        async with server:
            yield server.sockets[0].getsockname()[1]


# [end balancer]
