"""The logger tree, propagation, duplicate lines, filters."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ch_logging import duplicates

pytestmark = pytest.mark.usefixtures("clean")


def test_get_logger_returns_one_shared_object_per_dotted_name() -> None:
    child = logging.getLogger("t1.api.orders")
    assert logging.getLogger("t1.api.orders") is child
    parent = logging.getLogger("t1.api")  # created after the child: tree fixed up
    assert child.parent is parent
    assert parent.parent is logging.getLogger()


def test_handlers_on_child_and_parent_receive_each_record_twice(collect) -> None:
    seen = collect()
    logging.getLogger("t2").addHandler(seen)
    child = logging.getLogger("t2.db")
    child.addHandler(seen)
    child.warning("pool exhausted")
    assert seen.messages == ["pool exhausted", "pool exhausted"]


def test_propagate_false_stops_the_duplicate(collect) -> None:
    seen = collect()
    logging.getLogger("t3").addHandler(seen)
    child = logging.getLogger("t3.db")
    child.addHandler(seen)
    child.propagate = False
    child.warning("pool exhausted")
    assert seen.messages == ["pool exhausted"]


def test_get_logger_helper_adds_a_handler_on_every_call(capsys) -> None:
    duplicates.get_logger("billing")
    log = duplicates.get_logger("billing")  # a second module asks for it
    log.info("invoice sent")
    assert capsys.readouterr().out.splitlines() == [
        "INFO billing invoice sent",
        "INFO billing invoice sent",
    ]


def test_setup_logging_called_twice_duplicates_every_line(capsys) -> None:
    duplicates.setup_logging()
    duplicates.setup_logging()
    duplicates.charge("A-1")
    line = "INFO ch_logging.duplicates charging order A-1"
    assert capsys.readouterr().out.splitlines() == [line, line]


def test_module_logger_configured_once_prints_once(capsys) -> None:
    duplicates.setup_logging()
    duplicates.charge("A-2")
    assert capsys.readouterr().out.splitlines() == [
        "INFO ch_logging.duplicates charging order A-2"
    ]


def test_root_logger_records_lose_the_module_name(collect) -> None:
    seen = collect()
    root = logging.getLogger()
    root.addHandler(seen)
    root.warning("via the root")
    logging.getLogger("ch_logging.payments").warning("via the module logger")
    assert [r.name for r in seen.records] == ["root", "ch_logging.payments"]


def test_subsystem_records_land_in_its_file_and_the_root_file(tmp_path: Path) -> None:
    root = logging.getLogger()
    root.addHandler(logging.FileHandler(tmp_path / "all.log"))
    data = logging.getLogger("data")
    data.addHandler(logging.FileHandler(tmp_path / "data.log"))
    data.warning("row 7 rejected")
    for handler in [*root.handlers, *data.handlers]:
        handler.flush()
    assert (tmp_path / "data.log").read_text() == "row 7 rejected\n"
    assert (tmp_path / "all.log").read_text() == "row 7 rejected\n"


def test_logger_filter_does_not_see_records_from_child_loggers(collect) -> None:
    seen = collect()
    parent = logging.getLogger("t4")
    parent.addHandler(seen)
    parent.addFilter(lambda record: "secret" not in record.getMessage())
    parent.warning("secret from parent")  # filtered out
    logging.getLogger("t4.child").warning("secret from child")  # NOT filtered
    assert seen.messages == ["secret from child"]


def test_handler_filter_sees_propagated_records(collect) -> None:
    seen = collect()
    seen.addFilter(lambda record: "secret" not in record.getMessage())
    logging.getLogger("t5").addHandler(seen)
    logging.getLogger("t5.child").warning("secret from child")
    assert seen.messages == []


def test_ancestor_levels_are_not_checked_for_propagated_records(collect) -> None:
    seen = collect()
    root = logging.getLogger()
    root.addHandler(seen)
    root.setLevel(logging.ERROR)  # the root's own level...
    child = logging.getLogger("t6")
    child.setLevel(logging.DEBUG)
    child.debug("cache miss")  # ...does not stop a child's record at its handlers
    root.debug("root debug")  # but it does gate records logged on the root itself
    assert seen.messages == ["cache miss"]
