"""Check that every code block in the book comes from snippets/, correctly.

The pages are parsed with myst-parser's own Markdown parser (markdown-it with
MyST's plugins), not with regular expressions, and the bodies of container
directives (admonitions, dropdowns, tabs) are parsed again, so a code block
hidden inside a ``{note}`` is found too.

Run it as ``python tools/listing_guard.py`` or through the test suite
(``tests/book/test_listings.py``). Every problem names the file, the line and
the fix.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parents[1]

# Directives whose body is Markdown that may itself hold code blocks.
CONTAINERS = {
    "note", "tip", "warning", "important", "caution", "attention", "danger",
    "error", "hint", "seealso", "admonition", "dropdown", "topic", "sidebar",
    "tab-set", "tab-item", "card", "grid", "grid-item", "grid-item-card",
    "margin", "epigraph", "only", "div", "glossary", "figure", "table",
    "list-table",
}  # fmt: skip
# Directives that show code typed into the page: never allowed.
TYPED_CODE = {
    "code-block", "code", "sourcecode", "code-cell", "doctest", "testcode",
    "testoutput", "eval-rst", "eval-md", "raw", "parsed-literal", "highlight",
    "ipython", "jupyter-execute",
}  # fmt: skip
# Directives that are neither code nor containers.
OTHER_ALLOWED = {
    "literalinclude", "toctree", "graphviz", "math", "include", "image",
    "index", "rubric", "contents", "csv-table", "glossary", "book-citations",
}  # fmt: skip

MARKER = re.compile(r"\[(start|end) ([\w.-]+)\]")
DIRECTIVE_INFO = re.compile(r"^\{([\w-]+)\}\s*(.*)$")
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")


@dataclass
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


@dataclass
class Include:
    page: Path
    line: int
    target: Path
    options: dict[str, str]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))


def _parser():  # type: ignore[no-untyped-def]
    config = MdParserConfig(
        enable_extensions={"colon_fence", "deflist", "tasklist", "substitution",
                           "attrs_inline"}
    )  # fmt: skip
    return create_md_parser(config, DocutilsRenderer)


def _strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_options(body: str) -> tuple[dict[str, str], str, int]:
    """Leading ``:key: value`` lines of a directive body, and the rest."""
    options: dict[str, str] = {}
    lines = body.splitlines()
    consumed = 0
    for line in lines:
        match = OPTION.match(line.strip())
        if not match:
            break
        options[match.group(1)] = match.group(2)
        consumed += 1
    rest = "\n".join(lines[consumed:])
    return options, rest, consumed


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = _parser().parse(text)
    return tokens


def scan_page(
    page: Path, text: str, report: Report, snippets: Path, offset: int = 0
) -> None:
    """Find every code block in one page (or a directive body within it)."""
    for token in _tokens(text):
        line = offset + (token.map[0] + 1 if token.map else 1)
        if token.type == "code_block":
            report.add(
                page,
                line,
                "indented code block: listings must be a "
                "literalinclude of a file under snippets/ (see CONTRIBUTING.md)",
            )
            continue
        if token.type not in {"fence", "colon_fence"}:
            continue
        info = token.info.strip()
        match = DIRECTIVE_INFO.match(info)
        if not match:
            shown = info or "no language"
            report.add(
                page,
                line,
                f"inline code block ({shown}): move the code to a "
                "file under snippets/ and literalinclude it (see CONTRIBUTING.md)",
            )
            continue
        name, argument = match.group(1), match.group(2).strip()
        options, body, consumed = _split_options(token.content)
        if name in TYPED_CODE:
            report.add(
                page,
                line,
                f"{{{name}}} shows code typed into the page: use "
                "{literalinclude} of a file under snippets/ instead",
            )
        elif name == "literalinclude":
            check_include(page, line, argument, options, report, snippets)
        elif name in CONTAINERS:
            # The body starts after the opening line and the option lines.
            scan_page(page, body, report, snippets, offset=line + consumed)
        elif name not in OTHER_ALLOWED:
            report.add(
                page,
                line,
                f"unknown directive {{{name}}}: add it to the "
                "guard's lists in tools/listing_guard.py if it holds no code",
            )


def check_include(
    page: Path,
    line: int,
    argument: str,
    options: dict[str, str],
    report: Report,
    snippets: Path,
) -> None:
    target = (page.parent / argument).resolve()
    if not target.is_relative_to(snippets.resolve()):
        report.add(
            page,
            line,
            f"literalinclude of {argument}: listings must come "
            "from a file under snippets/",
        )
        return
    report.includes.append(Include(page, line, target, options))
    if not target.is_file():
        report.add(page, line, f"literalinclude of {argument}: no such file")
        return
    if "lines" in options:
        report.add(
            page,
            line,
            ":lines: selects by line number and drifts silently: "
            'use a named region (:start-after: "# [start NAME]") or :pyobject:',
        )
    rel = target.relative_to(snippets.resolve().parent)
    caption = options.get("caption", "")
    if str(rel) not in caption:
        report.add(page, line, f":caption: must show the snippet's path `{rel}`")
    if not options.get("name"):
        report.add(
            page,
            line,
            "listing without :name: (needed to cite it as "
            "'Listing N.M'): add :name: lst-<chapter>-<what>",
        )
    start, end = options.get("start-after"), options.get("end-before")
    text = target.read_text(encoding="utf-8")
    if start is not None or end is not None:
        check_region(page, line, target, text, start, end, report)
    elif "pyobject" in options:
        check_pyobject(page, line, target, text, options["pyobject"], report)
    elif target.suffix == ".py":
        report.add(
            page,
            line,
            f"{rel} is included whole: select a named region or "
            ":pyobject: (the end of a .py snippet holds hidden checks)",
        )


def check_region(
    page: Path,
    line: int,
    target: Path,
    text: str,
    start: str | None,
    end: str | None,
    report: Report,
) -> None:
    if start is None or end is None:
        report.add(page, line, "a region needs both :start-after: and :end-before:")
        return
    start, end = _strip_quotes(start), _strip_quotes(end)
    start_m, end_m = MARKER.search(start), MARKER.search(end)
    if not (
        start_m
        and end_m
        and start_m.group(1) == "start"
        and end_m.group(1) == "end"
        and start_m.group(2) == end_m.group(2)
    ):
        report.add(
            page,
            line,
            f"region markers {start!r} / {end!r} must be a matching "
            'pair like "# [start NAME]" / "# [end NAME]" (quoted)',
        )
        return
    name = start_m.group(2)
    for marker in (start, end):
        count = text.count(marker)
        if count != 1:
            what = "missing" if count == 0 else f"present {count} times"
            report.add(
                page,
                line,
                f"region marker {marker!r} is {what} in "
                f"{target.name}: each marker must appear exactly once",
            )
            return
    inside = text[text.index(start) + len(start) : text.index(end)]
    if text.index(end) < text.index(start):
        report.add(
            page, line, f"region {name!r} in {target.name} ends before it starts"
        )
        return
    leaked = MARKER.search(inside)
    if leaked:
        report.add(
            page,
            line,
            f"region {name!r} in {target.name} contains the marker "
            f"{leaked.group(0)!r}: regions must not nest or overlap",
        )


def check_pyobject(
    page: Path, line: int, target: Path, text: str, dotted: str, report: Report
) -> None:
    tree = ast.parse(text)
    scope: list[ast.stmt] = tree.body
    for part in dotted.split("."):
        found = next(
            (
                n
                for n in scope
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and n.name == part
            ),
            None,
        )
        if found is None:
            report.add(page, line, f":pyobject: {dotted} not found in {target.name}")
            return
        scope = found.body


def check_snippet_markers(path: Path, report: Report) -> None:
    """Markers in a snippet file are balanced, unique and not nested."""
    open_name: tuple[str, int] | None = None
    seen: set[tuple[str, str]] = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for match in MARKER.finditer(text):
            kind, name = match.groups()
            if (kind, name) in seen:
                report.add(
                    path, number, f"marker [{kind} {name}] appears more than once"
                )
            seen.add((kind, name))
            if kind == "start":
                if open_name:
                    report.add(
                        path,
                        number,
                        f"region {name!r} starts inside region "
                        f"{open_name[0]!r} (opened on line {open_name[1]})",
                    )
                open_name = (name, number)
            else:
                if not open_name or open_name[0] != name:
                    report.add(
                        path,
                        number,
                        f"[end {name}] without a matching [start {name}] before it",
                    )
                open_name = None
    if open_name:
        report.add(path, open_name[1], f"region {open_name[0]!r} is never closed")


def support_patterns(root: Path) -> list[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = data["tool"]["book"]["support"]
    return patterns


def snippet_files(snippets: Path) -> Iterator[Path]:
    for path in sorted(snippets.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path


def check_book(root: Path = ROOT) -> Report:
    book, snippets = root / "book", root / "snippets"
    report = Report()
    for page in sorted(book.rglob("*.md")):
        if "_build" in page.parts or "_generated" in page.parts:
            continue
        scan_page(page, page.read_text(encoding="utf-8"), report, snippets)
    names: dict[str, Include] = {}
    for inc in report.includes:
        name = inc.options.get("name")
        if name and name in names:
            first = names[name]
            report.add(
                inc.page,
                inc.line,
                f"listing name {name!r} is already used at "
                f"{first.page.relative_to(root)}:{first.line}",
            )
        elif name:
            names[name] = inc
    used = {inc.target for inc in report.includes}
    patterns = support_patterns(root)
    for path in snippet_files(snippets):
        check_snippet_markers(path, report)
        rel = path.relative_to(snippets).as_posix()
        if path.resolve() in used:
            continue
        if any(
            fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in patterns
        ):
            continue
        report.add(
            path,
            1,
            "no page includes this snippet: include it in its chapter, "
            "or, if it is support code, name it _something.py (see "
            "[tool.book] support in pyproject.toml)",
        )
    return report


def main() -> int:
    report = check_book()
    for problem in report.problems:
        print(problem)
    print(f"{len(report.includes)} listings checked, {len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
