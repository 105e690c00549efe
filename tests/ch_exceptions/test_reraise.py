"""Re-raising and chaining: which frames and links each form leaves."""

from __future__ import annotations

import sys
import traceback

from ch_exceptions import chaining, reraise


def test_bare_raise_keeps_original_frames() -> None:
    assert reraise.frame_names(reraise.bare) == ["frame_names", "bare", "parse_reply"]


def test_raise_e_keeps_the_origin_and_adds_the_reraise_line() -> None:
    names = reraise.frame_names(reraise.reraise_e)
    assert names == ["frame_names", "reraise_e", "reraise_e", "parse_reply"]
    exc = reraise.catch(reraise.reraise_e)
    lines = [f.line for f in traceback.extract_tb(exc.__traceback__)]
    assert lines[1] is not None
    assert lines[1].startswith("raise e")
    assert lines[-1] is not None
    assert lines[-1].startswith('return body["choices"]')  # the origin is still there


def test_raise_from_sets_cause_and_suppresses_context() -> None:
    exc = reraise.catch(reraise.wrap_from)
    assert isinstance(exc, reraise.VendorError)
    assert isinstance(exc.__cause__, KeyError)
    assert exc.__context__ is exc.__cause__
    assert exc.__suppress_context__ is True
    text = reraise.render(reraise.wrap_from)
    assert "The above exception was the direct cause" in text
    assert "parse_reply" in text


def test_from_none_hides_the_context_but_keeps_it() -> None:
    exc = reraise.catch(reraise.wrap_from_none)
    assert exc.__cause__ is None
    assert isinstance(exc.__context__, KeyError)  # still on the object
    assert exc.__suppress_context__ is True
    text = reraise.render(reraise.wrap_from_none)
    assert "During handling" not in text
    assert "direct cause" not in text
    assert "parse_reply" not in text


def test_raising_in_except_chains_implicitly() -> None:
    exc = reraise.catch(chaining.wrap_implicit)
    assert exc.__cause__ is None
    assert isinstance(exc.__context__, KeyError)
    assert exc.__suppress_context__ is False
    assert "During handling of the above exception" in reraise.render(
        chaining.wrap_implicit
    )


def test_add_note_appears_after_the_message() -> None:
    exc = reraise.catch(chaining.nightly_job)
    assert exc.__notes__ == ["while embedding document 'doc-2' (2/2)"]
    last_two = reraise.render(chaining.nightly_job).splitlines()[-2:]
    assert last_two == [
        "ch_exceptions.reraise.VendorError: input must not be empty",
        "while embedding document 'doc-2' (2/2)",
    ]


def _line_after(text: str, source: str) -> str:
    """The line printed under the first traceback line equal to source."""
    lines = text.split("\n")
    return lines[lines.index(source) + 1]


def test_position_markers_differ_between_versions() -> None:
    raw = reraise.render(reraise.bare, keep_markers=True)
    # A subscript is marked the same way on every version since 3.11 (PEP 657).
    origin = (
        '    return body["choices"]  # KeyError when the vendor sends an error body'
    )
    assert _line_after(raw, origin) == "           ~~~~^^^^^^^^^^^"
    under_call = _line_after(raw, "    func()")
    under_return = _line_after(raw, "    return parse_reply({})")
    if sys.version_info >= (3, 13):
        # 3.13 marks a call even when it fills the line, and drops the
        # markers under `return f(...)` (CPython gh-99180).
        assert under_call == "    ~~~~^^"
        assert under_return.startswith("  File ")
    else:
        # 3.11 and 3.12 drop markers only when they would span the whole line.
        assert under_call.startswith("  File ")
        assert under_return == "           ^^^^^^^^^^^^^^^"


def test_render_drops_only_the_marker_lines() -> None:
    for func in (reraise.bare, reraise.reraise_e, reraise.wrap_from):
        raw = reraise.render(func, keep_markers=True).split("\n")
        shown = reraise.render(func).split("\n")
        kept = [ln for ln in raw if not ln.strip() or set(ln.strip()) - {"^", "~"}]
        assert shown == kept  # every frame, message and blank line is still there
        assert len(shown) < len(raw)  # and there were markers to drop
    assert reraise.strip_markers("    x = ~y\n    ^^\n\nok") == "    x = ~y\n\nok"
