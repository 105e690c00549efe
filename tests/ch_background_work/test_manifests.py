"""The Kubernetes manifests and the beat schedule agree with the code."""

from __future__ import annotations

from pathlib import Path

import yaml
from celery.schedules import crontab

from ch_background_work.celery_settings import (
    BEAT_SCHEDULE,
    BEAT_SETTINGS,
    celery_settings,
)

SNIPPETS = Path(__file__).resolve().parents[2] / "snippets" / "ch_background_work"


def test_cronjob_forbids_overlapping_runs() -> None:
    cronjob = yaml.safe_load((SNIPPETS / "k8s_cronjob.yaml").read_text())
    spec = cronjob["spec"]
    assert cronjob["kind"] == "CronJob"
    assert cronjob["apiVersion"] == "batch/v1"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["schedule"] == "15 2 * * *"
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_beat_is_a_single_replica_replaced_with_recreate() -> None:
    beat, worker = yaml.safe_load_all((SNIPPETS / "k8s_singletons.yaml").read_text())
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"  # no overlap in a rollout
    assert "beat" in beat["spec"]["template"]["spec"]["containers"][0]["command"]
    grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > celery_settings("redis://unused")["worker_soft_shutdown_timeout"]


def test_beat_schedule_names_registered_tasks_at_the_cronjob_time(
    celery_module: object,
) -> None:
    app = celery_module.app  # type: ignore[attr-defined]
    app.conf.update(BEAT_SETTINGS)
    entry = BEAT_SCHEDULE["nightly-usage-report"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(hour="2", minute="15")
    assert app.conf.timezone == "UTC"
