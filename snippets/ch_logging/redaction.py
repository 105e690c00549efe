"""Log what a vendor call did, never what it said; scrub secrets on the way out."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

log = logging.getLogger("ch_logging.llm")


# [start vendor-call]
@dataclass(frozen=True)
class Completion:
    """The parts of a vendor response this service uses."""

    model: str
    vendor_request_id: str  # the id the vendor's support team asks for
    input_tokens: int
    output_tokens: int
    text: str  # user data: never logged by default


def log_completion(done: Completion, *, attempt: int, started: float) -> None:
    log.info(
        "llm call succeeded",
        extra={
            "llm_model": done.model,
            "llm_attempt": attempt,  # 1 = first try; >1 = a retry succeeded
            "llm_latency_ms": round((time.perf_counter() - started) * 1000),
            "llm_input_tokens": done.input_tokens,
            "llm_output_tokens": done.output_tokens,
            "llm_vendor_request_id": done.vendor_request_id,
        },
    )
    # [end vendor-call]


# [start redaction]
_API_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")
_AUTHORIZATION = re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)[^\"',}]+")
DROPPED_FIELDS = frozenset({"prompt", "completion", "messages"})


def scrub(text: str) -> str:
    text = _API_KEY.sub("sk-[REDACTED]", text)
    return _AUTHORIZATION.sub(r"\1[REDACTED]", text)


class RedactingFilter(logging.Filter):
    """Attach to HANDLERS: a logger's filters skip records from its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), None
        for key in DROPPED_FIELDS & vars(record).keys():
            setattr(record, key, "[dropped]")  # the key stays: you see it existed
        for key, value in vars(record).items():
            if key not in DROPPED_FIELDS and isinstance(value, str | dict):
                setattr(record, key, _scrub_value(value))
        if record.exc_info:  # exception messages quote keys and headers too
            record.exc_text = scrub(
                logging.Formatter().formatException(record.exc_info)
            )
        return True


def _scrub_value(value: str | dict[str, object]) -> str | dict[str, object]:
    if isinstance(value, str):
        return scrub(value)
    return {
        k: "[REDACTED]" if k.lower() in {"authorization", "api-key"} else v
        for k, v in value.items()
    }
    # [end redaction]


if __name__ == "__main__":
    import io
    import json

    from ch_logging.jsonlog import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log_completion(
            Completion("gpt-x", "req_abc", 812, 64, "Dear customer"),
            attempt=2,
            started=time.perf_counter(),
        )
        log.warning(
            "vendor rejected key %s",
            "sk-proj-abcdefghijklmnop",
            extra={
                "prompt": "my SSN is 078-05-1120",
                "headers": {"Authorization": "x"},
            },
        )
    finally:
        log.removeHandler(handler)
        log.setLevel(logging.NOTSET)
    ok, rejected = (json.loads(line) for line in stream.getvalue().splitlines())
    assert ok["llm_attempt"] == 2
    assert "Dear customer" not in stream.getvalue()
    assert rejected["message"] == "vendor rejected key sk-[REDACTED]"
    assert rejected["prompt"] == "[dropped]"
    assert rejected["headers"] == {"Authorization": "[REDACTED]"}
