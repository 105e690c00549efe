"""The listing guard's own tests: broken pages fail with the file, line and fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.listing_guard import check_book

GOOD_SNIPPET = textwrap.dedent(
    """\
    # [start greet]
    def greet(name: str) -> str:
        return f"hello {name}"
    # [end greet]


    class Reader:
        def read(self) -> str:
            return "x"


    if __name__ == "__main__":
        assert greet("a") == "hello a"
    """
)

FENCE = "```"


def include(path: str = "../snippets/ch_demo/greet.py", **options: str) -> str:
    opts = {
        "start-after": '"# [start greet]"',
        "end-before": '"# [end greet]"',
        "caption": f'"`{path.removeprefix("../")}`"',
        "name": "lst-demo-greet",
        **options,
    }
    lines = "".join(f":{k}: {v}\n" for k, v in opts.items() if v is not None)
    return f"{FENCE}{{literalinclude}} {path}\n{lines}{FENCE}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "book").mkdir()
    (tmp_path / "snippets" / "ch_demo").mkdir(parents=True)
    (tmp_path / "snippets" / "ch_demo" / "greet.py").write_text(GOOD_SNIPPET)
    (tmp_path / "pyproject.toml").write_text('[tool.book]\nsupport = ["**/_*.py"]\n')
    return tmp_path


def write_page(root: Path, body: str) -> Path:
    page = root / "book" / "page.md"
    page.write_text("# A page\n\nSome prose.\n\n" + body)
    return page


def messages(root: Path) -> list[str]:
    return [str(p) for p in check_book(root).problems]


def test_a_correct_page_passes(book: Path) -> None:
    write_page(book, include())
    assert messages(book) == []


def test_inline_fence_is_caught_with_file_and_line(book: Path) -> None:
    write_page(book, include() + f"\n{FENCE}python\nprint('typed')\n{FENCE}\n")
    (problem,) = messages(book)
    assert "page.md:12:" in problem
    assert "inline code block (python)" in problem
    assert "snippets/" in problem


def test_code_block_hidden_in_an_admonition_is_caught(book: Path) -> None:
    note = f":::{{note}}\nLook:\n\n{FENCE}python\nx = 1\n{FENCE}\n:::\n"
    write_page(book, include() + "\n" + note)
    (problem,) = messages(book)
    assert "inline code block (python)" in problem
    assert "page.md:15:" in problem


def test_indented_code_block_is_caught(book: Path) -> None:
    write_page(book, include() + "\nText.\n\n    x = 1\n    y = 2\n")
    (problem,) = messages(book)
    assert "indented code block" in problem


@pytest.mark.parametrize("directive", ["code-block", "eval-rst", "doctest"])
def test_typed_code_directives_are_caught(book: Path, directive: str) -> None:
    write_page(book, include() + f"\n{FENCE}{{{directive}}} python\nx = 1\n{FENCE}\n")
    (problem,) = messages(book)
    assert f"{{{directive}}} shows code typed into the page" in problem


def test_missing_region_marker_is_caught(book: Path) -> None:
    write_page(
        book,
        include(**{"start-after": '"# [start nope]"', "end-before": '"# [end nope]"'}),
    )
    (problem,) = messages(book)
    assert "'# [start nope]' is missing in greet.py" in problem
    assert "page.md:5:" in problem


def test_duplicated_marker_is_caught(book: Path) -> None:
    snippet = book / "snippets" / "ch_demo" / "greet.py"
    snippet.write_text(GOOD_SNIPPET + "# [start greet]\n")
    write_page(book, include())
    found = messages(book)
    assert any("present 2 times" in m for m in found)
    assert any(
        "greet.py:14: marker [start greet] appears more than once" in m for m in found
    )


def test_marker_leaking_into_another_region_is_caught(book: Path) -> None:
    snippet = book / "snippets" / "ch_demo" / "greet.py"
    snippet.write_text(
        GOOD_SNIPPET.replace("    return f", "    # [start inner]\n    return f", 1)
        + "# [end inner]\n"
    )
    write_page(book, include())
    found = messages(book)
    assert any("contains the marker '[start inner]'" in m for m in found)
    assert any("region 'inner' starts inside region 'greet'" in m for m in found)


def test_lines_option_is_forbidden(book: Path) -> None:
    write_page(
        book, include(**{"start-after": None, "end-before": None, "lines": "1-3"})
    )
    found = messages(book)
    assert any(":lines: selects by line number" in m for m in found)


def test_unused_snippet_is_reported_and_support_files_are_not(book: Path) -> None:
    (book / "snippets" / "ch_demo" / "orphan.py").write_text("x = 1\n")
    (book / "snippets" / "ch_demo" / "_helper.py").write_text("x = 1\n")
    write_page(book, include())
    (problem,) = messages(book)
    assert "orphan.py:1: no page includes this snippet" in problem


def test_include_from_outside_snippets_is_caught(book: Path) -> None:
    (book / "elsewhere.py").write_text("x = 1\n")
    write_page(book, include(path="../elsewhere.py"))
    found = messages(book)
    assert any("listings must come from a file under snippets/" in m for m in found)


def test_missing_caption_and_name_are_caught(book: Path) -> None:
    write_page(book, include(caption=None, name=None))
    found = messages(book)
    assert any(":caption: must show the snippet's path" in m for m in found)
    assert any("listing without :name:" in m for m in found)


def test_pyobject_must_exist(book: Path) -> None:
    region = {"start-after": None, "end-before": None}
    write_page(book, include(pyobject="Reader.read", **region))
    assert messages(book) == []
    write_page(book, include(pyobject="Reader.write", **region))
    (problem,) = messages(book)
    assert ":pyobject: Reader.write not found in greet.py" in problem
