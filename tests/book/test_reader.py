"""Reader-facing promises checked from the sources: citations, addresses, CI files."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tools.sphinxext.book_pages import reading_minutes
from tools.sphinxext.book_reader import checklist_markdown, plain_markdown

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PUBLISHED = tomllib.loads((ROOT / "book" / "_data" / "published.toml").read_text())


def _conf() -> dict[str, object]:
    namespace: dict[str, object] = {"__file__": str(ROOT / "conf.py")}
    exec(compile((ROOT / "conf.py").read_text(), "conf.py", "exec"), namespace)
    return namespace


def test_every_published_page_still_exists_or_redirects() -> None:
    redirects = _conf()["redirects"]
    assert isinstance(redirects, dict)
    missing = [
        page
        for page in PUBLISHED["pages"]
        if not (ROOT / "book" / f"{page}.md").exists() and page not in redirects
    ]
    assert not missing, f"published pages gone without a redirect in conf.py: {missing}"


def test_every_published_label_still_exists() -> None:
    defined: set[str] = set()
    for page in (ROOT / "book").rglob("*.md"):
        defined |= set(
            re.findall(r"^\(([\w-]+)\)=\s*$", page.read_text(), re.MULTILINE)
        )
    missing = sorted(set(PUBLISHED["labels"]) - defined)
    assert not missing, f"published labels no longer defined anywhere: {missing}"


def test_every_chapter_label_is_published() -> None:
    chapters = _conf()["book_chapters"]
    assert isinstance(chapters, dict)
    assert set(chapters.values()) <= set(PUBLISHED["labels"])
    assert set(chapters) <= set(PUBLISHED["pages"])


def test_citation_cff_agrees_with_the_single_source_of_truth() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    citation = PYPROJECT["tool"]["book"]["citation"]
    assert cff["title"] == citation["title"]
    assert [a["name"] for a in cff["authors"]] == citation["authors"]
    assert cff["url"] == citation["url"]
    assert cff["version"] == PYPROJECT["project"]["version"]


def test_citation_cff_is_valid() -> None:
    # cffconvert pins an old jsonschema, so it runs from its own pinned venv.
    result = subprocess.run(
        [str(ROOT / "tools" / "cffconvert" / "run"), "--validate", "-i",
         str(ROOT / "CITATION.cff")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Citation metadata are valid" in result.stdout + result.stderr


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([\w-]+):", text, re.MULTILINE))


def _make_calls(commands: list[str]) -> list[str]:
    calls = []
    for command in commands:
        for match in re.finditer(r"\bmake((?:\s+[\w-]+)+)", command):
            calls += [w for w in match.group(1).split() if "=" not in w]
    return calls


def test_readthedocs_config_builds_all_editions_with_existing_targets() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert config["version"] == 2
    commands = config["build"]["commands"]
    calls = _make_calls(commands)
    assert calls, "Read the Docs must build with the Makefile"
    assert set(calls) <= _make_targets()
    joined = "\n".join(commands)
    for kind in ("html", "pdf", "epub"):
        assert f"$READTHEDOCS_OUTPUT/{kind}" in joined


def test_pages_workflow_publishes_html_built_by_existing_targets() -> None:
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    )
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    calls = _make_calls([s["run"] for s in steps if "run" in s])
    assert "book" in calls
    assert set(calls) <= _make_targets()
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages")]
    assert uploads
    assert uploads[0]["with"]["path"] == "_build/html"


CHAPTER = """\
# Title

Some words here.

## Checklist

- [ ] Every call has a {term}`deadline`.
- [ ] Retries follow {ref}`the rules <ch-llm-fundamentals>`.

## Further reading

Nothing.
"""


def test_checklist_is_extracted_and_roles_are_flattened_for_copying() -> None:
    section = checklist_markdown(CHAPTER)
    assert section is not None
    assert section.splitlines() == [
        "- [ ] Every call has a {term}`deadline`.",
        "- [ ] Retries follow {ref}`the rules <ch-llm-fundamentals>`.",
    ]
    assert plain_markdown(section).splitlines() == [
        "- [ ] Every call has a deadline.",
        "- [ ] Retries follow the rules.",
    ]


def test_reading_time_counts_prose_and_listings() -> None:
    prose = "# T\n\n" + ("word " * 398) + "\n"
    assert reading_minutes(prose) == 2
    fence = "```"
    listing = f"{fence}{{literalinclude}} x.py\n:name: a\n{fence}\n"
    assert reading_minutes(prose + listing * 4) == 4


@pytest.mark.skipif(sys.platform != "linux", reason="the book is built on Linux")
def test_system_package_installer_names_missing_packages() -> None:
    result = subprocess.run(
        [str(ROOT / "tools" / "ensure-system-packages"), "nonsense"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "unknown group 'nonsense'" in result.stderr
