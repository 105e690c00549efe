"""A registration decorator: its body runs when ``def`` runs, not per call."""

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], str]


# [start registry]
HANDLERS: dict[str, Handler] = {}
registrations: list[str] = []  # one entry per time a decorator body ran


def on(event: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler for ``event``."""

    def register(func: Handler) -> Handler:
        registrations.append(f"{event} -> {func.__name__}")
        HANDLERS[event] = func
        return func  # unchanged: registration needs no wrapper

    return register


@on("invoice.paid")
def send_receipt(payload: dict[str, Any]) -> str:
    return f"receipt for {payload['invoice_id']}"


@on("invoice.overdue")
def send_reminder(payload: dict[str, Any]) -> str:
    return f"reminder for {payload['invoice_id']}"


# Both decorators have already run here, before anything calls a handler.
# [end registry]


# [start dispatch]
def dispatch(event: str, payload: dict[str, Any]) -> str:
    return HANDLERS[event](payload)


# [end dispatch]


if __name__ == "__main__":
    assert registrations == [
        "invoice.paid -> send_receipt",
        "invoice.overdue -> send_reminder",
    ]
    for _ in range(3):
        assert dispatch("invoice.paid", {"invoice_id": 7}) == "receipt for 7"
    assert dispatch("invoice.overdue", {"invoice_id": 8}) == "reminder for 8"
    assert len(registrations) == 2  # calls do not run the decorator again
    assert HANDLERS["invoice.paid"] is send_receipt  # the function itself
