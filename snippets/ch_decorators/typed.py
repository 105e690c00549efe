"""Typing decorators: ParamSpec keeps parameters, Concatenate injects one."""

import functools
import inspect
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")  # the decorated function's parameters, all of them
R = TypeVar("R")  # its return type

logger = logging.getLogger(__name__)


# [start paramspec]
def logged(func: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        logger.info("call %s", func.__qualname__)
        return func(*args, **kwargs)

    return wrapper


@logged
def quote(sku: str, quantity: int = 1) -> float:
    return 9.99 * quantity


# [end paramspec]


# [start concatenate]
@dataclass(frozen=True)
class RequestContext:
    request_id: str


def with_context(
    func: Callable[Concatenate[RequestContext, P], R],
) -> Callable[P, R]:
    """Supply a fresh RequestContext as the first argument."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        context = RequestContext(request_id=uuid.uuid4().hex)
        return func(context, *args, **kwargs)

    return wrapper


@with_context
def summarize(context: RequestContext, text: str, *, max_words: int = 50) -> str:
    logger.info("summarize request_id=%s", context.request_id)
    return " ".join(text.split()[:max_words])


# [end concatenate]


# [start signature-fix]
def with_context_fixed(
    func: Callable[Concatenate[RequestContext, P], R],
) -> Callable[P, R]:
    wrapper = with_context(func)
    signature = inspect.signature(func)
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:]
    )
    return wrapper


# [end signature-fix]


@with_context_fixed
def translate(context: RequestContext, text: str, *, target: str = "de") -> str:
    return f"[{target}:{context.request_id[:4]}] {text}"


if __name__ == "__main__":
    assert quote("A-1", quantity=2) == 19.98
    assert summarize("one two three", max_words=2) == "one two"
    # wraps copies the signature of the original, context included:
    assert list(inspect.signature(summarize).parameters) == [
        "context",
        "text",
        "max_words",
    ]
    assert list(inspect.signature(translate).parameters) == ["text", "target"]
    assert translate("hello").endswith("] hello")
