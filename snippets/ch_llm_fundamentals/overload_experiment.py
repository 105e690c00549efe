"""Offer ten times the vendor's limit: a naive client against the book's client.

Real run (about a minute):
    python snippets/ch_llm_fundamentals/overload_experiment.py \
        --out book/fastapi/data/overload.json
Under the tests (BOOK_SNIPPET_TEST=1) it runs a small, fast version.
"""

# book: run by tests/ch_llm_fundamentals/test_overload.py

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Run as a script from the repository root: make the listings importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from ch_llm_fundamentals._vendor_process import running_vendor
from ch_llm_fundamentals.errors import VendorError
from ch_llm_fundamentals.fake_vendor import VendorConfig
from ch_llm_fundamentals.vendor_client import VendorClient, VendorSettings

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Outcome:
    ok: bool
    seconds: float
    attempts: int


@dataclass
class Result:
    client: str
    offered: int = 0
    succeeded: int = 0
    failed: int = 0
    goodput_fraction: float = 0.0
    vendor_requests: int = 0
    vendor_429: int = 0
    attempts_per_request: float = 0.0
    p50_ok: float = 0.0
    p99_ok: float = 0.0
    p99_fail: float = 0.0
    max_fail: float = 0.0
    notes: dict[str, float] = field(default_factory=dict)


# [start naive]
async def naive_request(http: httpx.AsyncClient, url: str) -> Outcome:
    """No limits, no backoff: retry at once on any failure, up to 5 times."""
    started = time.monotonic()
    for attempt in range(1, 6):
        try:
            response = await http.post(url, json=PAYLOAD)
        except httpx.HTTPError:
            continue
        if response.status_code == 200:
            return Outcome(True, time.monotonic() - started, attempt)
    return Outcome(False, time.monotonic() - started, 5)


# [end naive]


async def book_request(client: VendorClient) -> Outcome:
    started = time.monotonic()
    before = client.stats["attempts"]
    try:
        await client.complete("hi", max_tokens=16)
        ok = True
    except VendorError:
        ok = False
    return Outcome(ok, time.monotonic() - started, client.stats["attempts"] - before)


async def offer(
    rate: float,
    duration: float,
    request: Callable[[], Coroutine[Any, Any, Outcome]],
) -> list[Outcome]:
    """Start ``rate`` requests per second for ``duration`` s; wait for all."""
    tasks: list[asyncio.Task[Outcome]] = []
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with asyncio.TaskGroup() as tg:
        for i in range(int(rate * duration)):
            await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
            tasks.append(tg.create_task(request()))
    return [task.result() for task in tasks]


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


async def run_phase(
    name: str, url: str, limit: float, duration: float, settings: VendorSettings
) -> Result:
    endpoint = f"{url}/v1/chat/completions"
    async with httpx.AsyncClient(timeout=30.0) as admin:
        await admin.post(f"{url}/_admin/reset")
    if name == "naive":
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(limits=limits, timeout=30.0) as http:
            outcomes = await offer(
                10 * limit, duration, lambda: naive_request(http, endpoint)
            )
    else:
        async with VendorClient(settings) as client:
            outcomes = await offer(10 * limit, duration, lambda: book_request(client))
    async with httpx.AsyncClient(timeout=30.0) as admin:
        records = (await admin.get(f"{url}/_admin/requests")).json()
    ok = [o.seconds for o in outcomes if o.ok]
    failed = [o.seconds for o in outcomes if not o.ok]
    vendor_ok = sum(1 for r in records if r["status"] == 200)
    span = max(r["t"] for r in records) - min(r["t"] for r in records)
    return Result(
        client=name,
        offered=len(outcomes),
        succeeded=len(ok),
        failed=len(failed),
        goodput_fraction=round(vendor_ok / max(span, duration) / limit, 3),
        vendor_requests=len(records),
        vendor_429=sum(1 for r in records if r["status"] == 429),
        attempts_per_request=round(
            sum(o.attempts for o in outcomes) / len(outcomes), 2
        ),
        p50_ok=round(quantile(ok, 0.50), 3),
        p99_ok=round(quantile(ok, 0.99), 3),
        p99_fail=round(quantile(failed, 0.99), 3),
        max_fail=round(max(failed, default=0.0), 3),
    )


# [start book-settings]
def book_settings(url: str, limit: float) -> VendorSettings:
    return VendorSettings(
        base_url=url,
        rate=0.95 * limit,  # 5% headroom under the vendor's refill rate
        burst=2,  # far below the vendor's bucket, so our bursts never 429
        admission_timeout=0.5,
        call_timeout=1.0,
        deadline=3.0,
        max_attempts=3,
        backoff_base=0.2,
        backoff_cap=1.0,
    )


# [end book-settings]


async def experiment(limit: float, duration: float) -> dict[str, object]:
    config = VendorConfig(rpm=int(limit), window=1.0, latency=0.05, latency_max=0.25)
    results = []
    with running_vendor(config) as url:
        for name in ("naive", "book"):
            settings = book_settings(url, limit)
            results.append(await run_phase(name, url, limit, duration, settings))
    return {
        "vendor_limit_per_s": limit,
        "offered_per_s": 10 * limit,
        "duration_s": duration,
        "admission_timeout_s": 0.5,
        "call_timeout_s": 1.0,
        "machine": {
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
        },
        "results": [asdict(r) for r in results],
    }


# [start table]
def table(data: dict[str, object]) -> str:
    """The committed numbers as the chapter shows them."""
    rows = [
        ("client", "goodput", "vendor 429s", "attempts/req", "p50 ok", "p99 ok",
         "failed", "max time to fail"),
    ]  # fmt: skip
    results = data["results"]
    assert isinstance(results, list)
    for r in results:
        rows.append((
            r["client"], f"{r['goodput_fraction']:.0%}", str(r["vendor_429"]),
            f"{r['attempts_per_request']:.2f}", f"{r['p50_ok']:.2f} s",
            f"{r['p99_ok']:.2f} s", f"{r['failed']}/{r['offered']}",
            f"{r['max_fail']:.2f} s",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


# [end table]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args(argv)
    if os.environ.get("BOOK_SNIPPET_TEST") == "1":
        args.limit, args.duration = 5.0, 1.0
    data = asyncio.run(experiment(args.limit, args.duration))
    report(data, args.out)  # pragma: no cover - runs; see report()


def report(data: dict[str, object], out: Path | None) -> None:
    """Write the JSON (if asked) and print the table.

    test_small_overload_run_shows_the_difference checks both. Coverage's
    tracer on CPython 3.11 can miss the line that calls this after
    asyncio.run() returns, hence the pragma there.
    """
    if out is not None:
        out.write_text(json.dumps(data, indent=2) + "\n")
    sys.stdout.write(table(data) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])  # pragma: no cover - the test calls main() instead
