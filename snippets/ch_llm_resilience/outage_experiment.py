"""Three pods, each with its own breaker, through a vendor outage and back.

Real run (under a minute):
    python snippets/ch_llm_resilience/outage_experiment.py \
        --out book/fastapi/data/outage.json
Under the tests (BOOK_SNIPPET_TEST=1) it runs a small, fast version.
The fake vendor runs as a real uvicorn process. Each pod is an object in this
process with its own HTTP client and its own ``CircuitBreaker``; the pods send
steady open-loop traffic. After a healthy phase the vendor answers 503 to
every request (the outage), then recovers.
"""

# book: run by tests/ch_llm_resilience/test_outage_experiment.py

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as a script from the repository root: make the listings importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from ch_llm_fundamentals._vendor_process import running_vendor
from ch_llm_fundamentals.fake_vendor import VendorConfig
from ch_llm_resilience.breaker import (
    BreakerOpen,
    CircuitBreaker,
    State,
    breaker_verdict,
)

PAYLOAD = {"model": "fake-1", "messages": [{"role": "user", "content": "hi"}]}


@dataclass(frozen=True)
class Settings:
    pods: int = 3
    rate_per_pod: float = 20.0  # calls per second each pod starts
    healthy: float = 10.0  # seconds of each phase
    outage: float = 15.0
    recovered: float = 15.0
    window: float = 5.0  # the breaker's parameters
    min_calls: int = 10
    failure_rate: float = 0.5
    open_for: float = 3.0
    trial_calls: int = 2


SMALL = Settings(healthy=1.0, outage=2.0, recovered=1.5, window=1.0, min_calls=5,
                 open_for=0.4)  # fmt: skip


@dataclass
class Pod:
    name: str
    breaker: CircuitBreaker
    client: httpx.AsyncClient
    outcomes: list[tuple[float, str]] = field(default_factory=list)  # (t, kind)


# [start pod-call]
async def pod_call(pod: Pod, t0: float) -> None:
    """One call: fail fast while the breaker is open, else ask the vendor."""
    started = time.monotonic() - t0
    try:
        permit = pod.breaker.acquire()
    except BreakerOpen:
        pod.outcomes.append((started, "fast_fail"))
        return
    outcome: httpx.Response | BaseException
    try:
        outcome = await pod.client.post("/v1/chat/completions", json=PAYLOAD)
    except httpx.HTTPError as exc:  # pragma: no cover - only if the vendor dies
        outcome = exc
    pod.breaker.record(permit, breaker_verdict(outcome))
    ok = isinstance(outcome, httpx.Response) and outcome.status_code == 200
    pod.outcomes.append((started, "ok" if ok else "error"))


# [end pod-call]


async def configure(vendor: str, update: dict[str, Any]) -> None:
    async with httpx.AsyncClient(timeout=10) as admin:
        (await admin.post(f"{vendor}/_admin/config", json=update)).raise_for_status()


def make_pod(name: str, vendor: str, s: Settings) -> Pod:
    breaker = CircuitBreaker(
        name, window=s.window, min_calls=s.min_calls, failure_rate=s.failure_rate,
        open_for=s.open_for, trial_calls=s.trial_calls,
    )  # fmt: skip
    client = httpx.AsyncClient(base_url=vendor, timeout=10, headers={"x-client": name})
    return Pod(name, breaker, client)


async def drive(vendor: str, s: Settings) -> tuple[list[Pod], float, float, float]:
    """Steady traffic from every pod; outage and recovery at fixed times."""
    pods = [make_pod(f"pod-{i}", vendor, s) for i in range(s.pods)]
    total = s.healthy + s.outage + s.recovered
    t0 = time.monotonic()
    switches: list[float] = []

    async def operator() -> None:  # the vendor goes down, then comes back
        await asyncio.sleep(s.healthy)
        await configure(vendor, {"fault": "status", "fault_status": 503,
                                 "fault_probability": 1.0})  # fmt: skip
        switches.append(time.monotonic() - t0)  # the vendor answers 503 now
        await asyncio.sleep(max(0.0, t0 + s.healthy + s.outage - time.monotonic()))
        await configure(vendor, {"fault": "none"})
        switches.append(time.monotonic() - t0)

    async with asyncio.TaskGroup() as tg:
        tg.create_task(operator())
        for i in range(int(total * s.rate_per_pod)):
            await asyncio.sleep(max(0.0, t0 + i / s.rate_per_pod - time.monotonic()))
            for pod in pods:
                tg.create_task(pod_call(pod, t0))
    for pod in pods:
        await pod.client.aclose()
    return pods, t0, switches[0], switches[1]


def first(transitions: list[tuple[float, State]], state: State, after: float) -> float:
    """Seconds from ``after`` to the first move into ``state`` (-1: never)."""
    times = [t for t, st in transitions if st is state and t >= after]
    return round(times[0] - after, 3) if times else -1.0


# [start summarise]
def summarise(
    pods: list[Pod], records: list[dict[str, Any]], t0: float, down: float,
    up: float, end: float,
) -> dict[str, Any]:  # fmt: skip
    """Per pod: when its breaker opened and closed, what the vendor got."""
    per_pod = []
    for pod in pods:
        moves = [(t - t0, st) for t, st in pod.breaker.transitions]
        opened = first(moves, State.OPEN, down)
        seen = [r for r in records if r["client"] == pod.name]
        failed = [r["t"] - t0 for r in seen if r["status"] == 503]
        per_pod.append({
            "pod": pod.name,
            "opened_after_s": opened,
            "closed_after_s": first(moves, State.CLOSED, up),
            "outage_calls": len(failed),  # every one of them answered 503
            "calls_before_open": sum(1 for t in failed if t < down + opened),
            "transitions": [[round(t, 3), st.value] for t, st in moves],
        })  # fmt: skip

    def goodput(lo: float, hi: float) -> float:
        ok = sum(1 for p in pods for t, kind in p.outcomes
                 if kind == "ok" and lo <= t < hi)  # fmt: skip
        return round(ok / (hi - lo), 2)

    kinds = Counter(kind for p in pods for _, kind in p.outcomes)
    return {
        "outage_starts_s": round(down, 3),
        "recovery_starts_s": round(up, 3),
        "pods_results": per_pod,
        "goodput": {
            "healthy": goodput(0.0, down),
            "outage": goodput(down, up),
            "recovered": goodput(up, end),
        },
        "outcomes": dict(sorted(kinds.items())),
    }


# [end summarise]


async def experiment(s: Settings) -> dict[str, Any]:
    config = VendorConfig(latency=0.02, latency_max=0.05)
    with running_vendor(config) as vendor:
        pods, t0, down, up = await drive(vendor, s)
        async with httpx.AsyncClient(timeout=30) as admin:
            records = (await admin.get(f"{vendor}/_admin/requests")).json()
    end = s.healthy + s.outage + s.recovered
    result = summarise(pods, records, t0, down, up, end)
    return {
        "settings": vars(s),
        "offered_in_outage": round(s.pods * s.rate_per_pod * s.outage),
        "machine": {
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "date": datetime.date.today().isoformat(),
        },
        **result,
    }


# [start table]
def table(data: dict[str, Any]) -> str:
    """The committed numbers as the chapter shows them."""
    head = ("pod", "opens after", "503s sent", "before open", "closes after")
    rows = [head]
    for r in data["pods_results"]:
        rows.append((
            r["pod"], f"{r['opened_after_s']:.2f} s", str(r["outage_calls"]),
            str(r["calls_before_open"]), f"{r['closed_after_s']:.2f} s",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    sent = sum(r["outage_calls"] for r in data["pods_results"])
    g = data["goodput"]
    lines.append(f"vendor calls in the outage: {sent} of {data['offered_in_outage']}")
    lines.append(f"goodput: healthy {g['healthy']:.1f}/s, outage {g['outage']:.1f}/s,"
                 f" recovered {g['recovered']:.1f}/s")  # fmt: skip
    return "\n".join(lines)


# [end table]


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    small = os.environ.get("BOOK_SNIPPET_TEST") == "1"
    data = asyncio.run(experiment(SMALL if small else Settings()))
    return report(data, args.out)  # pragma: no cover - see report()


def report(data: dict[str, Any], out: Path | None) -> dict[str, Any]:
    """Write the JSON (if asked) and print the table.

    Coverage's tracer on CPython 3.11 can miss the lines that follow
    asyncio.run() in the same frame, hence the pragmas on the callers;
    tests/ch_llm_resilience/test_outage_experiment.py calls this directly.
    """
    if out is not None:
        out.write_text(json.dumps(data, indent=2) + "\n")
    sys.stdout.write(table(data) + "\n")
    return data


def check(data: dict[str, Any]) -> None:
    """What any run, small or real, must show."""
    s = data["settings"]
    for pod in data["pods_results"]:
        assert 0 <= pod["opened_after_s"] <= s["window"] + 1.0, pod
        assert 0 <= pod["closed_after_s"] <= 2 * s["open_for"] + 1.0, pod
        assert pod["calls_before_open"] <= s["rate_per_pod"] * (s["window"] + 1), pod
    sent = sum(p["outage_calls"] for p in data["pods_results"])
    assert sent < 0.8 * data["offered_in_outage"], sent  # the breakers saved calls
    g = data["goodput"]
    assert g["outage"] <= 0.05 * g["healthy"], g  # calls racing the switch
    assert g["recovered"] > 0.5 * g["healthy"] > 0, g


if __name__ == "__main__":
    check(main(sys.argv[1:]))  # pragma: no cover - see report()
