"""EAFP versus LBYL: the race in check-then-use, and the isdigit() trap."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ch_exceptions.eafp import (
    app,
    parse_count,
    parse_count_lbyl,
    read_prompt_eafp,
    read_prompt_lbyl,
)


class DeletedAfterCheck(type(Path())):  # type: ignore[misc]
    """A path whose file another process deletes right after exists() looks."""

    def exists(self, **kwargs: object) -> bool:
        found = super().exists()
        self.unlink()  # the other process wins the race, deterministically
        return found


def test_lbyl_check_then_use_races(tmp_path: Path) -> None:
    path = DeletedAfterCheck(tmp_path / "prompt.txt")
    path.write_text("You are a helpful assistant.")
    with pytest.raises(FileNotFoundError):
        read_prompt_lbyl(path)


def test_eafp_has_no_window_to_race(tmp_path: Path) -> None:
    path = tmp_path / "prompt.txt"
    assert read_prompt_eafp(path) is None
    path.write_text("You are a helpful assistant.")
    assert read_prompt_eafp(path) == "You are a helpful assistant."
    assert read_prompt_lbyl(tmp_path / "missing.txt") is None
    assert read_prompt_lbyl(path) == "You are a helpful assistant."


@pytest.mark.parametrize(
    ("raw", "isdigit", "lbyl", "parsed"),
    [
        ("42", True, 42, 42),
        ("²", True, ValueError, None),  # superscript two: a digit int() rejects
        ("٣", True, 3, 3),  # Arabic-Indic three: a decimal digit int() accepts
        (" 42 ", False, None, 42),
        ("-5", False, None, -5),
        ("+7", False, None, 7),
        ("1_000", False, None, 1000),
        ("4.0", False, None, None),
        ("", False, None, None),
    ],
)
def test_isdigit_is_not_int_validation(
    raw: str, isdigit: bool, lbyl: int | type[Exception] | None, parsed: int | None
) -> None:
    assert raw.isdigit() is isdigit
    if isinstance(lbyl, type):
        with pytest.raises(lbyl):
            parse_count_lbyl(raw)
    else:
        assert parse_count_lbyl(raw) == lbyl
    assert parse_count(raw) == parsed


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 200), ("?limit=5", 200), ("?limit=²", 422), ("?limit=0", 422)],
)
def test_fastapi_parses_and_rejects_with_422(query: str, status: int) -> None:
    with TestClient(app) as client:
        response = client.get(f"/v1/history{query}")
    assert response.status_code == status
