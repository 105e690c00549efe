from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ch_dependency_injection import overrides

fake_completer = overrides.fake_completer
client = overrides.client


def test_override_replaces_the_vendor(
    fake_completer: overrides.FakeCompleter, client: TestClient
) -> None:
    response = client.post("/complete", params={"prompt": "hello"})
    assert response.json() == {"text": "canned"}
    assert fake_completer.prompts == ["hello"]


def test_without_override_the_real_dependency_runs(client: TestClient) -> None:
    assert overrides.app.dependency_overrides == {}
    with pytest.raises(RuntimeError, match="must not reach the vendor"):
        client.post("/complete", params={"prompt": "hello"})
