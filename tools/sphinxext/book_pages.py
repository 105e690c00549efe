"""Pages assembled at build time, so that they cannot drift from the chapters.

- ``glossary``: the glossary page includes every fragment in
  ``book/glossary/*.md`` (one per chapter, owned by that chapter's author).
- Chapters: a reading-time line is inserted under the title, computed from
  the chapter's words and listings (never typed by hand).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WORDS_PER_MINUTE = 200  # technical prose read with care
MINUTES_PER_LISTING = 0.5  # reading a short listing and its output

_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{(\w[\w-]*)\}", re.MULTILINE)
_TITLE = re.compile(r"^# .+$", re.MULTILINE)
_MARKUP = re.compile(r"\{[\w-]+\}`[^`]*`|`[^`]*`|\[[^\]]*\]\([^)]*\)")


def reading_minutes(text: str) -> int:
    """Minutes to read a chapter: its prose words plus its listings."""
    prose_lines: list[str] = []
    in_block = False
    for line in text.splitlines():
        if re.match(r"^(`{3,}|:{3,})", line):
            # A directive's options and body are not prose, except admonitions,
            # whose body is.
            opening = _DIRECTIVE.match(line)
            if opening and opening.group(2) in {"literalinclude", "graphviz", "figure"}:
                in_block = True
            elif not opening:
                in_block = False
            continue
        if in_block or line.startswith(":") or line.startswith("("):
            continue
        prose_lines.append(line)
    words = len(_MARKUP.sub(" x ", "\n".join(prose_lines)).split())
    listings = sum(
        1 for m in _DIRECTIVE.finditer(text) if m.group(2) == "literalinclude"
    )
    return max(1, math.ceil(words / WORDS_PER_MINUTE + listings * MINUTES_PER_LISTING))


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    text = source[0]
    if docname == "glossary":
        fragments = sorted((Path(app.srcdir) / "glossary").glob("*.md"))
        includes = "".join(
            f"\n```{{include}} glossary/{f.name}\n```\n" for f in fragments
        )
        source[0] = text.replace("<!-- glossary fragments -->", includes)
        return
    if docname in app.config.book_chapters:
        minutes = reading_minutes(text)
        title = _TITLE.search(text)
        if title:
            line = f"\n\n**Reading time:** about {minutes} minutes.\n"
            source[0] = text[: title.end()] + line + text[title.end() :]


def _check_chapter_labels(app: Sphinx, env: Any) -> None:
    """Every chapter exists and carries its fixed label (readers cite it)."""
    labels = env.domains.standard_domain.labels
    for docname, label in app.config.book_chapters.items():
        if docname not in env.found_docs:
            logger.warning(
                "chapter %s (label %s) has no page book/%s.md",
                docname,
                label,
                docname,
                type="book",
                subtype="chapter",
            )
            continue
        target = labels.get(label)
        if target is None or target[0] != docname:
            logger.warning(
                "chapter label %r is missing: the first line of book/%s.md must be "
                "(%s)= followed by the chapter title",
                label,
                docname,
                label,
                location=(docname, 1),
                type="book",
                subtype="chapter",
            )


def _glossary_outdated(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    # The glossary page is assembled from the fragments: reread it every build
    # (cheap), so that a new fragment is picked up by an incremental build.
    return ["glossary"] if "glossary" in env.found_docs else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_chapters", {}, "env")
    app.connect("source-read", _source_read)
    app.connect("env-check-consistency", _check_chapter_labels)
    app.connect("env-get-outdated", _glossary_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
