"""The Kubernetes manifests: valid against the schemas and true to the code."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import pytest
import yaml

from ch_llm_multipod.pod import PodSettings
from tests.support.services import ROOT, RedisServer, UvicornServer

MANIFESTS = sorted((ROOT / "snippets").glob("ch_llm_*/**/*.yaml"))
K8S = ROOT / "snippets/ch_llm_architecture/k8s"


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def by_kind() -> dict[str, dict[str, Any]]:
    docs = documents(K8S / "deployment.yaml") + documents(K8S / "autoscaling.yaml")
    return {doc["kind"]: doc for doc in docs}


def container() -> dict[str, Any]:
    spec = by_kind()["Deployment"]["spec"]["template"]["spec"]
    found: dict[str, Any] = spec["containers"][0]
    return found


def flag(name: str) -> str:
    for arg in container()["command"]:
        if arg.startswith(f"--{name}="):
            return str(arg.split("=", 1)[1])
    raise AssertionError(f"--{name} not set")  # pragma: no cover - a broken manifest


def env() -> dict[str, str]:
    return {item["name"]: item["value"] for item in container()["env"]}


@pytest.mark.parametrize("version", ["1.33", "1.37"])
def test_every_manifest_validates_against_the_kubernetes_schemas(version: str) -> None:
    assert len(MANIFESTS) >= 3
    for path in MANIFESTS:
        for doc in documents(path):
            kubernetes_validate.validate(doc, version, strict=True)


def test_every_probe_path_exists_in_the_app(
    uvicorn_server: Callable[..., UvicornServer], redis_server: RedisServer
) -> None:
    app = container()["command"][1]
    settings = {**env(), "POD_REDIS_URL": redis_server.url}
    server = uvicorn_server(app, env=settings)
    probes = [
        container()[p]["httpGet"]
        for p in ("startupProbe", "readinessProbe", "livenessProbe")
    ]
    with httpx.Client(base_url=server.url, timeout=10) as client:
        statuses = {
            probe["path"]: client.get(probe["path"]).status_code for probe in probes
        }
    assert statuses == {"/startupz": 200, "/readyz": 200, "/livez": 200}
    assert all(probe["port"] == "http" for probe in probes)
    assert container()["ports"][0] == {
        "name": "http",
        "containerPort": int(flag("port")),
    }


def test_the_grace_period_exceeds_the_drain_time() -> None:
    pod = by_kind()["Deployment"]["spec"]["template"]["spec"]
    pre_stop = container()["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = int(flag("timeout-graceful-shutdown"))
    # SIGTERM arrives after preStop; uvicorn then waits up to `drain` seconds
    # for in-flight requests; SIGKILL comes at the grace period, counted from
    # the start of preStop.
    assert pod["terminationGracePeriodSeconds"] > pre_stop + drain
    assert drain >= PodSettings().call_timeout  # a started vendor call can finish


def test_autoscaling_and_disruption_budget_point_at_the_deployment() -> None:
    kinds = by_kind()
    deployment, hpa, pdb = (
        kinds["Deployment"],
        kinds["HorizontalPodAutoscaler"],
        kinds["PodDisruptionBudget"],
    )
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert not container()["image"].endswith(":latest")


def test_the_redis_down_share_uses_the_most_pods_that_can_run() -> None:
    kinds = by_kind()
    surge = kinds["Deployment"]["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    most = kinds["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] + surge
    assert int(env()["POD_PODS"]) == most
    # The server's connection cap sits well above the pod's vendor slots, so
    # idle keep-alive connections and probes do not starve real work.
    assert int(flag("limit-concurrency")) >= 10 * PodSettings().slots
    assert float(env()["POD_RATE"]) * 60 <= 0.95 * 600 + 1e-9
    assert math.isclose(float(env()["POD_RATE"]) / most, 9.5 / 13)
