"""The documents of the dataset: one folder each under sources/, found by looking, never listed.

A folder sources/<document_id>/ holds the archived source text (byte-identical to what was coded),
document.toml (everything known about the source, written once) and coding/ (that document's
exclusion lists, the second coder's codes and the adjudication). data/generated/documents.csv and
the package's "sources" and keywords are made from the document.toml files.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mandate_notes.csvio import Problem, read_dicts
from mandate_notes.paths import ROOT, SOURCES_DIR

METADATA_FILE = "document.toml"
CODING_DIR = "coding"
# How the list of publishers is written in one CSV cell.
PUBLISHER_SEPARATOR = "; "


@dataclass(frozen=True)
class Document:
    """One document folder and its metadata."""

    document_id: str
    folder: Path
    meta: dict

    @property
    def source(self) -> Path:
        return self.folder / self.meta["source"]["file"]

    @property
    def coding(self) -> Path:
        return self.folder / CODING_DIR

    @property
    def splitter(self) -> dict:
        return self.meta.get("splitter", {})

    def relative(self, path: Path, root: Path) -> str:
        return path.relative_to(root).as_posix()


def discover(root: Path = ROOT) -> list[Document]:
    """Every folder of sources/ with a document.toml, in the order of their names (the document ids)."""
    found = []
    for metadata in sorted((root / SOURCES_DIR).glob(f"*/{METADATA_FILE}")):
        with open(metadata, "rb") as handle:
            found.append(Document(metadata.parent.name, metadata.parent, tomllib.load(handle)))
    return found


def coding_rows(root: Path, name: str) -> list[dict]:
    """The rows of coding/NAME in every document folder that has one, documents in order; each row
    also carries "_file" and "_line", where it is written (for messages)."""
    rows: list[dict] = []
    for document in discover(root):
        path = document.coding / name
        if path.is_file():
            where = document.relative(path, root)
            rows += [{**row, "_file": where, "_line": line} for line, row in enumerate(read_dicts(path), start=2)]
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def documents_rows(root: Path = ROOT) -> list[dict]:
    """The rows of data/generated/documents.csv, one per document folder."""
    rows = []
    for document in discover(root):
        meta, workshop = document.meta, document.meta.get("workshop", {})
        rows.append({
            "document_id": document.document_id,
            "title": meta["title"],
            "series": meta["series"],
            "publishers": PUBLISHER_SEPARATOR.join(meta["publishers"]),
            "mission_actor_id": workshop.get("mission_actor_id", ""),
            "host_country_iso3": workshop.get("host_country_iso3", ""),
            "workshop_date": workshop.get("date", ""),
            "publication_month": meta["publication_month"],
            "url": meta["url"],
            "expected_renewal": workshop.get("expected_renewal", ""),
            "attribution_rule": workshop.get("attribution_rule", ""),
            "source_file": document.source.relative_to(root / SOURCES_DIR).as_posix(),
            "source_sha256": meta["source"]["sha256"],
            "language": meta["language"],
            "paragraph_id": workshop.get("paragraph_id", ""),
        })
    return rows


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def package_sources(root: Path = ROOT) -> list[dict]:
    """The "sources" of datapackage.json: each archived text with its publishers, hash and copyright."""
    sources = []
    for document in discover(root):
        meta = document.meta
        year, month = meta["publication_month"].split("-")
        publishers = meta["publishers"]
        named = ", ".join(publishers[:-1]) + " and " + publishers[-1] if len(publishers) > 1 else publishers[0]
        sources.append({
            "title": f"{meta['title']} ({named}, {MONTHS[int(month) - 1]} {year})",
            "path": document.relative(document.source, root),
            "sha256": meta["source"]["sha256"],
            "copyright": meta["copyright"],
        })
    return sources


def keywords(root: Path = ROOT) -> list[str]:
    """Each document's keywords, in document order, each once."""
    words: list[str] = []
    for document in discover(root):
        words += [word for word in document.meta.get("keywords", []) if word not in words]
    return words


def source_problems(root: Path = ROOT) -> list[Problem]:
    """Each archived source is present and has the hash its document.toml states."""
    problems = []
    for document in discover(root):
        where = document.relative(document.folder / METADATA_FILE, root)
        if not document.source.is_file():
            problems.append(Problem(where, 0, "source.file", "source file missing", document.meta["source"]["file"]))
            continue
        actual = sha256(document.source)
        if actual != document.meta["source"]["sha256"]:
            problems.append(Problem(where, 0, "source.sha256",
                                    f"does not match {document.relative(document.source, root)} ({actual})",
                                    document.meta["source"]["sha256"]))
    return problems
