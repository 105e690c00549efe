"""Work functions for process pools: importable, so child processes find them."""

from __future__ import annotations

import hashlib
import os


def count_primes(limit: int) -> int:
    """Pure-Python CPU work: holds the GIL the whole time."""
    found = 0
    for candidate in range(2, limit):
        if all(candidate % d for d in range(2, int(candidate**0.5) + 1)):
            found += 1
    return found


def digest_with_pid(payload: bytes) -> tuple[str, int]:
    """Return the SHA-256 of payload and the id of the process that did it."""
    return hashlib.sha256(payload).hexdigest(), os.getpid()
