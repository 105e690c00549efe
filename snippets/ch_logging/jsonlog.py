"""JSON log lines with a request id taken from a context variable."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# [start request-id-var]
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Copies the current request id onto every record that passes through."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True  # a filter may also enrich: it keeps every record
        # [end request-id-var]


# [start json-formatter]
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, None, None, None)))
_STANDARD |= {"message", "asctime", "taskName", "color_message"}  # uvicorn's ANSI copy


class JsonFormatter(logging.Formatter):
    """One JSON object per line: fixed keys first, then every `extra` field."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value  # request_id, order_id, tokens_in ...
        if record.exc_info:  # exc_text: the traceback as a filter may have cleaned it
            entry["exc_info"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
        # [end json-formatter]


# [start access-fields]
class UvicornAccessFields(logging.Filter):
    """Turns uvicorn's access-log arguments into separate, queryable fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            _client, method, path, _version, status = record.args
            record.http = {"method": method, "path": path, "status": status}
        return True
        # [end access-fields]


if __name__ == "__main__":
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    demo = logging.getLogger("ch_logging.jsonlog.demo")
    demo.addHandler(handler)
    demo.propagate = False
    token = request_id.set("r-42")
    try:
        demo.warning("slow vendor call", extra={"latency_ms": 2150})
        try:
            1 / 0  # noqa: B018 - a real exception for the formatter to render
        except ZeroDivisionError:
            demo.exception("could not price order")
    finally:
        request_id.reset(token)
        demo.removeHandler(handler)
        demo.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "r-42"
    assert first["latency_ms"] == 2150
    assert "ZeroDivisionError" in second["exc_info"]
