"""What a try block costs when nothing is raised, and what a raise costs.

Run it yourself (a few seconds):  python snippets/ch_exceptions/bench_try_cost.py
Under the tests (BOOK_SNIPPET_TEST=1) it runs a tiny workload.
"""

from __future__ import annotations

import functools
import os
import platform
import time
import timeit
from collections.abc import Callable

PRICES = {"small-model": 1}


# [start cases]
def plain(model: str) -> int:
    return PRICES[model]


def try_no_raise(model: str) -> int:
    try:
        return PRICES[model]  # found: the try costs (almost) nothing since 3.11
    except KeyError:
        return 0


def try_raise(model: str) -> int:
    try:
        return PRICES[model + "?"]  # never found: every call raises and catches
    except KeyError:
        return 0


def check_first(model: str) -> int:
    key = model + "?"
    return PRICES[key] if key in PRICES else 0  # noqa: SIM401 - LBYL on purpose


# [end cases]


CASES: dict[str, Callable[[str], int]] = {
    "plain lookup": plain,
    "try, nothing raised": try_no_raise,
    "try, raise and catch": try_raise,
    "if-check, miss": check_first,
}


# [start measure]
def measure(number: int, repeat: int) -> dict[str, float]:
    """Nanoseconds per call for each case: the best of `repeat` runs."""
    results = {}
    for name, func in CASES.items():
        call = functools.partial(func, "small-model")
        # CPU time of this process: time other programs take is not counted.
        runs = timeit.repeat(
            call, timer=time.process_time, number=number, repeat=repeat
        )
        best = min(runs)
        results[name] = best / number * 1e9
    return results


# [end measure]


def main() -> dict[str, float]:
    small = os.environ.get("BOOK_SNIPPET_TEST") == "1"
    results = measure(number=2_000 if small else 1_000_000, repeat=3 if small else 7)
    print(f"Python {platform.python_version()} on {platform.machine()}")
    for name, ns in results.items():
        print(f"{name:22} {ns:8.1f} ns per call")
    return results


if __name__ == "__main__":
    main()
