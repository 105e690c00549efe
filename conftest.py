"""Collect every listing under snippets/ as a test, with Sybil.

- ``*.py``: the whole file runs once as ``__main__`` (hidden checks live under
  ``if __name__ == "__main__":``). A ``# book: requires redis`` line makes the
  run start a real service first and export its address. A
  ``# book: run by tests/...py`` line hands the run to that test file instead
  (an experiment whose small version a behaviour test already runs): the
  listing then only has to compile, and the named test has to call its
  ``main()`` in the small version.
- ``*.pycon``: a doctest session; the output shown in the book must match.
- ``*.console``: ``$ command`` lines run in bash from the repository root; the
  lines that follow are the expected output.

See CONTRIBUTING.md for the conventions.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE, OutputChecker
from pathlib import Path

from sybil import Document, Example, Region, Sybil
from sybil.parsers.rest import DocTestParser
from sybil.region import Lexeme
from sybil.sybil import SybilCollection

from tests.support import services

ROOT = Path(__file__).resolve().parent
# The chapters (book/) hold no tests; `pytest .` must not wander into them.
collect_ignore = ["book", "_build"]
REQUIRES = re.compile(r"^#\s*book:\s*requires\s+(?P<names>[\w ,-]+)$", re.MULTILINE)
RUN_BY = re.compile(r"^#\s*book:\s*run by\s+(?P<path>\S+)$", re.MULTILINE)


class SnippetFailed(AssertionError):
    """A listing did not do what the book says it does."""


def _requirements(text: str) -> list[str]:
    names: list[str] = []
    for match in REQUIRES.finditer(text):
        names += [n for n in re.split(r"[ ,]+", match["names"].strip()) if n]
    return names


def _check_run_by(path: Path, test_path: str) -> None:
    """The named test must exist and run this listing's ``main()`` small."""
    __tracebackhide__ = True
    try:
        module = ".".join(path.relative_to(ROOT / "snippets").with_suffix("").parts)
    except ValueError:  # a listing outside snippets/ (the runner's own tests)
        module = path.stem
    test_file = ROOT / test_path
    if not test_file.is_file():
        problem = "that file does not exist"
    else:
        text = test_file.read_text()
        imports = re.search(
            rf"^from {re.escape(module)} import \(?[^)]*?\bmain\b", text, re.M | re.S
        )
        if imports and "main(" in text and "BOOK_SNIPPET_TEST" in text:
            return
        problem = (
            f"that file does not import main from {module}, call it and set "
            "BOOK_SNIPPET_TEST=1"
        )
    raise SnippetFailed(
        f"{path}: `# book: run by {test_path}`, but {problem}.\n"
        "Fix: name the test that runs this listing's small version, or remove "
        "the line so that the listing runs on its own."
    )


def _run_python_file(example: Example) -> None:
    __tracebackhide__ = True
    run_by = RUN_BY.search(example.document.text)
    if run_by:
        compile(example.parsed, example.path, "exec", dont_inherit=True)
        _check_run_by(Path(example.path), run_by["path"])
        return
    for name in _requirements(example.document.text):
        services.ensure(name)
    source = example.parsed
    code = compile(source, example.path, "exec", dont_inherit=True)
    namespace = example.namespace
    namespace["__name__"] = "__main__"
    namespace["__file__"] = example.path
    saved_argv = sys.argv
    sys.argv = [example.path]  # a script's CLI sees no pytest arguments
    os.environ["BOOK_SNIPPET_TEST"] = "1"  # scripts may run a small workload
    try:
        exec(code, namespace)
    finally:
        sys.argv = saved_argv


def whole_python_file(document: Document) -> Iterator[Region]:
    """One example per .py snippet: the entire file, line numbers kept."""
    text = document.text
    yield Region(0, len(text), Lexeme(text, 0, 0), _run_python_file)


_CHECKER = OutputChecker()
_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE


def _run_console_command(example: Example) -> None:
    __tracebackhide__ = True
    command, expected = example.parsed
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(services.environment())
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    got = result.stdout + result.stderr
    if not _CHECKER.check_output(expected, got, _FLAGS):
        raise SnippetFailed(
            f"{example.path}, line {example.line}: `$ {command}` printed\n"
            f"{got}\nbut the listing shows\n{expected}\n"
            "Fix: update the listing to the real output, or fix the command."
        )


def console_session(document: Document) -> Iterator[Region]:
    """Split a .console file into `$ command` + expected-output examples."""
    text = document.text
    starts = [m.start() for m in re.finditer(r"^\$ ", text, re.MULTILINE)]
    if not starts and text.strip():
        raise SnippetFailed(
            f"{document.path}: a .console file needs `$ ` command lines"
        )
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        block = text[start:end]
        first, _, rest = block.partition("\n")
        yield Region(start, end, (first[2:].strip(), rest), _run_console_command)


python_snippets = Sybil(
    parsers=[whole_python_file],
    patterns=["*.py"],
    excludes=["__init__.py"],
    path=str(ROOT / "snippets"),
    document_types={".py": Document},
    name="listing",
)
pycon_snippets = Sybil(
    parsers=[DocTestParser(optionflags=_FLAGS)],
    patterns=["*.pycon"],
    path=str(ROOT / "snippets"),
    name="session",
)
console_snippets = Sybil(
    parsers=[console_session],
    patterns=["*.console"],
    path=str(ROOT / "snippets"),
    name="console",
)

_collect = SybilCollection([python_snippets, pycon_snippets, console_snippets]).pytest()


def pytest_collect_file(file_path: Path, parent):  # type: ignore[no-untyped-def]
    # Only files under snippets/ are listings; tests/ are ordinary pytest files.
    try:
        file_path.relative_to(ROOT / "snippets")
    except ValueError:
        return None
    return _collect(file_path, parent)


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """Files with a ``slow`` test first, otherwise in collection order.

    pytest-xdist (``--dist loadfile``) hands out whole files in this order as
    workers free up; a long file handed out last runs alone at the end while
    the other workers idle. The sort is stable, so every worker agrees on it.
    """
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    services.stop_all()
