"""What the tests of citations and release files share: the rules of the Citation File Format
checked without cffconvert, cffconvert itself, the published facts a test site is built with, and a
release archive as `make release` writes it. A helper module, not a test module."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

import pytest

from mandate_notes.archive import archive_name
from mandate_notes.release import write_zip

# A published site's address and DOI (a DOI prefix reserved for tests); the real PUBLISHED stays empty.
PUBLISHED_FIXTURE = {"site_url": "https://data.example.org/", "doi": "10.5555/mandate-notes.example"}
# cffconvert has an environment of its own (make setup-cff).
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


def cffconvert_or_skip() -> Path:
    if CFFCONVERT.exists():
        return CFFCONVERT
    if os.environ.get("CI"):
        pytest.fail(f"{CFFCONVERT} missing: `make test` creates it (make setup-cff)")
    pytest.skip("cffconvert's own environment is missing: run `make setup-cff` (make test does)")


def write_archive(folder, release: str, checksum: str | None = None) -> dict:
    """A release archive of a few files and its checksum file, as `make release` writes them (checksum:
    what the checksum file states instead of the archive's digest)."""
    target = folder / archive_name(release)
    write_zip({"CITATION.cff": b"cff-version: 1.2.0\n", "LICENSE": b"terms\n"}, target, target.stem, "2026-01-02")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    target.with_name(target.name + ".sha256").write_text(f"{checksum or digest}  {target.name}\n", encoding="ascii")
    return {"path": target, "sha256": digest}
