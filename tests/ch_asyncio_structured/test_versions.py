"""Version differences 3.11 to 3.13, each checked against the running Python."""

from __future__ import annotations

import asyncio
import gc
import sys
import warnings

import pytest

from ch_asyncio_structured.version_notes import (
    cancelling_after_group_failure,
    child_ran_at_create,
)


def test_taskgroup_leaves_a_stale_cancelling_count_before_313() -> None:
    count = asyncio.run(cancelling_after_group_failure())
    assert count == (0 if sys.version_info >= (3, 13) else 1)


def test_tasks_are_lazy_by_default() -> None:
    assert asyncio.run(child_ran_at_create()) is False


def test_eager_task_factory_exists_from_312() -> None:
    assert hasattr(asyncio, "eager_task_factory") is (sys.version_info >= (3, 12))
    if sys.version_info >= (3, 12):  # pragma: no cover - 3.12 and later
        from ch_asyncio_structured.version_notes import with_eager_tasks

        assert asyncio.run(with_eager_tasks()) is True


def test_taskgroup_cancel_method_arrives_in_315() -> None:
    assert hasattr(asyncio.TaskGroup, "cancel") is (sys.version_info >= (3, 15))


def test_create_task_on_a_finished_group_raises_and_313_closes_the_coroutine() -> None:
    async def child() -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        async with asyncio.TaskGroup() as tg:
            pass
        with pytest.raises(RuntimeError, match="is finished"):
            tg.create_task(child())

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(main())
        gc.collect()
    never_awaited = [w for w in caught if "was never awaited" in str(w.message)]
    if sys.version_info >= (3, 13):
        assert never_awaited == []  # 3.13 closes the rejected coroutine
    else:
        assert len(never_awaited) == 1
