"""What readers use the book for: citing it, onboarding with it.

One source of truth, ``[tool.book.citation]`` in ``pyproject.toml`` (title,
authors, canonical URL, year) plus the version and the build date, feeds:

- the "Cite this chapter" block at the end of every chapter;
- the ``citation_*`` meta tags of every chapter page (HTML);
- the ``{book-citations}`` directive on the "How to cite" page: BibTeX and a
  plain-text reference for the whole book and for each chapter.

It also assembles the checklists page from the chapters' own "Checklist"
sections, and adds a "Copy as Markdown" button to each chapter's checklist.
"""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
_CHECKLIST = re.compile(r"^## Checklist\s*$", re.MULTILINE)
_NEXT_H2 = re.compile(r"^## ", re.MULTILINE)
_TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`")


def citation_meta() -> dict[str, Any]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    meta: dict[str, Any] = data["tool"]["book"]["citation"]
    return meta


def _chapter_title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def _chapter_number(app: Sphinx, docname: str) -> int | None:
    number = app.env.toc_secnumbers.get(docname, {}).get("")
    return number[0] if number else None


def _page_url(app: Sphinx, docname: str) -> str:
    base: str = app.config.book_citation["url"].rstrip("/") + "/"
    return f"{base}{docname}.html" if docname else base


def reference_text(app: Sphinx, docname: str | None) -> str:
    meta = app.config.book_citation
    authors = "; ".join(meta["authors"])
    year, release = app.config.today[:4], app.config.release
    if docname is None:
        return f"{authors} ({year}). {meta['title']}, version {release}. {meta['url']}"
    number = _chapter_number(app, docname)
    title = _chapter_title(app, docname)
    label = app.config.book_chapters[docname]
    return (
        f"{authors} ({year}). Chapter {number}, \u201c{title}\u201d "
        f"[{label}]. In {meta['title']}, version {release}. {_page_url(app, docname)}"
    )


def _bibtex_escape(text: str) -> str:
    return text.replace("&", r"\&").replace("%", r"\%").replace("_", r"\_")


def reference_bibtex(app: Sphinx, docname: str | None) -> str:
    meta = app.config.book_citation
    authors = " and ".join("{" + a + "}" for a in meta["authors"])
    year, release = app.config.today[:4], app.config.release
    if docname is None:
        fields = {
            "title": meta["title"],
            "author": authors,
            "year": year,
            "version": release,
            "url": meta["url"],
            "note": f"Version {release}",
        }
        key, kind = meta["key"], "book"
    else:
        label = app.config.book_chapters[docname]
        fields = {
            "title": _chapter_title(app, docname),
            "booktitle": meta["title"],
            "chapter": str(_chapter_number(app, docname)),
            "author": authors,
            "year": year,
            "url": _page_url(app, docname),
            "note": f"Version {release}, label {label}",
        }
        key, kind = f"{meta['key']}-{label}", "incollection"
    body = ",\n".join(
        f"  {name} = {{{value if name == 'author' else _bibtex_escape(value)}}}"
        for name, value in fields.items()
    )
    return f"@{kind}{{{key},\n{body}\n}}"


def _cite_nodes(app: Sphinx, docname: str | None, title: str) -> nodes.Element:
    block = nodes.admonition(classes=["book-cite"])
    block += nodes.title(title, title)
    block += nodes.paragraph("", reference_text(app, docname))
    bibtex = reference_bibtex(app, docname)
    literal = nodes.literal_block(bibtex, bibtex, language="bibtex")
    literal["book_generated"] = True
    block += literal
    return block


class BookCitations(SphinxDirective):
    """``{book-citations}``: the references for the book and every chapter."""

    def run(self) -> list[nodes.Node]:
        placeholder = nodes.container(classes=["book-citations"])
        placeholder["book_citations"] = True
        return [placeholder]


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(nodes.container)):
        if placeholder.get("book_citations"):
            content: list[nodes.Node] = [_cite_nodes(app, None, "The whole book")]
            for chapter in app.config.book_chapters:
                number = _chapter_number(app, chapter)
                title = f"Chapter {number}: {_chapter_title(app, chapter)}"
                content.append(_cite_nodes(app, chapter, title))
            placeholder.replace_self(content)
    if docname in app.config.book_chapters:
        sections = [s for s in doctree.children if isinstance(s, nodes.section)]
        if sections:
            sections[0] += _cite_nodes(app, docname, "Cite this chapter")


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename not in app.config.book_chapters:
        return
    meta = app.config.book_citation
    tags = [
        ("citation_title", _chapter_title(app, pagename)),
        ("citation_inbook_title", meta["title"]),
        *(("citation_author", author) for author in meta["authors"]),
        ("citation_publication_date", app.config.today.replace("-", "/")),
        ("citation_online_date", app.config.today.replace("-", "/")),
        ("citation_publisher", meta["publisher"]),
        ("citation_public_url", _page_url(app, pagename)),
        ("citation_language", "en"),
    ]
    number = _chapter_number(app, pagename)
    if number is not None:
        tags.append(("citation_chapter", str(number)))
    rendered = "".join(
        f'<meta name="{name}" content="{html.escape(value, quote=True)}" />\n'
        for name, value in tags
    )
    context["metatags"] = context.get("metatags", "") + rendered


# -- checklists -------------------------------------------------------------------


def checklist_markdown(text: str) -> str | None:
    """The raw Markdown of a chapter's "## Checklist" section, if it has one."""
    start = _CHECKLIST.search(text)
    if start is None:
        return None
    rest = text[start.end() :]
    end = _NEXT_H2.search(rest)
    return (rest[: end.start()] if end else rest).strip()


def plain_markdown(section: str) -> str:
    """Checklist Markdown without MyST roles, for pasting into an issue or a PR."""
    return _ROLE.sub(lambda m: m.group(1).strip(), section)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    chapters: dict[str, str] = app.config.book_chapters
    if docname == "cite":
        # The references are generated nodes (see BookCitations).
        directive = "```{book-citations}\n```\n"
        source[0] = source[0].replace("<!-- citations -->", directive)
        return
    if docname == "checklists":
        parts = []
        for chapter, label in chapters.items():
            path = Path(app.srcdir) / f"{chapter}.md"
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            section = checklist_markdown(text)
            title = _TITLE.search(text)
            if section and title:
                heading = plain_markdown(title.group(1).strip())
                parts.append(
                    f"(checklist-{label})=\n## {heading}\n\n"
                    f"From {{ref}}`{label}`.\n\n{section}\n"
                )
        source[0] = source[0].replace("<!-- checklists -->", "\n".join(parts))
        return
    if docname not in chapters:
        return
    text = source[0]
    section = checklist_markdown(text)
    if section is None:
        return
    title_match = _TITLE.search(text)
    title = title_match.group(1).strip() if title_match else docname
    copied = f"## Checklist: {plain_markdown(title)}\n\n{plain_markdown(section)}\n"
    # One line of HTML: a blank line would end MyST's HTML block early.
    attribute = html.escape(copied, quote=True).replace("\n", "&#10;")
    button = (
        "\n\n:::{only} html\n"
        f'<div class="book-copy-checklist" data-markdown="{attribute}">'
        '<button type="button" class="book-copy-checklist-button">'
        "Copy this checklist as Markdown</button></div>\n:::\n\n"
    )
    start = _CHECKLIST.search(text)
    assert start is not None
    after = start.end() + len(text[start.end() :].rstrip()) + 1
    nxt = _NEXT_H2.search(text, start.end())
    insert_at = nxt.start() if nxt else after
    source[0] = text[:insert_at].rstrip() + button + text[insert_at:]


def _outdated(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    # The checklists page is assembled from the chapters and the citations
    # page from the version and date: reread both on every build (cheap), so
    # that no edition keeps a stale copy.
    return [doc for doc in ("checklists", "cite") if doc in env.found_docs]


def _builder_inited(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.config.redirects = {}


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_citation", {}, "env")
    app.add_directive("book-citations", BookCitations)
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _page_context)
    app.connect("builder-inited", _builder_inited)
    app.add_js_file("book.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
