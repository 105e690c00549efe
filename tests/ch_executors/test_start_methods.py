"""Start methods: the Linux default changes in 3.14; fork with threads warns in 3.12."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ch_executors import fork_warning, start_methods
from ch_executors._work import square

SCRIPT = Path(__file__).resolve().parents[2] / "snippets/ch_executors/fork_warning.py"
LINUX = sys.platform == "linux"


def _python(version: str) -> str | None:
    candidates = [shutil.which(f"python{version}")]
    pattern = os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")
    candidates += sorted(glob.glob(pattern))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "pass"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return candidate
    return None


@pytest.mark.skipif(not LINUX, reason="the Linux default is the one that changed")
def test_linux_default_start_method_for_this_version() -> None:
    expected = "forkserver" if sys.version_info >= (3, 14) else "fork"
    assert start_methods.default_start_method() == expected


def test_explicit_context_pool_runs_module_level_functions() -> None:
    with start_methods.make_cpu_pool(1) as pool:
        assert pool.submit(square, 6).result(timeout=30) == 36


@pytest.mark.skipif(not LINUX, reason="fork is POSIX only")
def test_fork_with_threads_is_silent_on_3_11_and_warns_from_3_12() -> None:
    caught = fork_warning.fork_with_a_thread_running()
    if sys.version_info >= (3, 12):
        assert len(caught) == 1
        assert caught[0].startswith("DeprecationWarning: This process (pid=")
        assert "is multi-threaded, use of fork() may lead to deadlocks" in caught[0]
    else:
        assert caught == []


@pytest.mark.skipif(not LINUX, reason="fork is POSIX only")
def test_fork_with_threads_warns_on_3_12() -> None:
    python = _python("3.12")
    if python is None:
        pytest.skip("no Python 3.12 on this machine")
    out = subprocess.run(
        [python, str(SCRIPT), "--print"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("DeprecationWarning: This process ")
    assert "is multi-threaded, use of fork() may lead to deadlocks" in out
