"""Every code block in the book is a correct literalinclude from snippets/."""

from __future__ import annotations

from tools.listing_guard import check_book


def test_every_listing_comes_from_snippets_and_every_snippet_is_used() -> None:
    report = check_book()
    problems = "\n".join(str(p) for p in report.problems)
    assert not report.problems, f"\n{problems}"


def test_the_book_has_listings_to_check() -> None:
    # A guard that finds nothing to check proves nothing.
    assert len(check_book().includes) > 0
