"""The test launcher's children behave like ``python -m MODULE ARGS``.

tests/support/launcher.py forks the tests' servers from a process that has
already imported FastAPI, uvicorn and Celery. These tests pin down what a
server could notice of that: its arguments, environment, working directory,
output, exit status, death by a signal, and the modules it imports afresh.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import launcher
from tests.support.services import ROOT

# A module of its own on the child's path: `-m` finds it like any program.
PROGRAM = """
import json, os, signal, sys, time
import fastapi  # a library a server imports: it must start no thread
report = {
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "setting": os.environ.get("BOOK_LAUNCHER_SETTING"),
    "main": __name__,
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "threads": __import__("threading").active_count(),
    "stdin": sys.stdin.read(),
    "path": sys.path,
}
print(json.dumps(report), flush=True)
print("to stderr", file=sys.stderr, flush=True)
if sys.argv[1] == "exit":
    sys.exit(int(sys.argv[2]))
if sys.argv[1] == "crash":
    raise RuntimeError("the program failed")
if sys.argv[1] == "wait":
    signal.pause()
"""


@pytest.fixture(scope="module")
def shared() -> Iterator[launcher._Client]:
    """One launcher for the tests that leave it running; used even under coverage."""
    started = launcher._Client(os.environ, ROOT)
    yield started
    started.close()


@pytest.fixture
def client() -> Iterator[launcher._Client]:
    """A launcher of the test's own, for the tests that stop it."""
    started = launcher._Client(os.environ, ROOT)
    yield started
    started.close()


def child_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """The program's directory on PYTHONPATH, relative, with an empty entry."""
    (tmp_path / "programs").mkdir(exist_ok=True)
    (tmp_path / "programs" / "launched_program.py").write_text(PROGRAM)
    return {**os.environ, "PYTHONPATH": f"programs{os.pathsep}", **env}


def run(
    client: launcher._Client, tmp_path: Path, *args: str, **env: str
) -> tuple[launcher.LaunchedProcess, Path]:
    log = tmp_path / "out.log"
    process = client.spawn(
        "launched_program",
        args,
        env=child_env(tmp_path, **env),
        cwd=tmp_path,
        log=log,
        new_session=False,
    )
    return process, log


def report(log: Path) -> dict[str, object]:
    return dict(json.loads(log.read_text().splitlines()[0]))


def test_a_child_sees_what_python_dash_m_would_show_it(
    shared: launcher._Client, tmp_path: Path
) -> None:
    process, log = run(shared, tmp_path, "exit", "0", BOOK_LAUNCHER_SETTING="on")
    assert process.wait(timeout=30) == 0
    seen = report(log)
    real = subprocess.run(
        [sys.executable, "-m", "launched_program", "exit", "0"],
        env=child_env(tmp_path, BOOK_LAUNCHER_SETTING="on"),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(real.stdout.splitlines()[0])
    for key in ("argv", "cwd", "setting", "main", "threads", "stdin", "path"):
        assert seen[key] == expected[key], key
    assert seen["path"][:3] == [
        str(tmp_path),
        str(tmp_path / "programs"),
        str(tmp_path),
    ]
    assert seen["argv"] == ["exit", "0"]
    assert seen["setting"] == "on"  # the request's environment, not the launcher's
    assert seen["cwd"] == str(tmp_path)
    assert seen["main"] == "__main__"  # run as a program, like `python -m`
    assert seen["pid"] == process.pid
    assert seen["ppid"] == shared.process.pid  # forked, not a new interpreter
    assert seen["threads"] == 1
    assert seen["stdin"] == ""  # /dev/null, never the test's own stdin
    assert "to stderr" in log.read_text()  # stdout and stderr share the log


def test_exit_codes_and_failures_are_those_of_python_dash_m(
    shared: launcher._Client, tmp_path: Path
) -> None:
    exited, _ = run(shared, tmp_path, "exit", "3")
    assert exited.wait(timeout=30) == 3
    crashed, log = run(shared, tmp_path, "crash")
    assert crashed.wait(timeout=30) == 1
    assert "RuntimeError: the program failed" in log.read_text()


def test_a_signal_kills_the_child_and_wait_reports_it(
    shared: launcher._Client, tmp_path: Path
) -> None:
    process, log = run(shared, tmp_path, "wait")
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.05)
    assert process.poll() is None
    deadline = time.monotonic() + 30
    while not log.exists() or not log.read_text():  # bounded wait: it has started
        assert process.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == -signal.SIGTERM
    process.kill()  # a finished process is never signalled (its pid may be reused)


def test_the_launcher_stops_leftover_children_when_the_tests_go(
    client: launcher._Client, tmp_path: Path
) -> None:
    process, _ = run(client, tmp_path, "wait")
    client.close()
    assert process.wait(timeout=0) == -signal.SIGKILL  # already reaped
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


def test_without_the_launcher_start_falls_back_to_popen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_TESTS_NO_LAUNCHER", "1")
    process = launcher.start(
        "json.tool",
        ["--help"],
        env=dict(os.environ),
        cwd=ROOT,
        log=tmp_path / "help.log",
    )
    assert isinstance(process, subprocess.Popen)
    assert process.wait(timeout=30) == 0
    assert "json.tool" in (tmp_path / "help.log").read_text()


def test_a_changed_interpreter_setting_falls_back_to_popen(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "7"}
    if not launcher._usable(env):
        pytest.skip("under coverage every start falls back to Popen")
    process = launcher.start(
        "json.tool", ["--help"], env=env, cwd=ROOT, log=tmp_path / "help.log"
    )
    assert isinstance(process, subprocess.Popen)  # PYTHONHASHSEED acts at start-up
    assert process.wait(timeout=30) == 0


def test_the_launcher_imports_no_module_of_the_book() -> None:
    preloaded = [name for names in launcher.PRELOAD.values() for name in names]
    book = {path.name for path in (ROOT / "snippets").iterdir() if path.is_dir()}
    assert not [name for name in preloaded if name.split(".")[0] in book | {"tests"}]
    assert sys.modules["tests.support.launcher"] is launcher


def test_a_dead_launcher_is_a_clear_error(
    client: launcher._Client, tmp_path: Path
) -> None:
    client.process.kill()
    client.process.wait(timeout=30)
    with pytest.raises(RuntimeError, match=r"launcher\.py\) exited with code -9"):
        run(client, tmp_path, "exit", "0")
