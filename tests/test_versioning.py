"""One version everywhere: pyproject.toml's version is the one in every generated file; CITATION.cff is valid."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from mandate_notes import citation
from mandate_notes.model import version
from mandate_notes.paths import CODEBOOK, SERVER_METADATA
from mandate_notes.versions import parse_version, release_date, released
from mandate_notes import generate

# Slow (`make check` leaves it out): runs cffconvert and git.
pytestmark = pytest.mark.slow

CFFCONVERT = Path(__file__).resolve().parents[1] / ".venv-cff" / "bin" / "cffconvert"

# Citation File Format 1.2.0: the top-level keys it defines and the ones it requires.
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
    "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
    "repository-artifact", "repository-code", "title", "type", "url", "version",
}
CFF_REQUIRED = {"authors", "cff-version", "message", "title"}
SPDX_USED = {"CC-BY-4.0", "MIT", "CC0-1.0"}


def cff_problems(cff: dict) -> list[str]:
    """The CFF 1.2.0 rules that hold for the fields we write, checked without cffconvert."""
    problems = [f"missing required key {key}" for key in sorted(CFF_REQUIRED - set(cff))]
    problems += [f"key not in CFF 1.2.0: {key}" for key in sorted(set(cff) - CFF_KEYS)]
    if cff.get("cff-version") != "1.2.0":
        problems.append(f"cff-version must be '1.2.0': {cff.get('cff-version')!r}")
    for key in ("message", "title", "abstract", "version"):
        if key in cff and not (isinstance(cff[key], str) and cff[key].strip()):
            problems.append(f"{key} must be a non-empty string: {cff[key]!r}")
    if cff.get("type", "software") not in ("dataset", "software"):
        problems.append(f"type must be dataset or software: {cff['type']!r}")
    authors = cff.get("authors")
    if not isinstance(authors, list) or not authors:
        problems.append(f"authors must be a non-empty list: {authors!r}")
    else:
        for author in authors:
            if not isinstance(author, dict) or not ({"name", "family-names", "given-names"} & set(author)):
                problems.append(f"an author needs name, family-names or given-names: {author!r}")
    if "date-released" in cff:
        try:
            date.fromisoformat(str(cff["date-released"]))
        except ValueError:
            problems.append(f"date-released must be YYYY-MM-DD: {cff['date-released']!r}")
    if "license" in cff and cff["license"] not in SPDX_USED:
        problems.append(f"license must be an SPDX id: {cff['license']!r}")
    for key in ("url", "repository-code"):
        if key in cff and not re.match(r"^https?://\S+$", str(cff[key])):
            problems.append(f"{key} must be a URL: {cff[key]!r}")
    keywords = cff.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        problems.append(f"keywords must be a list of non-empty strings: {keywords!r}")
    return problems


def load_cff(root: Path) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def readme_block(root: Path) -> str:
    text = (root / "README.md").read_text(encoding="utf-8")
    return text[text.index(generate.CITATION_START) : text.index(generate.CITATION_END)]


def test_every_generated_file_carries_the_pyproject_version(root):
    current = version()
    cff = load_cff(root)
    assert str(cff["version"]) == current
    assert json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))["version"] == current
    assert json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"] == current
    metadata = json.loads(SERVER_METADATA.read_text(encoding="utf-8"))
    assert metadata["version"] == current
    assert f"(Version {current})" in metadata["citation"]["text"]
    assert f"version = {{{current}}}" in metadata["citation"]["bibtex"]
    assert f"Dataset version {current}." in CODEBOOK.read_text(encoding="utf-8")
    block = readme_block(root)
    assert f"**{current}**" in block and citation.citation_text() in block and citation.citation_bibtex() in block
    # No other version number may hide in the citation texts.
    for text in (metadata["citation"]["text"], metadata["citation"]["bibtex"], block):
        assert set(re.findall(r"\d+\.\d+\.\d+", text)) == {current}


def test_the_release_date_is_the_changelog_date_everywhere(root):
    released_on = release_date(version())
    cff = load_cff(root)
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    if released_on is None:
        assert "date-released" not in cff and "publication_date" not in zenodo
        assert "(n.d.)" in citation.citation_text()
    else:
        assert str(cff["date-released"]) == released_on and zenodo["publication_date"] == released_on
        assert f"({released_on[:4]})" in citation.citation_text()


def test_a_version_change_makes_every_versioned_file_stale(root, monkeypatch):
    monkeypatch.setattr(generate, "version", lambda: "98.7.6")
    monkeypatch.setattr(citation, "version", lambda: "98.7.6")
    stale = {path.relative_to(root).as_posix() for path in generate.stale_files()}
    assert {"CITATION.cff", ".zenodo.json", "README.md", "server/generated/metadata.json", "docs/generated/codebook.md"} <= stale


def test_readme_without_citation_markers_is_an_error(monkeypatch, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    monkeypatch.setattr(generate, "README", readme)
    with pytest.raises(generate.GenerateError, match="citation block"):
        generate.render_readme()


def test_changelog_has_one_dated_entry_per_release_and_none_newer_than_pyproject(root):
    releases = released(root / "CHANGELOG.md")  # raises on a heading out of form or order
    assert len({r.version for r in releases}) == len(releases)
    if releases:
        assert parse_version(version()) >= parse_version(releases[0].version)
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.count("## [Unreleased]") == 1


def test_row_citation_names_version_table_and_row():
    text = citation.row_citation("recommendations", "some-row-id", "3.2.1")
    assert "(Version 3.2.1)" in text and text.endswith(", table recommendations, row some-row-id.")


def test_citation_cff_meets_the_cff_rules_checkable_without_cffconvert(root):
    assert cff_problems(load_cff(root)) == []


def test_the_cff_rules_reject_broken_files(root):
    cff = load_cff(root)
    broken = {**cff, "type": "article", "date-released": "28/11/2026", "authors": [{"email": "x"}], "colour": 1}
    del broken["message"]
    problems = cff_problems(broken)
    assert len(problems) == 5, problems


def cffconvert_or_skip() -> Path:
    if CFFCONVERT.exists():
        return CFFCONVERT
    if os.environ.get("CI"):
        pytest.fail(f"{CFFCONVERT} missing: `make test` creates it (make setup-cff)")
    pytest.skip("cffconvert's own environment is missing: run `make setup-cff` (make test does)")


def test_citation_cff_passes_cffconvert_validate(root):
    result = subprocess.run(
        [str(cffconvert_or_skip()), "--validate", "--infile", str(root / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_cffconvert_rejects_a_citation_file_that_breaks_the_schema(root, tmp_path):
    broken = tmp_path / "CITATION.cff"
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    broken.write_text(text.replace("type: dataset", "type: article"), encoding="utf-8")
    result = subprocess.run(
        [str(cffconvert_or_skip()), "--validate", "--infile", str(broken)], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "article" in result.stdout + result.stderr
