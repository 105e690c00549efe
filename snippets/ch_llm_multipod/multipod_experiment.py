"""Three pods, one vendor limit, ten times the load: per-pod vs global limits.

Real run (under two minutes):
    python snippets/ch_llm_multipod/multipod_experiment.py \
        --out book/fastapi/data/multipod.json
Under the tests (BOOK_SNIPPET_TEST=1) it runs a small, fast version.
Setups: each pod with its own limiter set to the vendor limit ("per-pod"); one
Redis bucket for all pods ("global"); and the global bucket with Redis stopped
halfway through ("global, Redis stops"), when pods fall back to limit / 3 each.
"""

# book: run by tests/ch_llm_multipod/test_vendor_rate.py

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as a script from the repository root: make the listings importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import redis.asyncio as redis

from ch_llm_fundamentals._vendor_process import running_vendor
from ch_llm_fundamentals.fake_vendor import VendorConfig
from ch_llm_multipod._processes import running_pods, running_redis


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float


# [start offer]
async def offer(
    pod_urls: Sequence[str],
    rate: float,
    duration: float,
    at: Callable[[float], Coroutine[Any, Any, None]] | None = None,
) -> list[Answer]:
    """Open loop: start ``rate`` requests per second, round-robin over pods."""
    loop = asyncio.get_running_loop()
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    clients = [
        httpx.AsyncClient(base_url=u, limits=limits, timeout=30) for u in pod_urls
    ]

    async def one(client: httpx.AsyncClient) -> Answer:
        started = loop.time()
        try:
            r = await client.post("/v1/complete", json={"prompt": "hi"})
            status = r.status_code
        except httpx.HTTPError:  # pragma: no cover - only if a pod never answers
            status = 0
        return Answer(status, loop.time() - started)

    tasks = []
    start = loop.time()
    async with asyncio.TaskGroup() as tg:
        for i in range(int(rate * duration)):
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
            if at is not None and i == int(rate * duration) // 2:
                tg.create_task(at(loop.time() - start))  # e.g. stop Redis
            tasks.append(tg.create_task(one(clients[i % len(clients)])))
    for client in clients:
        await client.aclose()
    return [task.result() for task in tasks]


# [end offer]


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


# [start measure]
def summarise(
    setup: str,
    records: list[dict[str, Any]],
    answers: list[Answer],
    t0: float,
    duration: float,
    limit: float,
    warmup: float,
) -> dict[str, Any]:
    """Vendor arrival rate in the steady part of the run, per half, and more."""
    half = duration / 2

    def rate(lo: float, hi: float) -> float:
        n = sum(1 for r in records if lo <= r["t"] - t0 < hi)
        return round(n / (hi - lo), 2)

    ok = [a.seconds for a in answers if a.status == 200]
    return {
        "setup": setup,
        "vendor_rate": rate(warmup, duration),
        "first_half_rate": rate(warmup, half),
        "second_half_rate": rate(half + warmup, duration),
        "rate_vs_limit": round(rate(warmup, duration) / limit, 3),
        "vendor_429": sum(1 for r in records if r["status"] == 429),
        "goodput": round(len(ok) / duration, 2),
        "p99_ok": round(quantile(ok, 0.99), 3),
        "statuses": dict(sorted(Counter(str(a.status) for a in answers).items())),
    }


# [end measure]


async def reset(vendor: str) -> None:
    async with httpx.AsyncClient(timeout=10) as admin:
        (await admin.post(f"{vendor}/_admin/reset")).raise_for_status()


async def records(vendor: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as admin:
        found: list[dict[str, Any]] = (
            await admin.get(f"{vendor}/_admin/requests")
        ).json()
    return found


async def flush(url: str) -> None:
    async with redis.Redis.from_url(url) as client:
        await client.flushall()


def pod_env(limiter: str, vendor: str, redis_url: str, limit: float) -> dict[str, str]:
    return {
        "POD_LIMITER": limiter,
        "POD_VENDOR_URL": vendor,
        "POD_REDIS_URL": redis_url,
        "POD_RATE": str(limit),  # per-pod: each pod believes it owns the limit
        "POD_BURST": "1",
        "POD_PODS": "3",  # the Redis-down share: limit / 3 per pod
        "POD_SLOTS": "32",
        "POD_ADMISSION_WAIT": "0.5",
    }


async def measure(
    setup: str,
    vendor: str,
    pods: list[str],
    limit: float,
    duration: float,
    warmup: float,
    offered: float,
    at_half: Callable[[float], Coroutine[Any, Any, None]] | None = None,
) -> dict[str, Any]:
    await reset(vendor)
    t0 = time.monotonic()
    answers = await offer(pods, offered, duration, at_half)
    seen = await records(vendor)
    return summarise(setup, seen, answers, t0, duration, limit, warmup)


async def experiment(
    limit: float, duration: float, warmup: float, overload: float = 10.0
) -> dict[str, Any]:
    config = VendorConfig(rpm=int(limit), window=1.0, latency=0.05, latency_max=0.1)
    args = (limit, duration, warmup, overload * limit)
    with running_vendor(config) as vendor, running_redis() as redis:
        with running_pods(3, pod_env("local", vendor, redis.url, limit)) as pods:
            results = [await measure("per-pod", vendor, pods, *args)]
        with running_pods(3, pod_env("global", vendor, redis.url, limit)) as pods:
            results.append(await measure("global", vendor, pods, *args))
            await flush(redis.url)

            async def stop_redis(at: float) -> None:
                await asyncio.to_thread(redis.stop)

            setup = "global, Redis stops"
            results.append(await measure(setup, vendor, pods, *args, stop_redis))
    return {
        "pods": 3,
        "vendor_limit_per_s": limit,
        "offered_per_s": overload * limit,
        "duration_s": duration,
        "warmup_s": warmup,
        "machine": {
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
        },
        "results": results,
    }


# [start table]
def table(data: dict[str, Any]) -> str:
    """The committed numbers as the chapter shows them."""
    head = ("setup", "vendor rate", "1st half", "2nd half", "vs limit", "429s",
            "goodput", "p99 ok")  # fmt: skip
    rows = [head]
    for r in data["results"]:
        rows.append((
            r["setup"], f"{r['vendor_rate']:.2f}/s", f"{r['first_half_rate']:.2f}/s",
            f"{r['second_half_rate']:.2f}/s", f"{r['rate_vs_limit']:.1%}",
            str(r["vendor_429"]), f"{r['goodput']:.2f}/s", f"{r['p99_ok']:.2f} s",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


# [end table]


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    warmup, overload = 3.0, 10.0
    if os.environ.get("BOOK_SNIPPET_TEST") == "1":
        # Five times the limit is still more than every pod's share of it.
        args.duration, warmup, overload = 3.0, 0.5, 5.0
    data = asyncio.run(experiment(args.limit, args.duration, warmup, overload))
    return report(data, args.out)  # pragma: no cover - see report()


def report(data: dict[str, Any], out: Path | None) -> dict[str, Any]:
    """Write the JSON (if asked) and print the table.

    Coverage's tracer on CPython 3.11 can miss the lines that follow
    asyncio.run() in the same frame, hence the pragmas on the callers;
    tests/ch_llm_multipod/test_experiment.py calls this directly.
    """
    if out is not None:
        out.write_text(json.dumps(data, indent=2) + "\n")
    sys.stdout.write(table(data) + "\n")
    return data


def check(data: dict[str, Any]) -> None:
    """What any run, small or real, must show."""
    per_pod, global_, failover = data["results"]
    limit = data["vendor_limit_per_s"]
    assert per_pod["rate_vs_limit"] > 1.8, per_pod  # about 3x on a quiet machine
    assert global_["rate_vs_limit"] < 1.15, global_
    # At the switch, starts already reserved in Redis (up to the admission
    # wait ahead) overlap with three fresh local buckets: a short bump only.
    assert failover["second_half_rate"] < 2.2 * limit, failover


if __name__ == "__main__":
    check(main(sys.argv[1:]))  # pragma: no cover - see report()
