"""Class-based decorators: callable instances, and binding to methods."""

import pytest

from ch_decorators.class_based import (
    CountCalls,
    CountMethodCalls,
    FixedPriceBook,
    PriceBook,
)


def test_instance_keeps_state_and_copied_metadata() -> None:
    @CountCalls
    def parse(text: str) -> int:
        """Parse an integer."""
        return int(text)

    assert [parse("1"), parse("2")] == [1, 2]
    assert parse.calls == 2
    assert (parse.__name__, parse.__doc__) == ("parse", "Parse an integer.")
    assert parse.__wrapped__("3") == 3


def test_without_get_the_instance_is_not_passed_to_the_method() -> None:
    with pytest.raises(
        TypeError, match=r"missing 1 required positional argument: 'cents'"
    ):
        PriceBook("EUR").label(1250)
    # Looked up on an instance, the decorator object comes back unbound:
    assert isinstance(PriceBook("EUR").label, CountCalls)


def test_get_binds_the_decorator_like_a_function() -> None:
    book = FixedPriceBook("EUR")
    assert book.label(1250) == "12.50 EUR"
    assert book.label.__self__ is book
    assert isinstance(FixedPriceBook.label, CountMethodCalls)  # class access


def test_method_decorator_state_is_shared_by_all_instances() -> None:
    before = FixedPriceBook.label.calls
    FixedPriceBook("EUR").label(1)
    FixedPriceBook("USD").label(2)
    assert FixedPriceBook.label.calls == before + 2
