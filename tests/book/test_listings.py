"""Every code block in the book is a correct literalinclude from snippets/."""

from __future__ import annotations

import pytest

from tools.listing_guard import Report, check_book


@pytest.fixture(scope="module")
def report() -> Report:
    """The guard's one pass over the whole book (it reads every chapter)."""
    return check_book()


def test_every_listing_comes_from_snippets_and_every_snippet_is_used(
    report: Report,
) -> None:
    problems = "\n".join(str(p) for p in report.problems)
    assert not report.problems, f"\n{problems}"


def test_the_book_has_listings_to_check(report: Report) -> None:
    # A guard that finds nothing to check proves nothing.
    assert len(report.includes) > 0
