"""Celery settings for an LLM backend on a Redis broker."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab


# [start settings]
def celery_settings(
    redis_url: str,
    *,
    visibility_timeout: float = 3600.0,
    prefetch_multiplier: int = 1,
    soft_shutdown_timeout: float = 30.0,
) -> dict[str, Any]:
    return {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "result_expires": 24 * 3600,  # results are deleted after a day
        "task_serializer": "json",
        "accept_content": ["json"],
        # One message reserved per process: a long LLM call cannot hoard work.
        "worker_prefetch_multiplier": prefetch_multiplier,
        # Unacked messages come back after this many seconds (Redis only).
        "broker_transport_options": {
            "visibility_timeout": visibility_timeout,
            "unacked_restore_interval": max(1, int(visibility_timeout // 2)),
            "unacked_restore_throttle": 1,
        },
        # Celery 5.5+: on a cold shutdown, let running tasks finish this long.
        "worker_soft_shutdown_timeout": soft_shutdown_timeout,
        "broker_connection_retry_on_startup": True,
    }


# [end settings]


# [start eta-guard]
class CountdownTooLong(ValueError):
    """A delay the Redis broker would deliver more than once."""


def check_delay(countdown: float, settings: dict[str, Any]) -> float:
    """Refuse a countdown or ETA that outlives the visibility timeout."""
    options = settings.get("broker_transport_options", {})
    visibility = float(options.get("visibility_timeout", 3600.0))
    margin = 0.5 * visibility  # the worker must also have time to run the task
    if countdown >= visibility - margin:
        raise CountdownTooLong(
            f"countdown {countdown:g} s is not well below the visibility timeout "
            f"{visibility:g} s: Redis would redeliver the message while it waits"
        )
    return countdown


# [end eta-guard]


# [start beat-schedule]
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "nightly-usage-report": {
        "task": "probe.record",
        "schedule": crontab(hour="2", minute="15"),  # 02:15 UTC every day
        "args": ("reports:nightly",),
        "options": {"expires": 3600},  # a run that waits an hour is dropped
    },
}
BEAT_SETTINGS: dict[str, Any] = {
    "beat_schedule": BEAT_SCHEDULE,
    "timezone": "UTC",
}
# [end beat-schedule]


def beat_settings(every: float | None = None) -> dict[str, Any]:
    """The schedule above, or (for the tests) one task every ``every`` seconds."""
    if every is None:
        return BEAT_SETTINGS
    tick = {"task": "probe.record", "schedule": every, "args": ("beat:ticks",)}
    return {**BEAT_SETTINGS, "beat_schedule": {"tick": tick}}
