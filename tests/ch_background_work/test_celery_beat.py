"""Two beat processes publish every periodic task twice."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from ch_background_work.celery_settings import BEAT_SETTINGS, beat_settings
from tests.ch_background_work.conftest import CeleryWorker, wait_until
from tests.support.services import RedisServer

# Real beat processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow

SENT = re.compile(r"Scheduler: Sending due task tick \(probe\.record\)")


def test_beat_settings_default_to_the_production_schedule() -> None:
    assert beat_settings() is BEAT_SETTINGS
    assert beat_settings(1.0)["beat_schedule"]["tick"]["schedule"] == 1.0


def test_two_beats_publish_each_periodic_task_twice(
    redis_server: RedisServer, celery_worker: Callable[..., CeleryWorker]
) -> None:
    r = redis_server.client()
    env = {"BOOK_BEAT_EVERY": "1"}
    beats = [celery_worker(name, beat=True, env=env) for name in ("beat-a", "beat-b")]
    wait_until(
        lambda: all(len(SENT.findall(b.output())) >= 2 for b in beats),
        timeout=40,
        what="both beats to publish twice",
    )
    for beat in beats:
        beat.kill()  # stop publishing before counting
    sent = [len(SENT.findall(b.output())) for b in beats]
    # Every message in the queue came from one of the two schedules. Beat logs
    # "Sending due task" before it publishes, so the kill may fall between the
    # two: at most one logged send per beat can be missing from the queue.
    assert sum(sent) - len(beats) <= r.llen("celery") <= sum(sent)
    assert min(sent) >= 2
