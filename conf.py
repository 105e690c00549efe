"""Sphinx configuration for *Production Python for AI Backends*.

The sources are in ``book/``; this file sits at the repository root and is
passed to Sphinx with ``-c .`` (see the Makefile). One configuration serves the
HTML, EPUB and PDF editions; builder-specific settings are applied in
``tools/sphinxext/book_editions.py``.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools" / "sphinxext"))
sys.path.insert(0, str(ROOT / "snippets"))

_pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_meta = _pyproject["project"]

# -- Project ------------------------------------------------------------------
project = "Production Python for AI Backends"
author = "The Production Python for AI Backends authors"
copyright_year = "2026"
copyright = f"{copyright_year}, {author}"
release = _meta["version"]
version = ".".join(release.split(".")[:2])
# The build date: SOURCE_DATE_EPOCH makes it reproducible when set.
_epoch = os.environ.get("SOURCE_DATE_EPOCH")
build_date = (
    _dt.datetime.fromtimestamp(int(_epoch), _dt.UTC)
    if _epoch
    else _dt.datetime.now(_dt.UTC)
).date()
today = build_date.isoformat()

root_doc = "index"
language = "en"
exclude_patterns = ["_build", "glossary/*.md", "**/diagrams/*", "**/data/*"]
templates_path = ["book/_templates"]
nitpicky = True

extensions = [
    "myst_parser",
    "sphinx_copybutton",
    "sphinx.ext.graphviz",
    "book_editions",
    "snippet_guard",
    "book_pages",
    "book_reader",
    "sphinx_reredirects",
]

# -- MyST -------------------------------------------------------------------------
myst_enable_extensions = [
    "colon_fence",
    "deflist",
    "tasklist",
    "substitution",
    "attrs_inline",
]
myst_heading_anchors = 3
myst_substitutions = {
    "release": release,
    "build_date": today,
}

# -- Numbering: chapters, sections and listings ------------------------------------
numfig = True
numfig_secnum_depth = 1
numfig_format = {
    "code-block": "Listing %s",
    "figure": "Figure %s",
    "table": "Table %s",
    "section": "Section %s",
}

# -- Highlighting -----------------------------------------------------------------
pygments_style = "sphinx"
highlight_language = "none"

# -- HTML -------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["book/_static"]
html_css_files = ["book.css"]
html_last_updated_fmt = "%Y-%m-%d"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    "show_navbar_depth": 1,
}
html_context = {"book_build_date": today, "default_mode": "auto"}
html_copy_source = False
html_show_sourcelink = False

# sphinx-copybutton: copy only what a reader types, without prompts or output.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True

# -- Graphviz ---------------------------------------------------------------------
graphviz_output_format = "svg"
graphviz_dot_args = [
    "-Gbgcolor=transparent",
    "-Nfontname=DejaVu Sans",
    "-Efontname=DejaVu Sans",
    "-Gfontname=DejaVu Sans",
]

# -- EPUB -------------------------------------------------------------------------
epub_basename = "production-python-for-ai-backends"
epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_identifier = "production-python-for-ai-backends-" + release.replace(".", "-")
epub_uid = epub_identifier
epub_scheme = "URL"
epub_show_urls = "no"
epub_use_index = True
epub_tocdepth = 2
epub_exclude_files = ["search.html", "404.html"]

# -- LaTeX / PDF ----------------------------------------------------------------
latex_engine = "xelatex"
latex_documents = [
    (root_doc, "production-python-for-ai-backends.tex", project, author, "manual"),
]
latex_show_urls = "footnote"
latex_show_pagerefs = False
latex_toplevel_sectioning = "chapter"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "fontpkg": r"""
\setmainfont{DejaVu Serif}
\setsansfont{DejaVu Sans}
\setmonofont{DejaVu Sans Mono}[Scale=0.85]
""",
    "sphinxsetup": (
        "verbatimwrapslines=true, verbatimforcewraps=true, "
        "verbatimmaxoverfull=3, hmargin={2.2cm,2.2cm}, vmargin={2.4cm,2.4cm}"
    ),
    "preamble": r"""
\hypersetup{bookmarksnumbered=true, pdfpagemode=UseOutlines,
  pdftitle={Production Python for AI Backends},
  pdfauthor={The Production Python for AI Backends authors},
  pdfsubject={Version """
    + release
    + r""", built """
    + today
    + r"""}}
\setcounter{tocdepth}{1}
\emergencystretch=3em
% tabulary may shrink a column below its widest word ("3.11"); keep a floor.
\setlength{\tymin}{4em}
\pdfstringdefDisableCommands{\def\({}\def\){}}
% Two-digit chapter numbers need a wider number box in the table of contents.
\makeatletter
\patchcmd{\l@chapter}{1.5em}{2.3em}{}{}
\renewcommand{\sphinxtableofcontentshook}{%
  \renewcommand*\l@section{\@dottedtocline{1}{2.3em}{3.0em}}%
  \renewcommand*\l@subsection{\@dottedtocline{2}{5.3em}{3.8em}}}
% Three-digit page numbers need a wider box in the table of contents.
\renewcommand\@pnumwidth{2.2em}
\renewcommand\@tocrmarg{3.2em}
% Long identifiers in inline code (test names, calls in table cells) may break
% after an underscore, an opening parenthesis or an equals sign.
\renewcommand*\sphinxbreaksafteractivelist{\do\.\do\,\do\;\do\?\do\!\do\/\do\(\do\=}
\let\book@underscore\_
\protected\def\book@breakableunderscore{\book@underscore\discretionary{}{}{}}
\let\book@upquote\sphinxupquote
\protected\def\sphinxupquote#1{{\let\_\book@breakableunderscore\book@upquote{#1}}}
\makeatother
""",
    "maketitle": r"""
\begin{titlepage}
\centering
\vspace*{4cm}
{\Huge\bfseries Production Python for AI Backends\par}
\vspace{1.2cm}
{\Large Practical backend engineering for services that call LLMs\par}
\vspace{2cm}
{\large The Production Python for AI Backends authors\par}
\vfill
{\large Version """
    + release
    + r"""\par}
{\large Built """
    + today
    + r"""\par}
\end{titlepage}
""",
    "printindex": r"\footnotesize\raggedright\printindex",
}

# -- The book's own extensions (tools/sphinxext) ---------------------------------
# Chapter documents and their fixed labels: readers cite these, so the build
# checks every chapter starts with its label.
book_chapters = {
    "core/decorators": "ch-decorators",
    "core/exceptions": "ch-exceptions",
    "core/logging": "ch-logging",
    "concurrency/models": "ch-concurrency-models",
    "concurrency/executors": "ch-executors",
    "concurrency/asyncio": "ch-asyncio",
    "concurrency/asyncio-structured": "ch-asyncio-structured",
    "fastapi/dependency-injection": "ch-dependency-injection",
    "fastapi/llm-fundamentals": "ch-llm-fundamentals",
    "fastapi/llm-fastapi": "ch-llm-fastapi",
    "fastapi/llm-multipod": "ch-llm-multipod",
    "fastapi/llm-architecture": "ch-llm-architecture",
    "fastapi/llm-resilience": "ch-llm-resilience",
    "background/background-work": "ch-background-work",
}
# Charts rendered at build time from committed data: the module's
# render_charts(data, out_dir) writes PNG, SVG and PDF into book/_generated/.
book_charts: list[dict[str, str]] = [
    {
        "module": "ch_concurrency_models.plot_models",
        "data": "concurrency/data/models.json",
    },
]

# Every page's sidebar links to the PDF and EPUB of the same build (copied into
# the HTML output's downloads/ folder by `make book`).
html_sidebars = {
    "**": [
        "navbar-logo.html",
        "search-button-field.html",
        "sbt-sidebar-nav.html",
        "book-downloads.html",
    ]
}
book_download_basename = epub_basename
html_context["book_pdf"] = f"downloads/{epub_basename}.pdf"
html_context["book_epub"] = f"downloads/{epub_basename}.epub"

# Citation data: one source of truth in pyproject.toml (see book_reader).
book_citation = _pyproject["tool"]["book"]["citation"]
html_baseurl = book_citation["url"]

# Pages that moved keep working: old docname -> new page. Published URLs and
# labels are listed in book/_data/published.toml; a test fails when one of
# them disappears without a redirect.
redirects: dict[str, str] = {}
