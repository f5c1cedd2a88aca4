"""One version everywhere: pyproject.toml's version is the one in every generated file; CITATION.cff is valid."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from mandate_notes import citation
from mandate_notes.model import version
from mandate_notes.paths import CODEBOOK, SERVER_METADATA
from mandate_notes.versions import parse_version, release_date, released
from mandate_notes import generate
from tests.citing import cff_problems, cffconvert_or_skip

# Slow (`make check` leaves it out): runs cffconvert and git.
pytestmark = pytest.mark.slow


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
