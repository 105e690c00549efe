"""What uvicorn's --limit-concurrency and --backlog count, seen from a client."""

from __future__ import annotations

import json
import socket
import subprocess
from typing import Any


async def probe_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A bare ASGI app: 200 and its own port for any path, nothing else."""
    if scope["type"] != "http":  # lifespan: nothing to set up
        return
    body = json.dumps({"path": scope["path"], "port": scope["server"][1]}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# [start idle]
def keep_alive_request(port: int, path: str = "/livez") -> tuple[socket.socket, int]:
    """Open a connection, send one request, keep the connection open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    request = f"GET {path} HTTP/1.1\r\nHost: pod\r\nConnection: keep-alive\r\n\r\n"
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    status = int(head.split(b" ", 2)[1])
    return sock, status  # the body is small and already read; the socket idles


def open_idle(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that did nothing yet: a client's warm pool."""
    return [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]


# [end idle]


# [start backlog]
def connect_to_full_backlog(backlog: int, attempts: int, timeout: float) -> list[str]:
    """Connect ``attempts`` times to a listener that never calls accept()."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(backlog)  # the kernel's accept queue; no accept() follows
    outcomes, clients = [], []
    try:
        for _ in range(attempts):
            client = socket.socket()
            client.settimeout(timeout)
            clients.append(client)
            try:
                client.connect(listener.getsockname())
                outcomes.append("queued")
            except TimeoutError:
                outcomes.append("timed out")  # the SYN was dropped, not refused
            except ConnectionRefusedError:  # pragma: no cover - Linux drops instead
                outcomes.append("refused")
    finally:
        for client in clients:
            client.close()
        listener.close()
    return outcomes


def listen_queue_size(port: int) -> int:
    """The accept-queue size the kernel granted a listener (``ss`` Send-Q)."""
    out = subprocess.run(
        ["ss", "-Hltn", f"sport = :{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.split()[2])


# [end backlog]
