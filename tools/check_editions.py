"""Validate the three built editions (``make check``).

Checks, each failing with a message that says what is wrong and where:

- PDF: no ``Missing character`` and no ``Overfull \\hbox`` in the LaTeX log;
  numbered bookmarks and ``/PageMode /UseOutlines``; every font embedded;
  title and author in the metadata.
- EPUB: epubcheck (``java -jar``) reports 0 fatals, 0 errors, 0 warnings.
- HTML: the landing page links to the PDF and EPUB of this build (the copies
  in ``downloads/`` are byte-identical to the built editions); no page loads
  anything from another host; search, dark mode and copy buttons are present.

Also prints the bytes each chapter page transfers on first load.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

BASENAME = "production-python-for-ai-backends"
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


class Failures(list[str]):
    def fail(self, message: str) -> None:
        self.append(message)


def check_pdf(build: Path, failures: Failures) -> None:
    pdf = build / "latex" / f"{BASENAME}.pdf"
    log = build / "latex" / f"{BASENAME}.log"
    if not pdf.exists() or not log.exists():
        failures.fail(f"PDF: {pdf} or its log is missing: run `make pdf` first")
        return
    text = log.read_text(errors="replace")
    for pattern in ("Missing character", "Overfull \\hbox"):
        lines = [line for line in text.splitlines() if pattern in line]
        if lines:
            failures.fail(
                f"PDF: {len(lines)} '{pattern}' lines in {log}, first: {lines[0]}"
            )
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    outline = reader.outline
    if not outline:
        failures.fail(f"PDF: {pdf} has no bookmarks")
    else:
        titles = [item.title for item in _flatten(outline)]
        if not any(re.match(r"^1\s", t) for t in titles):
            failures.fail(f"PDF: bookmarks are not numbered (first ones: {titles[:4]})")
    if reader.trailer["/Root"].get("/PageMode") != "/UseOutlines":
        failures.fail("PDF: /PageMode is not /UseOutlines (bookmarks hidden on open)")
    meta = reader.metadata or {}
    for key in ("/Title", "/Author"):
        if not meta.get(key):
            failures.fail(f"PDF: metadata {key} is empty")
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    )
    for line in fonts.stdout.splitlines()[2:]:
        columns = line.split()
        # name type [encoding...] emb sub uni object ID: emb is 5th from the end
        if len(columns) >= 7 and columns[-5] != "yes":
            failures.fail(f"PDF: font not embedded: {line.strip()}")
    pages = len(reader.pages)
    print(f"PDF   {pdf} ({pages} pages): log, bookmarks, fonts, metadata checked")


def _flatten(items: list) -> list:  # type: ignore[type-arg]
    out = []
    for item in items:
        if isinstance(item, list):
            out += _flatten(item)
        else:
            out.append(item)
    return out


def check_epub(build: Path, failures: Failures) -> None:
    epub = build / "epub" / f"{BASENAME}.epub"
    if not epub.exists():
        failures.fail(f"EPUB: {epub} is missing: run `make epub` first")
        return
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(epub)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    summary = re.search(
        r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", output
    )
    if summary is None:
        if "No errors or warnings detected" in output and result.returncode == 0:
            counts = (0, 0, 0)
        else:
            failures.fail(f"EPUB: epubcheck gave no summary:\n{output[-2000:]}")
            return
    else:
        counts = tuple(int(x) for x in summary.groups())
    if counts != (0, 0, 0) or result.returncode != 0:
        problems = [
            ln
            for ln in output.splitlines()
            if ln.startswith(("FATAL", "ERROR", "WARNING"))
        ]
        failures.fail(
            f"EPUB: epubcheck reports {counts[0]} fatals / {counts[1]} errors / "
            f"{counts[2]} warnings:\n  " + "\n  ".join(problems[:20])
        )
    fatals, errors, warnings = counts
    print(f"EPUB  {epub}: {fatals} fatals / {errors} errors / {warnings} warnings")


class _Loads(HTMLParser):
    """Collect what a page loads (not what it merely links to)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for cls in (a.get("class") or "").split():
            self.classes.add(cls)
        if tag in {
            "script",
            "img",
            "iframe",
            "source",
            "audio",
            "video",
            "embed",
        } and a.get("src"):
            self.loads.append(a["src"] or "")
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"] or "")
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if any(
                r in rel
                for r in ("stylesheet", "preload", "icon", "modulepreload", "prefetch")
            ):
                self.loads.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in {"http", "https"}


def check_html(build: Path, failures: Failures) -> None:
    html = build / "html"
    index = html / "index.html"
    if not index.exists():
        failures.fail(f"HTML: {index} is missing: run `make html` first")
        return
    pages = sorted(html.rglob("*.html"))
    for page in pages:
        parser = _Loads()
        parser.feed(page.read_text(errors="replace"))
        for url in parser.loads:
            if _external(url):
                failures.fail(
                    f"HTML: {page.relative_to(html)} loads {url} from another host"
                )
    for css in html.rglob("*.css"):
        for url in re.findall(
            r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="replace")
        ):
            if _external(url) and "@import" in css.read_text(errors="replace"):
                failures.fail(
                    f"HTML: {css.relative_to(html)} imports {url} from another host"
                )
    landing = _Loads()
    landing.feed(index.read_text(errors="replace"))
    for suffix, built in (("pdf", build / "latex"), ("epub", build / "epub")):
        href = f"downloads/{BASENAME}.{suffix}"
        if href not in landing.links:
            failures.fail(f"HTML: the landing page has no link to {href}")
        copy, original = html / href, built / f"{BASENAME}.{suffix}"
        if not copy.exists():
            failures.fail(
                f"HTML: {copy} is missing: `make book` copies the editions there"
            )
        elif not original.exists() or _digest(copy) != _digest(original):
            failures.fail(f"HTML: {copy} is not the {suffix.upper()} of this build")
    if not (html / "searchindex.js").exists():
        failures.fail("HTML: searchindex.js is missing: search cannot work")
    if (
        "search-button" not in landing.classes
        and "search-button__wrapper" not in landing.classes
    ):
        failures.fail("HTML: the landing page has no search button")
    if "theme-switch-button" not in landing.classes:
        failures.fail("HTML: the landing page has no dark-mode switch")
    if not list(html.rglob("copybutton.js")):
        failures.fail("HTML: copybutton.js is missing: no copy buttons")
    print(f"HTML  {index}: {len(pages)} pages checked for external loads and downloads")
    report_page_weight(html)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_page_weight(html: Path) -> None:
    """Bytes a first load of each chapter page transfers (page + what it loads)."""
    rows = []
    for page in sorted(p for p in html.glob("*/*.html") if p.parent.name != "_static"):
        parser = _Loads()
        parser.feed(page.read_text(errors="replace"))
        total = page.stat().st_size
        for url in set(parser.loads):
            local = (page.parent / urlsplit(url).path).resolve()
            if local.is_file():
                total += local.stat().st_size
        rows.append((total, page.relative_to(html)))
    if rows:
        print("Page weight on first load (page and the files it loads):")
        for total, page in sorted(rows, reverse=True):
            print(f"  {total / 1024:8.1f} KiB  {page}")


def check_numbering(build: Path, failures: Failures) -> None:
    """Listing and section numbers are the same in the HTML and the PDF."""
    pdf = build / "latex" / f"{BASENAME}.pdf"
    html = build / "html"
    if not pdf.exists() or not (html / "index.html").exists():
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    pdf_listings = set(re.findall(r"Listing\s+(\d+\.\d+):", text))
    html_listings: set[str] = set()
    html_sections: set[str] = set()
    for page in html.glob("*/*.html"):
        if page.parent.name.startswith("_"):
            continue
        body = page.read_text(errors="replace")
        html_listings |= set(
            re.findall(r'<span class="caption-number">Listing (\d+\.\d+) </span>', body)
        )
        html_sections |= set(
            re.findall(r'<h2><span class="section-number">(\d+\.\d+)\. </span>', body)
        )
    if html_listings != pdf_listings:
        only_html = sorted(html_listings - pdf_listings)[:10]
        only_pdf = sorted(pdf_listings - html_listings)[:10]
        failures.fail(
            f"numbering: listing numbers differ between HTML and PDF "
            f"(only in HTML: {only_html}; only in PDF: {only_pdf})"
        )
    missing = sorted(
        n for n in html_sections if not re.search(rf"(?m)^\s*{re.escape(n)}\s+\S", text)
    )
    if missing:
        failures.fail(f"numbering: HTML sections missing from the PDF: {missing[:10]}")
    print(
        f"NUMBERS {len(html_listings)} listings and {len(html_sections)} sections "
        "numbered alike in HTML and PDF"
    )


def main(argv: list[str]) -> int:
    build = Path(argv[1] if len(argv) > 1 else "_build")
    failures = Failures()
    check_pdf(build, failures)
    check_epub(build, failures)
    check_html(build, failures)
    check_numbering(build, failures)
    if failures:
        print(f"\nmake check: {len(failures)} problems", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print("make check: all editions valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
