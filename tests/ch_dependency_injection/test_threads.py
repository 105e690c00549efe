from __future__ import annotations

from fastapi.testclient import TestClient

from ch_dependency_injection import threads


def test_sync_dependency_runs_off_the_event_loop_thread() -> None:
    with TestClient(threads.app) as client:
        answer = client.get("/threads").json()
    assert answer == {"sync_dep_on_loop": False, "async_dep_on_loop": True}
