"""One logging configuration for the application and for uvicorn."""

from __future__ import annotations

from typing import Any

import uvicorn

# [start logging-dict]
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,  # keep loggers created at import alive
    "filters": {
        "request_id": {"()": "ch_logging.jsonlog.RequestIdFilter"},
        "access_fields": {"()": "ch_logging.jsonlog.UvicornAccessFields"},
    },
    "formatters": {"json": {"()": "ch_logging.jsonlog.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",  # containers: the platform collects it
            "formatter": "json",
            "filters": ["request_id"],  # on the HANDLER: sees propagated records
        }
    },
    "loggers": {  # uvicorn's loggers: drop their own handlers, propagate up
        "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "uvicorn.access": {
            "level": "INFO",
            "handlers": [],
            "propagate": True,
            "filters": ["access_fields"],
        },
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
}
# [end logging-dict]


# [start server]
def server_config(port: int) -> uvicorn.Config:
    """uvicorn applies log_config with dictConfig before it imports the app."""
    return uvicorn.Config("ch_logging.app:app", port=port, log_config=LOGGING)


def main() -> None:  # pragma: no cover - serves until stopped; tests use uvicorn_server
    uvicorn.Server(server_config(8000)).run()
    # [end server]


if __name__ == "__main__":
    import logging

    from ch_logging._isolation import clean_logging

    with clean_logging():
        server_config(8000)
        assert logging.getLogger("uvicorn.access").handlers == []
        assert type(logging.getLogger().handlers[0].formatter).__name__ == (
            "JsonFormatter"
        )
