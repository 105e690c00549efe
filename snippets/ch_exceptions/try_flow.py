"""The order in which try/except/else/finally run, recorded step by step."""

from __future__ import annotations

import contextlib


class VendorDown(Exception):
    """The vendor did not answer."""


# [start try-flow]
def call_vendor(fail: bool, steps: list[str]) -> str:
    if fail:
        steps.append("vendor raised")
        raise VendorDown("connection refused")
    steps.append("vendor answered")
    return "a completion"


def summarise(fail: bool, steps: list[str]) -> str:
    try:
        text = call_vendor(fail, steps)
    except VendorDown:
        steps.append("except")
        raise  # propagate to our caller, unchanged
    else:
        steps.append("else")  # only when the try suite finished normally
        return text.upper()
    finally:
        steps.append("finally")  # on every way out, including the raise


# [end try-flow]


# [start else-skipped]
def first_even(numbers: list[int], steps: list[str]) -> int | None:
    try:
        for n in numbers:
            if n % 2 == 0:
                return n  # leaves the try suite: else does not run
    except TypeError:
        steps.append("except")
    else:
        steps.append("else: loop ended without an even number")
    finally:
        steps.append("finally")
    return None


# [end else-skipped]


if __name__ == "__main__":
    ok: list[str] = []
    assert summarise(False, ok) == "A COMPLETION"
    assert ok == ["vendor answered", "else", "finally"]

    failed: list[str] = []
    with contextlib.suppress(VendorDown):
        summarise(True, failed)
    assert failed == ["vendor raised", "except", "finally"]

    early: list[str] = []
    assert first_even([1, 4], early) == 4
    assert early == ["finally"]
