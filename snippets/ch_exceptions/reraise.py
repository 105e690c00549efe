"""Four ways to re-raise, and the frames each leaves in the traceback."""

from __future__ import annotations

import traceback
from collections.abc import Callable


class VendorError(Exception):
    """The library's own error for a failed vendor call."""


# [start reraise]
def parse_reply(body: dict[str, str]) -> str:
    return body["choices"]  # KeyError when the vendor sends an error body


def bare() -> str:
    try:
        return parse_reply({})
    except KeyError:
        raise  # the same exception, traceback untouched


def reraise_e() -> str:
    try:
        return parse_reply({})
    except KeyError as e:
        raise e  # the same exception, plus this line in the traceback


def wrap_from() -> str:
    try:
        return parse_reply({})
    except KeyError as e:
        raise VendorError("malformed reply") from e  # explicit cause


def wrap_from_none() -> str:
    try:
        return parse_reply({})
    except KeyError:
        raise VendorError("malformed reply") from None  # hide the context


# [end reraise]


# [start render]
def render(func: Callable[[], object], *, keep_markers: bool = False) -> str:
    """Call func and return the traceback Python would print, as text."""
    try:
        func()
    except Exception as exc:
        text = "".join(traceback.format_exception(exc)).rstrip("\n")
        return text if keep_markers else strip_markers(text)
    return "no exception"


def strip_markers(text: str) -> str:
    """Drop the lines of ^ and ~ under source lines: they vary by version."""
    lines = text.split("\n")
    return "\n".join(line for line in lines if not _is_marker(line))


def _is_marker(line: str) -> bool:
    return bool(line.strip()) and set(line) <= {" ", "^", "~"}


def frame_names(func: Callable[[], object]) -> list[str]:
    """The function name of each frame in the traceback, outermost first."""
    try:
        func()
    except Exception as exc:
        return [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    return []


def catch(func: Callable[[], object]) -> Exception:
    """Call func and return the exception it raised."""
    try:
        func()
    except Exception as exc:
        return exc
    raise AssertionError(f"{func.__name__} did not raise")


# [end render]


if __name__ == "__main__":
    assert frame_names(bare) == ["frame_names", "bare", "parse_reply"]
    assert frame_names(reraise_e) == [
        "frame_names",
        "reraise_e",
        "reraise_e",
        "parse_reply",
    ]
    assert render(lambda: None) == "no exception"
    assert frame_names(lambda: None) == []
    assert isinstance(catch(bare), KeyError)
    try:
        catch(lambda: None)
    except AssertionError as exc:
        assert "did not raise" in str(exc)  # noqa: PT017 - no pytest in a listing
