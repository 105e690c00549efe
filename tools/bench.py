"""``make bench``: how fast the book builds and tests on this machine.

Prints the median wall time of several runs of each measurement, next to its
target (a 2-core machine is the reference):

- a clean ``make book`` (all three editions), target under 120 s;
- a clean ``make html``;
- an incremental ``make html`` after touching one chapter, target under 5 s;
- ``make test`` with a warm virtual environment, target under 60 s;
- ``make coverage`` (the same suite under coverage.py);
- ``make test-pythons``.

Usage: ``python tools/bench.py [--runs N] [--only NAME ...]``. The results are
also written to ``_build/bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOUCHED = ROOT / "book" / "core" / "decorators.md"


def _clean_build() -> None:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    shutil.rmtree(ROOT / "book" / "_generated", ignore_errors=True)


def _touch() -> None:
    TOUCHED.touch()


MEASUREMENTS = {
    # name: (make targets, preparation before each timed run, target in seconds)
    "book-clean": (["book"], _clean_build, 120.0),
    "html-clean": (["html"], _clean_build, None),
    "html-incremental": (["html"], _touch, 5.0),
    "test-warm": (["test"], None, 60.0),
    "coverage": (["coverage"], None, None),
    "test-pythons": (["test-pythons"], None, None),
}


def run(targets: list[str]) -> float | None:
    """Wall time of one ``make`` run, or None (and its output) if it failed."""
    start = time.perf_counter()
    result = subprocess.run(
        ["make", *targets], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        sys.stderr.write(f"bench: `make {' '.join(targets)}` failed\n")
        return None
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 3)))
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS))
    args = parser.parse_args()
    names = args.only or list(MEASUREMENTS)
    # Warm-up: the venv and system packages exist, and html-incremental has a
    # build to increment.
    if run(["html"]) is None:
        return 1
    results: dict[str, dict[str, object]] = {}
    failed = False
    for name in names:
        targets, prepare, target = MEASUREMENTS[name]
        times = []
        for _ in range(args.runs):
            if prepare:
                prepare()
            elapsed = run(targets)
            if elapsed is None:  # a failed run is reported, not timed
                break
            times.append(elapsed)
        if len(times) < args.runs:
            failed = True
            results[name] = {
                "runs_s": [round(t, 2) for t in times],
                "verdict": "FAILED",
            }
            print(f"{name:18} FAILED after {len(times)} good runs", flush=True)
            continue
        median = statistics.median(times)
        verdict = "" if target is None else ("ok" if median < target else "OVER")
        results[name] = {
            "median_s": round(median, 2),
            "runs_s": [round(t, 2) for t in times],
            "target_s": target,
            "verdict": verdict,
        }
        limit = f"target < {target:.0f} s" if target else "no target"
        print(f"{name:18} median {median:7.1f} s  ({limit}) {verdict}", flush=True)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "runs": args.runs,
    }
    out = ROOT / "_build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    if args.only and out.exists():  # a partial run updates the earlier figures
        earlier = json.loads(out.read_text())["results"]
        results = {**earlier, **results}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))
    print(f"machine: {machine}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
