"""hasHandlers, basicConfig, dictConfig, libraries and lazy arguments."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from ch_logging import basicconfig, dictconfig_trap, hashandlers, lazy, payments

pytestmark = pytest.mark.usefixtures("clean")
SNIPPETS = Path(__file__).resolve().parents[2] / "snippets"


def test_has_handlers_is_true_when_only_the_root_has_a_handler() -> None:
    data = logging.getLogger("data")
    assert not data.hasHandlers()
    hashandlers.setup_logging()
    assert data.hasHandlers()
    assert data.handlers == []


def test_guarded_recipe_never_attaches_the_file_handler(tmp_path: Path) -> None:
    hashandlers.setup_logging()
    log = hashandlers.file_logger("data", tmp_path / "data.log")
    log.info("loaded 10 rows")
    assert log.handlers == []
    assert not (tmp_path / "data.log").exists()


def test_guarded_recipe_works_only_if_it_runs_before_the_root_is_set_up(
    tmp_path: Path,
) -> None:
    log = hashandlers.file_logger("early", tmp_path / "early.log")
    hashandlers.setup_logging()
    assert len(log.handlers) == 1  # order of calls decides: a fragile recipe


def test_fixed_recipe_attaches_one_file_handler(tmp_path: Path) -> None:
    hashandlers.setup_logging()
    hashandlers.file_logger_fixed("data", tmp_path / "data.log")
    log = hashandlers.file_logger_fixed("data", tmp_path / "data.log")
    log.info("loaded 10 rows")
    log.handlers[0].flush()
    assert (tmp_path / "data.log").read_text() == "loaded 10 rows\n"


def test_basicconfig_ignores_a_second_call_and_force_replaces(capsys) -> None:
    basicconfig.demo()
    assert capsys.readouterr().out.splitlines() == ["first  hello", "third  hello"]
    assert len(logging.getLogger().handlers) == 1


@pytest.fixture
def no_startup_logger() -> None:
    """Earlier tests in this process created it; the listing needs it created after."""
    logging.Logger.manager.loggerDict.pop("ch_logging.startup", None)


@pytest.mark.usefixtures("no_startup_logger")
def test_dictconfig_silences_a_logger_created_before_it(capsys) -> None:
    dictconfig_trap.main(keep_existing=False)
    assert payments.logger.disabled
    assert capsys.readouterr().out.splitlines() == [
        "INFO ch_logging.startup configured"
    ]


@pytest.mark.usefixtures("no_startup_logger")
def test_disable_existing_loggers_false_keeps_it(capsys) -> None:
    dictconfig_trap.main(keep_existing=True)
    assert not payments.logger.disabled
    assert capsys.readouterr().out.splitlines()[-1] == (
        "INFO ch_logging.payments refund issued for A-17"
    )


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=SNIPPETS,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_library_with_null_handler_prints_nothing_unconfigured() -> None:
    result = _python("from ch_logging.library import fetch_quota; fetch_quota()")
    assert result.stderr == ""


def test_without_null_handler_last_resort_prints_the_warning() -> None:
    result = _python(
        "import logging; from ch_logging import library as lib\n"
        "lib.logger.handlers.clear(); lib.fetch_quota()"
    )
    assert result.stderr == "quota endpoint is deprecated; using the default quota\n"


def test_application_config_controls_library_output() -> None:
    result = _python(
        "import logging, sys; from ch_logging.library import fetch_quota\n"
        "logging.basicConfig(format='APP %(name)s %(message)s', stream=sys.stdout)\n"
        "fetch_quota()"
    )
    assert result.stdout.startswith("APP vendorkit quota endpoint is deprecated")


def test_library_calling_basicconfig_hijacks_the_application_format() -> None:
    result = _python(
        "import logging, sys; from ch_logging import library\n"
        "library.init_noisy_library()\n"
        "logging.basicConfig(format='APP %(message)s', stream=sys.stdout)\n"
        "logging.getLogger('app').info('started')"
    )
    assert result.stdout == ""  # the app's config was ignored...
    assert result.stderr == "INFO:app:started\n"  # ...the library's one won


def test_lazy_arguments_are_never_rendered_when_the_level_is_off() -> None:
    lazy.log.setLevel(logging.INFO)
    snapshot = lazy.Snapshot()
    lazy.log_lazily(snapshot)
    assert snapshot.renders == 0


def test_f_string_renders_even_when_the_level_is_off() -> None:
    lazy.log.setLevel(logging.INFO)
    snapshot = lazy.Snapshot()
    lazy.log_eagerly(snapshot)
    assert snapshot.renders == 1


def test_lazy_arguments_are_rendered_when_a_handler_takes_the_record(collect) -> None:
    lazy.log.setLevel(logging.DEBUG)
    seen = collect()
    lazy.log.addHandler(seen)
    snapshot = lazy.Snapshot()
    lazy.log_lazily(snapshot)
    lazy.log_costly([1, 2, 3])
    assert seen.messages == ["state: <snapshot of 40 000 rows>", "checksum 6"]
    assert snapshot.renders == 1
