"""EAFP versus LBYL, decided on correctness: a race, and the isdigit() trap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query


# [start lbyl-race]
def read_prompt_lbyl(path: Path) -> str | None:
    if path.exists():  # check...
        return path.read_text()  # ...then use: another process may have deleted it
    return None


def read_prompt_eafp(path: Path) -> str | None:
    try:
        return path.read_text()  # one step: the answer cannot go stale
    except FileNotFoundError:
        return None


# [end lbyl-race]


# [start isdigit-trap]
def parse_count_lbyl(raw: str) -> int | None:
    if raw.isdigit():  # True for '²', which int() rejects
        return int(raw)
    return None  # also rejects ' 42 ', '+7' and '1_000', which int() accepts


def parse_count(raw: str) -> int | None:
    try:
        return int(raw)  # the parser is the only complete check of its own input
    except ValueError:
        return None


# [end isdigit-trap]


# [start pydantic-parse]
app = FastAPI()


@app.get("/v1/history")
async def history(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, int]:
    return {"limit": limit}  # FastAPI answered 422 already if `limit` was bad


# [end pydantic-parse]
