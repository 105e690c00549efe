"""Swapping a dependency in tests with app.dependency_overrides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Protocol

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient


# [start app]
class Completer(Protocol):
    async def complete(self, prompt: str) -> str: ...


class VendorCompleter:
    """The real one: it would call the vendor over the network."""

    async def complete(self, prompt: str) -> str:
        raise RuntimeError("tests must not reach the vendor")


def get_completer() -> Completer:
    return VendorCompleter()


app = FastAPI()


@app.post("/complete")
async def complete(
    prompt: str, completer: Annotated[Completer, Depends(get_completer)]
) -> dict[str, str]:
    return {"text": await completer.complete(prompt)}


# [end app]


# [start fake]
@dataclass
class FakeCompleter:
    answer: str
    prompts: list[str] = field(default_factory=list)

    async def complete(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answer


@pytest.fixture
def fake_completer() -> Iterator[FakeCompleter]:
    fake = FakeCompleter(answer="canned")
    app.dependency_overrides[get_completer] = lambda: fake  # key: the original
    try:
        yield fake
    finally:
        app.dependency_overrides.clear()  # the next test sees the real app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


# [end fake]
