"""The documents of the dataset: one folder each under sources/, found by looking, never listed.

A folder sources/<document_id>/ holds the archived source (byte-identical to what was coded),
document.toml (everything known about the source, written once) and, for a meeting note, coding/
(that document's exclusion lists, the second coder's codes and the adjudication). A document's
`kind` says what it is: a meeting note (the source is its text) or a Security Council resolution
(the source is the UN's XML; metadata.jsonl, the UN's record of its adoption, gives its title,
dates and votes). data/generated/documents.csv, the resolution tables and the package's "sources"
and keywords are made from these folders.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mandate_notes.csvio import Problem, read_dicts
from mandate_notes.paths import ROOT, SOURCES_DIR

METADATA_FILE = "document.toml"
CODING_DIR = "coding"
# A note's decisions on its hard cases (Markdown, in its coding/ folder; the codebook includes them).
DECISIONS = "decisions.md"
# How a list (publishers, sponsors) is written in one CSV cell.
PUBLISHER_SEPARATOR = "; "
NOTE = "meeting_note"
RESOLUTION = "resolution"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def iso_date(written: str) -> str:
    """'29 June 2022' as 2022-06-29."""
    day, month, year = written.split()
    return f"{int(year):04d}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"


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

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def metadata_file(self) -> Path:
        """A resolution's JSON line of adoption metadata."""
        return self.folder / self.meta["metadata"]["file"]

    @property
    def adoption(self) -> dict:
        """The UN's record of a resolution's adoption (its one JSON line)."""
        lines = [line for line in self.metadata_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        if len(lines) != 1:
            raise ValueError(f"{self.metadata_file}: expected one JSON line, found {len(lines)}")
        return json.loads(lines[0])

    @property
    def mandate(self) -> dict:
        """What a resolution does to its mission's mandate: technical_extension, keeps_mandate_of."""
        return self.meta.get("mandate", {})

    @property
    def title(self) -> str:
        return self.adoption["resolution_title"] if self.kind == RESOLUTION else self.meta["title"]

    @property
    def publication_month(self) -> str:
        if self.kind == RESOLUTION:
            return iso_date(self.adoption["adoption_date"])[:7]
        return self.meta["publication_month"]

    def archived_files(self) -> list[tuple[str, Path, str]]:
        """(table of document.toml, file, sha256 stated) of every archived file of the folder."""
        return [(part, self.folder / self.meta[part]["file"], self.meta[part]["sha256"])
                for part in ("source", "metadata") if part in self.meta]

    def relative(self, path: Path, root: Path) -> str:
        return path.relative_to(root).as_posix()


# Each document.toml as last parsed, by path, with the size and time of the file it was parsed from: a
# gate run asks for the documents a score of times. The parsed tables are shared: never change them.
_PARSED: dict[Path, tuple[tuple[int, int], dict]] = {}


def _read_toml(path: Path) -> dict:
    status = path.stat()
    signature = (status.st_size, status.st_mtime_ns)
    known = _PARSED.get(path)
    if known is None or known[0] != signature:
        with open(path, "rb") as handle:
            known = _PARSED[path] = (signature, tomllib.load(handle))
    return known[1]


def discover(root: Path = ROOT, kind: str | None = None) -> list[Document]:
    """Every folder of sources/ with a document.toml (of one kind, if given), in the order of their
    names (the document ids)."""
    found = []
    for metadata in sorted((root / SOURCES_DIR).glob(f"*/{METADATA_FILE}")):
        document = Document(metadata.parent.name, metadata.parent, _read_toml(metadata))
        if kind is None or document.kind == kind:
            found.append(document)
    return found


def coding_rows(root: Path, name: str) -> list[dict]:
    """The rows of coding/NAME in every document folder that has one, documents in order; each row
    also carries "_document", its document's id, and "_file" and "_line", where it is written (for
    messages)."""
    rows: list[dict] = []
    for document in discover(root):
        path = document.coding / name
        if path.is_file():
            where = document.relative(path, root)
            rows += [{**row, "_document": document.document_id, "_file": where, "_line": line}
                     for line, row in enumerate(read_dicts(path), start=2)]
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
            "kind": document.kind,
            "title": document.title,
            "series": meta.get("series", ""),
            "publishers": PUBLISHER_SEPARATOR.join(meta["publishers"]),
            "mission": workshop.get("mission", meta.get("mission", "")),
            "mission_actor_id": workshop.get("mission_actor_id", meta.get("mission_actor_id", "")),
            "host_country_iso3": workshop.get("host_country_iso3", meta.get("host_country_iso3", "")),
            "workshop_date": workshop.get("date", ""),
            "publication_month": document.publication_month,
            "url": meta["url"],
            "expected_renewal": workshop.get("expected_renewal", ""),
            "attribution_rule": workshop.get("attribution_rule", ""),
            "source_file": document.source.relative_to(root / SOURCES_DIR).as_posix(),
            "source_sha256": meta["source"]["sha256"],
            "language": meta["language"],
            "paragraph_id": workshop.get("paragraph_id", ""),
            "mandate_in_force_id": meta.get("council", {}).get("mandate_in_force", ""),
            "decision_id": meta.get("council", {}).get("decision", ""),
        })
    return rows


# Where in document.toml each column of data/generated/documents.csv comes from: (table, key), the
# table "" for a top-level key. A resolution's title and month come from its record, not from here.
TOML_KEYS = {
    "kind": ("", "kind"), "title": ("", "title"), "series": ("", "series"), "publishers": ("", "publishers"),
    "publication_month": ("", "publication_month"), "url": ("", "url"), "language": ("", "language"),
    "source_file": ("source", "file"), "source_sha256": ("source", "sha256"),
    "workshop_date": ("workshop", "date"), "expected_renewal": ("workshop", "expected_renewal"),
    "attribution_rule": ("workshop", "attribution_rule"), "paragraph_id": ("workshop", "paragraph_id"),
    "mission_actor_id": ("workshop", "mission_actor_id"), "host_country_iso3": ("workshop", "host_country_iso3"),
    "mandate_in_force_id": ("council", "mandate_in_force"), "decision_id": ("council", "decision"),
}


def toml_source(root: Path, document_id: str, column: str) -> tuple[str, int, str] | None:
    """(file, line, key) of the line of document.toml that a column of a document's row in
    documents.csv is made from, so that a problem names what to edit; None where the value comes
    from elsewhere (a resolution's record) or the document.toml does not write that key."""
    path = root / SOURCES_DIR / document_id / METADATA_FILE
    if column not in TOML_KEYS or not path.is_file():
        return None
    table, key = TOML_KEYS[column]
    lines = path.read_text(encoding="utf-8").splitlines()
    # A resolution states its mission and host country at the top level, not under [workshop].
    places = [(table, key)] + ([("", key)] if table == "workshop" else [])
    for wanted, name in places:
        current = ""
        for number, line in enumerate(lines, start=1):
            header = re.match(r"\s*\[([^\]]+)\]", line)
            if header:
                current = header.group(1).strip()
            elif current == wanted and re.match(rf"\s*{re.escape(name)}\s*=", line):
                return f"{SOURCES_DIR}/{document_id}/{METADATA_FILE}", number, f"[{wanted}] {name}" if wanted else name
    return None


def package_sources(root: Path = ROOT) -> list[dict]:
    """The "sources" of datapackage.json: each archived text with its publishers, hash and copyright."""
    sources = []
    for document in discover(root):
        meta = document.meta
        year, month = document.publication_month.split("-")
        publishers = meta["publishers"]
        named = ", ".join(publishers[:-1]) + " and " + publishers[-1] if len(publishers) > 1 else publishers[0]
        sources.append({
            "title": f"{document.title} ({named}, {MONTHS[int(month) - 1]} {year})",
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
    """Each archived file (the source, and a resolution's metadata) is present and has the hash its
    document.toml states."""
    problems = []
    for document in discover(root):
        where = document.relative(document.folder / METADATA_FILE, root)
        for part, path, stated in document.archived_files():
            if not path.is_file():
                problems.append(Problem(where, 0, f"{part}.file", f"{part} file missing", path.name))
                continue
            actual = sha256(path)
            if actual != stated:
                problems.append(Problem(where, 0, f"{part}.sha256",
                                        f"does not match {document.relative(path, root)} ({actual})", stated))
    return problems
