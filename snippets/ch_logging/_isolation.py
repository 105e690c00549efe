"""Support code (not shown in the book): run a logging demonstration on a clean slate.

The listings reconfigure the process-wide logging tree on purpose (``dictConfig``,
``basicConfig(force=True)``, handlers on the root). The test suite runs every
listing in one process, so each demonstration saves the whole tree first, starts
from a root logger with no handlers, and puts everything back afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _LoggerState:
    level: int
    propagate: bool
    disabled: bool
    handlers: list[logging.Handler] = field(default_factory=list)
    filters: list[logging.Filter | logging.Filterer] = field(default_factory=list)


def _capture(logger: logging.Logger) -> _LoggerState:
    return _LoggerState(
        level=logger.level,
        propagate=logger.propagate,
        disabled=logger.disabled,
        handlers=list(logger.handlers),
        filters=list(logger.filters),  # type: ignore[arg-type]
    )


def _restore(logger: logging.Logger, state: _LoggerState) -> None:
    for handler in logger.handlers:
        if handler not in state.handlers:
            handler.close()  # added during the demonstration
    logger.setLevel(state.level)
    logger.propagate = state.propagate
    logger.disabled = state.disabled
    logger.handlers[:] = state.handlers
    logger.filters[:] = state.filters


@contextmanager
def clean_logging() -> Iterator[None]:
    """Save every logger's settings, clear the root, and restore on exit."""
    manager = logging.Logger.manager
    root = logging.getLogger()
    saved_root = _capture(root)
    saved = {
        name: _capture(logger)
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    created_before = set(saved)
    saved_disable = manager.disable
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        _restore(root, saved_root)
        for name, logger in list(manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            if name in created_before:
                _restore(logger, saved[name])
            else:
                for handler in logger.handlers:
                    handler.close()
                logger.handlers.clear()
                logger.filters.clear()
                logger.setLevel(logging.NOTSET)
                logger.propagate = True
                logger.disabled = False
        logging.disable(saved_disable)
