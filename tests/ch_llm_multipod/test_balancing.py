"""Balancing is per connection: keep-alive pins; new connections spread; L7 spreads."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from ch_llm_multipod.balancer import ConnectionBalancer
from tests.support.multipod_pods import Nginx, Pods, render_nginx
from tests.support.services import ROOT

GATEWAY = ROOT / "snippets/ch_llm_architecture/nginx/gateway.conf"


@pytest.fixture(scope="module")
def pods() -> Iterator[Pods]:
    with Pods(3, app="ch_llm_architecture.server_limits:probe_app") as running:
        yield running


async def through_balancer(
    pods: Pods, keep_alive: bool
) -> tuple[Counter[int], Counter[int]]:
    balancer = ConnectionBalancer(pods.ports)
    served: Counter[int] = Counter()
    async with balancer.serving() as port:
        url = f"http://127.0.0.1:{port}/v1/whoami"
        if keep_alive:
            async with httpx.AsyncClient() as client:  # one pooled connection
                for _ in range(30):
                    served[(await client.get(url)).json()["port"]] += 1
        else:
            no_reuse = httpx.Limits(max_keepalive_connections=0)
            async with httpx.AsyncClient(limits=no_reuse) as client:
                for _ in range(30):  # a new connection for each request
                    served[(await client.get(url)).json()["port"]] += 1
    return served, balancer.connections


def test_one_keep_alive_client_lands_every_request_on_one_pod(pods: Pods) -> None:
    served, connections = asyncio.run(through_balancer(pods, keep_alive=True))
    assert sum(connections.values()) == 1
    assert len(served) == 1
    assert sum(served.values()) == 30


def test_new_connections_spread_over_the_pods(pods: Pods) -> None:
    served, connections = asyncio.run(through_balancer(pods, keep_alive=False))
    assert served == Counter({port: 10 for port in pods.ports})
    assert served == connections


def test_an_l7_proxy_balances_each_request_even_on_one_connection(pods: Pods) -> None:
    nginx = Nginx("")
    conf = render_nginx(GATEWAY.read_text(), nginx.port, pods.ports)
    limit = "limit_req zone=per_client burst=5 nodelay;"
    nginx.conf.write_text(conf.replace(limit, ""))  # only balancing here

    async def scenario() -> Counter[int]:
        served: Counter[int] = Counter()
        async with httpx.AsyncClient(base_url=nginx.url) as client:
            for _ in range(30):
                served[(await client.get("/v1/whoami")).json()["port"]] += 1
        return served

    with nginx:
        served = asyncio.run(scenario())
    assert served == Counter({port: 10 for port in pods.ports})


def test_a_pods_503_reaches_the_client_it_is_not_retried_elsewhere(pods: Pods) -> None:
    # A pod that answers every request with 503 (uvicorn --limit-concurrency 1
    # counts the request's own connection), behind nginx with a healthy pod.
    with Pods(
        1,
        app="ch_llm_architecture.server_limits:probe_app",
        extra_args=["--limit-concurrency", "1"],
    ) as full:
        nginx = Nginx("")
        backends = [full.ports[0], pods.ports[0], full.ports[0]]
        conf = render_nginx(GATEWAY.read_text(), nginx.port, backends)
        limit = "limit_req zone=per_client burst=5 nodelay;"
        nginx.conf.write_text(conf.replace(limit, ""))

        async def scenario() -> Counter[int]:
            async with httpx.AsyncClient(base_url=nginx.url) as client:
                answers = [
                    await client.post("/v1/complete", json={}) for _ in range(30)
                ]
            return Counter(a.status_code for a in answers)

        with nginx:
            statuses = asyncio.run(scenario())
    assert statuses == Counter({503: 20, 200: 10})  # two of three servers say 503
