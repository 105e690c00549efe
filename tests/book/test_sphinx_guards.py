"""The build-side guards stop a Sphinx build with the file and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parents[2]
FENCE = "```"


def build(tmp_path: Path, index: str, chapters: str = "{}") -> tuple[int, str]:
    src = tmp_path / "book"
    src.mkdir()
    (src / "index.md").write_text(index)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "hello.py").write_text("# [start hi]\nx = 1\n# [end hi]\n")
    (tmp_path / "conf.py").write_text(
        textwrap.dedent(
            f"""\
            import sys
            sys.path.insert(0, {str(ROOT / "tools" / "sphinxext")!r})
            extensions = ["myst_parser", "snippet_guard", "book_pages"]
            myst_enable_extensions = ["colon_fence"]
            book_chapters = {chapters}
            """
        )
    )
    warnings = tmp_path / "warnings.txt"
    code = build_main(
        ["-b", "html", "-q", "-W", "--keep-going", "-c", str(tmp_path), str(src),
         str(tmp_path / "out"), "-w", str(warnings)]
    )  # fmt: skip
    return code, warnings.read_text()


def test_typed_code_block_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    code, warnings = build(
        tmp_path, f"# Title\n\nText.\n\n{FENCE}python\nx = 1\n{FENCE}\n"
    )
    assert code != 0
    assert "index.md:5" in warnings
    assert "is typed into the page" in warnings


def test_block_hidden_in_eval_rst_fails_the_build(tmp_path: Path) -> None:
    page = (
        f"# Title\n\n{FENCE}{{eval-rst}}\n.. code-block:: python\n\n   x = 1\n{FENCE}\n"
    )
    code, warnings = build(tmp_path, page)
    assert code != 0
    assert "is typed into the page" in warnings


def test_include_from_snippets_builds_cleanly(tmp_path: Path) -> None:
    page = (
        f"# Title\n\n{FENCE}{{literalinclude}} ../snippets/hello.py\n"
        f':start-after: "# [start hi]"\n:end-before: "# [end hi]"\n{FENCE}\n'
    )
    code, warnings = build(tmp_path, page)
    assert (code, warnings) == (0, "")


def test_include_outside_snippets_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "other.py").write_text("y = 2\n")
    page = f"# Title\n\n{FENCE}{{literalinclude}} ../other.py\n{FENCE}\n"
    code, warnings = build(tmp_path, page)
    assert code != 0
    assert "outside snippets/" in warnings


@pytest.mark.parametrize("first_line", ["", "(ch-wrong)=\n"])
def test_chapter_without_its_label_fails_the_build(
    tmp_path: Path, first_line: str
) -> None:
    code, warnings = build(
        tmp_path, f"{first_line}# Title\n\nText.\n", chapters="{'index': 'ch-demo'}"
    )
    assert code != 0
    assert "chapter label 'ch-demo' is missing" in warnings
    assert "index.md:1" in warnings


def test_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    code, warnings = build(tmp_path, "# Title\n\nSee {ref}`ch-nowhere`.\n")
    assert code != 0
    assert "index.md:3" in warnings
    assert "ch-nowhere" in warnings
