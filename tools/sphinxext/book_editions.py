"""Edition-specific settings: numbering across parts, PDF parts, EPUB images.

- Chapter numbers run on across the part toctrees (Sphinx restarts numbering
  in every numbered toctree; a book numbers chapters 1 to 14 through its
  parts, as LaTeX does in the PDF). Listing and figure numbers follow.
- In the PDF each part toctree is preceded by ``\\part{...}`` from its caption.
- The EPUB gets PNG diagrams and charts (SVG with an external DTD fails
  epubcheck), and no redirect pages.
- Charts are rendered from committed data before reading (``book/_generated``).
"""

from __future__ import annotations

import html
import importlib
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import logging

logger = logging.getLogger(__name__)

_PART_PREFIX = re.compile(r"^Part\s+[IVX]+\s*[:\u2014-]\s*")

# -- continuous chapter numbers --------------------------------------------------

_original_assign = TocTreeCollector.assign_section_numbers


def _shifted(number: tuple[int, ...] | list[int] | None, shift: int) -> Any:
    if not number:
        return number
    out = list(number)
    out[0] += shift
    return tuple(out) if isinstance(number, tuple) else out


def _apply(env: BuildEnvironment, shifts: dict[str, int], sign: int) -> None:
    for docname, shift in shifts.items():
        secnums = env.toc_secnumbers.get(docname)
        if secnums:
            env.toc_secnumbers[docname] = {
                k: _shifted(v, sign * shift) for k, v in secnums.items()
            }
        if sign > 0 and docname in env.tocs:
            for ref in env.tocs[docname].findall(nodes.reference):
                if ref.get("secnumber"):
                    ref["secnumber"] = _shifted(ref["secnumber"], shift)
            title = env.titles.get(docname)
            if title is not None and title.get("secnumber"):
                title["secnumber"] = _shifted(title["secnumber"], shift)


def _compute_shifts(env: BuildEnvironment) -> dict[str, int]:
    shifts: dict[str, int] = {}
    root = env.config.root_doc
    if root not in env.numbered_toctrees:
        return shifts
    offset = 0
    for toctree in env.get_doctree(root).findall(addnodes.toctree):
        if not toctree.get("numbered"):
            continue
        count = 0
        for _title, ref in toctree["entries"]:
            if ref in env.tocs:
                count += 1
                if offset:
                    for doc in [ref, *_descendants(env, ref)]:
                        shifts[doc] = offset
        offset += count
    return shifts


def _descendants(env: BuildEnvironment, docname: str) -> list[str]:
    found: list[str] = []
    for child in env.toctree_includes.get(docname, []):
        found += [child, *_descendants(env, child)]
    return found


def _assign_section_numbers(self: TocTreeCollector, env: BuildEnvironment) -> list[str]:
    previous: dict[str, int] = getattr(env, "book_secnum_shifts", {})
    _apply(env, previous, -1)  # compare like with like in Sphinx's change check
    rewrite: list[str] = _original_assign(self, env)
    shifts = _compute_shifts(env)
    _apply(env, shifts, +1)
    env.book_secnum_shifts = shifts  # type: ignore[attr-defined]
    changed = {
        d for d in set(shifts) | set(previous) if shifts.get(d) != previous.get(d)
    }
    return sorted(set(rewrite) | changed)


TocTreeCollector.assign_section_numbers = _assign_section_numbers  # type: ignore[method-assign]

# -- PDF parts ---------------------------------------------------------------------


def _latex_parts(app: Sphinx, doctree: nodes.document) -> None:
    if app.env.docname != app.config.root_doc:
        return
    for toctree in list(doctree.findall(addnodes.toctree)):
        caption = toctree.get("caption")
        if not caption or not toctree.get("numbered"):
            continue
        wrapper = toctree.parent
        title = _PART_PREFIX.sub("", caption)
        raw = nodes.raw("", f"\\part{{{title}}}\n", format="latex")
        wrapper.parent.insert(wrapper.parent.index(wrapper), raw)


# -- per-builder configuration ---------------------------------------------------


def _builder_inited(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.config.graphviz_output_format = "png"
        # Prefer PNG for charts and diagrams: SVG with a DOCTYPE fails epubcheck.
        app.builder.supported_image_types = ["image/png", "image/jpeg", "image/gif"]
        app.config.html_extra_path = []
        # PNG diagrams come with client-side image maps (.png.map) and Sphinx
        # keeps a .buildinfo.bak; neither belongs in the EPUB's manifest, and
        # Sphinx warns that it leaves them out, which is what we want.
        app.config.suppress_warnings = [
            *app.config.suppress_warnings,
            "epub.unknown_project_files",
        ]
    _render_charts(app)


def _render_charts(app: Sphinx) -> None:
    """Render every chart from its committed data into book/_generated/."""
    srcdir = Path(app.srcdir)
    out = srcdir / "_generated"
    out.mkdir(exist_ok=True)
    for spec in app.config.book_charts:
        module_name, data = spec["module"], srcdir / spec["data"]
        if not data.exists():
            logger.warning(
                "chart data %s is missing (run `make figures`)",
                data,
                type="book",
                subtype="chart",
            )
            continue
        module = importlib.import_module(module_name)
        stamp = out / f".{module_name}.stamp"
        sources = [data, Path(module.__file__ or "")]
        if stamp.exists() and all(
            s.stat().st_mtime <= stamp.stat().st_mtime for s in sources
        ):
            continue
        module.render_charts(data, out)
        stamp.touch()


_VOID_INPUT = re.compile(r"<input([^>]*?)\s*/?>")


def _raw_inputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Fix MyST's raw task-list checkboxes for every HTML-based edition.

    They are rendered as raw ``<input ...>``: valid HTML, but not XML (the
    EPUB is XHTML, and epubcheck rejects it), and without an accessible name
    (axe: "label", critical). Self-close them and give them a label.
    """
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "<input" in raw.astext():
            text = _VOID_INPUT.sub(_labelled_input, raw.astext())
            raw.replace_self(nodes.raw("", text, format=raw["format"]))


def _labelled_input(match: re.Match[str]) -> str:
    attributes = match.group(1)
    if "aria-label" not in attributes and "task-list-item-checkbox" in attributes:
        attributes += ' aria-label="Checklist item"'
    return f"<input{attributes} />"


def _graphviz_alt(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give every diagram a text alternative: its alt option, else its caption."""
    from sphinx.ext.graphviz import graphviz

    for node in doctree.findall(graphviz):
        if node.get("alt"):
            continue
        parent = node.parent
        captions = [c for c in parent.children if isinstance(c, nodes.caption)]
        if isinstance(parent, nodes.figure) and captions:
            node["alt"] = captions[0].astext()
        else:
            node["alt"] = "Diagram"


def _html_visit_graphviz(self: Any, node: Any) -> None:
    """Sphinx's SVG <object> gets role="img" and the alt text as its name."""
    from docutils.nodes import SkipNode
    from sphinx.ext.graphviz import html_visit_graphviz

    start = len(self.body)
    try:
        html_visit_graphviz(self, node)
    except SkipNode:
        label = html.escape(node.get("alt", "Diagram"), quote=True)
        for index in range(start, len(self.body)):
            self.body[index] = self.body[index].replace(
                "<object ", f'<object role="img" aria-label="{label}" ', 1
            )
        raise


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_charts", [], "env")
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _latex_parts)
    app.connect("doctree-resolved", _raw_inputs)
    app.connect("doctree-resolved", _graphviz_alt)
    from sphinx.ext.graphviz import graphviz

    app.add_node(graphviz, override=True, html=(_html_visit_graphviz, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
