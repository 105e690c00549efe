"""``lru_cache`` on a method keeps every instance alive; two fixes."""

import functools
import gc
import weakref
from collections.abc import Callable


def load_rates(source: str) -> dict[str, float]:
    """Stands in for an expensive load (a file, a vendor call)."""
    return {"EUR": 1.0, "USD": 1.08, "GBP": 0.85}


# [start leak]
class RateTable:
    def __init__(self, source: str) -> None:
        self.source = source

    @functools.lru_cache(maxsize=128)  # noqa: B019 - the leak this listing shows
    def rate(self, currency: str) -> float:
        return load_rates(self.source)[currency]


# [end leak]


# [start fix-cached-property]
class RateTableOnce:
    def __init__(self, source: str) -> None:
        self.source = source

    @functools.cached_property  # stored on the instance, dies with it
    def rates(self) -> dict[str, float]:
        return load_rates(self.source)

    def rate(self, currency: str) -> float:
        return self.rates[currency]


# [end fix-cached-property]


# [start fix-per-instance]
class RateTablePerInstance:
    def __init__(self, source: str) -> None:
        self.source = source
        # One cache per instance: it is garbage with the instance.
        self.rate: Callable[[str], float] = functools.lru_cache(maxsize=128)(self._rate)

    def _rate(self, currency: str) -> float:
        return load_rates(self.source)[currency]


# [end fix-per-instance]


def survives_del(factory: Callable[[str], object], call: str) -> bool:
    """Create an instance, use it, drop it: is it still alive afterwards?"""
    instance = factory("rates.json")
    getattr(instance, call)("USD")
    ref = weakref.ref(instance)
    del instance
    gc.collect()
    return ref() is not None


if __name__ == "__main__":
    assert survives_del(RateTable, "rate")  # the class-level cache holds self
    assert RateTable.rate.cache_info().currsize == 1
    RateTable.rate.cache_clear()
    assert not survives_del(RateTableOnce, "rate")
    assert not survives_del(RateTablePerInstance, "rate")
