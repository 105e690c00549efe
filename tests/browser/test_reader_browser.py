"""The HTML edition, used the way a reader uses it, in a real Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import HTML, ROOT, html_pages

# One visit per page (desktop with axe, then 375 px) takes a few seconds.
pytestmark = pytest.mark.timeout(900)

AXE = ROOT / "tools" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"
BASENAME = "production-python-for-ai-backends"
CHAPTERS: dict[str, str] = {}
_conf_ns: dict[str, object] = {"__file__": str(ROOT / "conf.py")}
exec(compile((ROOT / "conf.py").read_text(), "conf.py", "exec"), _conf_ns)
CHAPTERS.update(_conf_ns["book_chapters"])  # type: ignore[arg-type]


@dataclass
class Visit:
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    axe_serious: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)


def _visit(browser: Browser, site: str, rel: str) -> Visit:
    report = Visit()
    host = urlsplit(site).netloc
    context = browser.new_context()
    page = context.new_page()
    page.on(
        "console",
        lambda m: report.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: report.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: report.failed.append(f"{r.url} ({r.failure})"))

    def route(r):  # type: ignore[no-untyped-def]
        url = urlsplit(r.request.url)
        if url.scheme in {"http", "https"} and url.netloc != host:
            report.foreign.append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    response = page.goto(f"{site}/{rel}", wait_until="load")
    if response is None or response.status != 200:
        report.failed.append(f"{rel}: HTTP {response.status if response else '?'}")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    for v in results:
        if v["impact"] in {"serious", "critical"}:
            report.axe_serious.append(
                f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
            )
    context.close()

    narrow = browser.new_context(viewport={"width": 375, "height": 800})
    page = narrow.new_page()
    page.goto(f"{site}/{rel}", wait_until="load")
    wide = page.evaluate(
        """() => {
          const limit = document.documentElement.clientWidth + 1;
          const out = [];
          if (document.documentElement.scrollWidth > limit) out.push('page');
          return out;
        }"""
    )
    report.overflow += wide
    narrow.close()
    return report


@pytest.fixture(scope="module")
def visits(browser: Browser, site: str) -> dict[str, Visit]:
    pages = html_pages()
    assert pages, "no pages to visit"
    return {rel: _visit(browser, site, rel) for rel in pages}


def _problems(visits: dict[str, Visit], attribute: str) -> dict[str, list[str]]:
    return {
        rel: getattr(v, attribute) for rel, v in visits.items() if getattr(v, attribute)
    }


def test_every_page_loads_without_console_errors(visits: dict[str, Visit]) -> None:
    assert _problems(visits, "console_errors") == {}


def test_every_page_loads_without_failed_requests(visits: dict[str, Visit]) -> None:
    assert _problems(visits, "failed") == {}


def test_no_page_requests_another_host(visits: dict[str, Visit]) -> None:
    assert _problems(visits, "foreign") == {}


def test_no_serious_or_critical_accessibility_violations(
    visits: dict[str, Visit],
) -> None:
    assert _problems(visits, "axe_serious") == {}


def test_pages_do_not_scroll_sideways_at_375px(visits: dict[str, Visit]) -> None:
    assert _problems(visits, "overflow") == {}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def _title(docname: str) -> str:
    text = (ROOT / "book" / f"{docname}.md").read_text()
    match = re.search(r"^# (.+)$", text, re.MULTILINE)
    assert match
    return match.group(1)


def _search_term(docname: str) -> str:
    """A word of this chapter's title that no other chapter title has."""
    others = " ".join(_title(d) for d in CHAPTERS if d != docname).lower()
    words = re.findall(r"[A-Za-z][A-Za-z-]{4,}", _title(docname))
    unique = [w for w in words if w.lower() not in others]
    return max(unique or words, key=len)


@pytest.mark.parametrize("docname", list(CHAPTERS))
def test_search_finds_each_chapter(page: Page, site: str, docname: str) -> None:
    term = _search_term(docname)
    page.goto(f"{site}/search.html?q={term}")
    page.locator("#search-results p.search-summary").wait_for(timeout=30_000)
    links = page.locator("#search-results ul.search li > a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(h.split("#")[0].endswith(f"{docname}.html") for h in hrefs), (
        term,
        hrefs,
    )


def test_copy_button_copies_a_console_session_without_prompts(
    page: Page, site: str
) -> None:
    # The first console session of the book, on the first chapter with one.
    for docname in CHAPTERS:
        page.goto(f"{site}/{docname}.html")
        block = page.locator("div.highlight-pycon").first
        if block.count():
            break
    else:
        pytest.fail("no console session (pycon) in any chapter")
    shown = block.inner_text()
    assert ">>> " in shown
    block.hover()
    block.locator("button.copybtn").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip()
    assert ">>>" not in copied
    assert not re.search(r"^\.\.\. ", copied, re.MULTILINE)
    run = subprocess.run(
        [sys.executable, "-c", copied], cwd=ROOT, capture_output=True, text=True,
        env={"PYTHONPATH": f"{ROOT / 'snippets'}", "PATH": "/usr/bin:/bin"},
        check=False, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, f"copied text does not run:\n{copied}\n{run.stderr}"


def test_dark_mode_switches_and_persists(page: Page, site: str) -> None:
    page.goto(f"{site}/index.html")
    theme = "document.documentElement.dataset.theme"
    page.evaluate("localStorage.clear()")
    page.reload()
    assert page.evaluate(theme) == "light"  # the browser prefers light
    page.locator("button.theme-switch-button").first.click()
    page.locator("button.theme-change-button[data-mode=dark]").first.click()
    assert page.evaluate(theme) == "dark"
    page.goto(f"{site}/{next(iter(CHAPTERS))}.html")
    assert page.evaluate(theme) == "dark"
    page.reload()
    assert page.evaluate(theme) == "dark"


def test_pdf_and_epub_links_download_files_that_open(
    page: Page, site: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    page.goto(f"{site}/index.html")
    files = {}
    for kind in ("pdf", "epub"):
        with page.expect_download() as info:
            page.locator(f"a.book-download-{kind}").first.click()
        target = tmp_path / f"book.{kind}"
        info.value.save_as(target)
        files[kind] = target
    assert len(PdfReader(files["pdf"]).pages) > 10
    check = subprocess.run(
        ["java", "-jar", "/usr/share/java/epubcheck.jar", str(files["epub"])],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 fatals / 0 errors / 0 warnings" in check.stdout + check.stderr or (
        "No errors or warnings detected" in check.stdout + check.stderr
    )


@pytest.mark.parametrize("docname", list(CHAPTERS))
def test_chapter_pages_carry_citation_block_and_meta_tags(
    page: Page, site: str, docname: str
) -> None:
    page.goto(f"{site}/{docname}.html")
    cite = page.locator(".book-cite")
    assert cite.count() == 1
    assert "Cite this chapter" in cite.inner_text()
    assert CHAPTERS[docname] in cite.inner_text()
    meta = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll("
        "'meta[name^=citation_]')].map(m => [m.name, m.content]))"
    )
    citation = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["book"]
    assert meta["citation_title"] == _title(docname).replace("`", "")
    assert meta["citation_inbook_title"] == citation["citation"]["title"]
    assert meta["citation_public_url"].endswith(f"{docname}.html")


def test_screenshots_light_and_dark_for_review(browser: Browser, site: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    docname = next(iter(CHAPTERS))
    for mode in ("light", "dark"):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme=mode
        )
        page = context.new_page()
        page.add_init_script(f"localStorage.setItem('mode', '{mode}')")
        page.goto(f"{site}/{docname}.html")
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        target = SCREENSHOTS / f"{docname.replace('/', '-')}-{mode}.png"
        page.screenshot(path=str(target))
        context.close()
        assert target.stat().st_size > 10_000


def test_html_edition_has_pages_to_test() -> None:
    assert (HTML / f"downloads/{BASENAME}.pdf").exists()
