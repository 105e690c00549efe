"""ParamSpec and Concatenate, checked with the real mypy."""

import inspect
from pathlib import Path

from ch_decorators import typed
from mypy import api

ROOT = Path(__file__).resolve().parents[2]


def run_mypy(source: str, tmp_path: Path) -> str:
    program = tmp_path / "caller.py"
    program.write_text(source)
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
    return stdout + stderr


def test_paramspec_keeps_parameters_for_the_type_checker(tmp_path: Path) -> None:
    output = run_mypy(
        "from ch_decorators.typed import quote\nreveal_type(quote)\nquote(3)\n",
        tmp_path,
    )
    assert 'Revealed type is "def (sku: str, quantity: int =) -> float"' in output
    assert 'Argument 1 to "quote" has incompatible type "int"; expected "str"' in output


def test_concatenate_removes_the_injected_parameter(tmp_path: Path) -> None:
    output = run_mypy(
        "from ch_decorators.typed import summarize\n"
        "reveal_type(summarize)\n"
        'summarize("a text", max_words=3)\n',
        tmp_path,
    )
    assert 'def (text: str, *, max_words: int =) -> str"' in output
    assert "Success: no issues found in 1 source file" in output


def test_callers_cannot_pass_the_injected_parameter(tmp_path: Path) -> None:
    output = run_mypy(
        'from ch_decorators.typed import summarize\nsummarize(None, "a text")\n',
        tmp_path,
    )
    assert 'Too many positional arguments for "summarize"' in output


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
