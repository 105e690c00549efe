"""Fail the build on any code block whose source is not a file under snippets/.

``literalinclude`` records the included file in the node's ``source``
attribute; a block typed into a page (a fenced block, an indented block, an
``eval-rst`` block) has none. Under ``-W`` the warning stops the build, with
the page and line of the offending block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    snippets = (Path(app.confdir) / "snippets").resolve()
    for node in doctree.findall(
        lambda n: isinstance(n, nodes.literal_block | nodes.doctest_block)
    ):
        source = node.get("source")
        if source:
            path = Path(source).resolve()
            if path.is_relative_to(snippets):
                continue
            reason = f"is included from {path}, outside snippets/"
        else:
            reason = "is typed into the page"
        logger.warning(
            "code block %s: every listing must be a literalinclude of a file under "
            "snippets/ (see CONTRIBUTING.md)",
            reason,
            location=node,
            type="book",
            subtype="snippet",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", check_doctree)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
