"""Bad input stops the run with a message that names the file, the line and the fix.

The listing guard's messages are tested in test_listing_guard.py and the
build's in test_sphinx_guards.py; these cover the listing runner (Sybil) and
the system-package installer.
"""

from __future__ import annotations

import os
import subprocess
import traceback
from pathlib import Path

import pytest
from sybil import Document, Example
from sybil.parsers.rest import DocTestParser

from conftest import SnippetFailed, console_session, whole_python_file

ROOT = Path(__file__).resolve().parents[2]


def test_failing_snippet_points_at_its_own_file_and_line(tmp_path: Path) -> None:
    snippet = tmp_path / "broken.py"
    snippet.write_text(
        'x = 1\nif __name__ == "__main__":\n    assert x == 2, "x is not 2"\n'
    )
    (example,) = Document.parse(str(snippet), whole_python_file).examples()
    with pytest.raises(AssertionError, match="x is not 2") as info:
        example.evaluate()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == (str(snippet), 3)


def _run_by(tmp_path: Path, test_text: str | None) -> Example:
    snippet = tmp_path / "experiment.py"
    test_file = tmp_path / "test_experiment.py"
    snippet.write_text(
        f"# book: run by {test_file}\n"
        "def main(argv):\n    raise SystemExit('the experiment ran')\n"
        "main([])\n"
    )
    if test_text is not None:
        test_file.write_text(test_text)
    (example,) = Document.parse(str(snippet), whole_python_file).examples()
    return example


def test_run_by_hands_the_run_to_the_named_test(tmp_path: Path) -> None:
    example = _run_by(
        tmp_path,
        "from experiment import main\n"
        "def test_small(monkeypatch):\n"
        "    monkeypatch.setenv('BOOK_SNIPPET_TEST', '1')\n    main([])\n",
    )
    example.evaluate()  # compiled and checked, not run: no SystemExit


def test_run_by_a_missing_test_says_so(tmp_path: Path) -> None:
    example = _run_by(tmp_path, None)
    with pytest.raises(SnippetFailed) as info:
        example.evaluate()
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'experiment.py'}: `# book: run by ")
    assert "that file does not exist" in message
    assert "Fix: name the test that runs this listing's small version" in message


def test_run_by_a_test_that_does_not_run_main_says_so(tmp_path: Path) -> None:
    example = _run_by(tmp_path, "def test_nothing():\n    assert True\n")
    with pytest.raises(SnippetFailed, match="does not import main from experiment"):
        example.evaluate()


def test_run_by_still_compiles_the_listing(tmp_path: Path) -> None:
    example = _run_by(tmp_path, None)
    Path(example.path).write_text("# book: run by x\ndef broken(:\n")
    (example,) = Document.parse(example.path, whole_python_file).examples()
    with pytest.raises(SyntaxError) as info:
        example.evaluate()
    assert (info.value.filename, info.value.lineno) == (example.path, 2)


def test_console_session_whose_output_drifted_says_what_changed(tmp_path: Path) -> None:
    session = tmp_path / "drift.console"
    session.write_text("$ echo hello\nhello\n$ echo world\nplanet\n")
    first, second = Document.parse(str(session), console_session).examples()
    first.evaluate()
    with pytest.raises(SnippetFailed) as info:
        second.evaluate()
    message = str(info.value)
    assert f"{session}, line 3" in message
    assert "`$ echo world` printed\nworld" in message
    assert "but the listing shows\nplanet" in message
    assert "Fix: update the listing to the real output" in message


def test_pycon_session_whose_output_drifted_shows_expected_and_got(
    tmp_path: Path,
) -> None:
    session = tmp_path / "drift.pycon"
    session.write_text(">>> 1 + 1\n3\n")
    (example,) = Document.parse(str(session), DocTestParser()).examples()
    with pytest.raises(Exception) as info:  # noqa: PT011 - Sybil's own failure type
        example.evaluate()
    message = str(info.value)
    assert "Expected:\n    3\nGot:\n    2" in message
    assert example.line == 1
    assert example.path == str(session)


def test_missing_system_package_names_the_install_command(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("awk", "id", "sort", "printf"):
        target = subprocess.run(
            ["bash", "-c", f"command -v {tool}"], capture_output=True, text=True,
            check=False,
        ).stdout.strip()  # fmt: skip
        if target.startswith("/"):
            (bin_dir / tool).symlink_to(target)
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "tools" / "ensure-system-packages"), "test"],
        env={"PATH": str(bin_dir), "BOOK_NO_INSTALL": "1"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    # redis-server lives in /usr/bin, which this PATH hides.
    assert "Missing system packages: redis-server" in result.stderr
    assert "apt-get install -y --no-install-recommends redis-server" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to see the install path")
def test_installer_is_quiet_when_nothing_is_missing() -> None:
    result = subprocess.run(
        [str(ROOT / "tools" / "ensure-system-packages"), "test"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "")
