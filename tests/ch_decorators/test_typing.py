"""ParamSpec and Concatenate, checked with the real mypy."""

import inspect
from pathlib import Path

import pytest
from mypy import api

from ch_decorators import typed

ROOT = Path(__file__).resolve().parents[2]


CALLER = """\
from ch_decorators.typed import quote, summarize
reveal_type(quote)
reveal_type(summarize)
quote(3)
summarize(None, "a text")
summarize("a text", max_words=3)
"""


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """Run the real mypy once on CALLER; map each line number to its messages."""
    tmp_path = tmp_path_factory.mktemp("mypy")
    program = tmp_path / "caller.py"
    program.write_text(CALLER)
    stdout, stderr, _ = api.run(
        [
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(program),
        ]
    )
    assert stderr == ""
    report: dict[int, str] = {}
    for line in stdout.splitlines():
        if line.startswith(str(program)):
            number = int(line.split(":")[1])
            report[number] = report.get(number, "") + line
    return report


def test_paramspec_keeps_parameters_for_the_type_checker(
    mypy_report: dict[int, str],
) -> None:
    assert (
        'Revealed type is "def (sku: str, quantity: int =) -> float"'
        in (mypy_report[2])
    )
    assert (
        'Argument 1 to "quote" has incompatible type "int"; expected "str"'
        in (mypy_report[4])
    )


def test_concatenate_removes_the_injected_parameter(
    mypy_report: dict[int, str],
) -> None:
    assert 'def (text: str, *, max_words: int =) -> str"' in mypy_report[3]
    assert 6 not in mypy_report  # the correct call type-checks


def test_callers_cannot_pass_the_injected_parameter(
    mypy_report: dict[int, str],
) -> None:
    assert 'Too many positional arguments for "summarize"' in mypy_report[5]


def test_wraps_reports_the_injected_parameter_at_run_time() -> None:
    assert list(inspect.signature(typed.summarize).parameters) == [
        "context",
        "text",
        "max_words",
    ]
    assert typed.summarize("one two three", max_words=2) == "one two"


def test_signature_fix_hides_the_injected_parameter() -> None:
    signature = inspect.signature(typed.translate)
    assert list(signature.parameters) == ["text", "target"]
    assert typed.translate("hi", target="fr").startswith("[fr:")
