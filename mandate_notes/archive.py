"""The release archive: its name, what it holds part by part, and whether a folder holds a sound copy
of it. The facts the release writes by and the site describes and serves the archive from, kept in
a leaf module so that neither imports the other."""

from __future__ import annotations

import fnmatch
import hashlib
from functools import lru_cache
from pathlib import Path

from mandate_notes.paths import DATABASE_FILE
from schemas.definitions import PACKAGE

# The name the site serves a folder of release archives under (a static mount: /release/NAME.zip).
RELEASE_MOUNT = "release"

# (path pattern of its files, what they are), in the order a reader looks for them. The release
# refuses a file no part describes, so the home page never says less than the archive holds.
ARCHIVE_PARTS = [
    ("data/*.csv", "every table as CSV, exactly as published"),
    ("datapackage.json", "datapackage.json (each table's schema, with its file's size and hash)"),
    ("codebook.md", "the codebook"),
    (DATABASE_FILE, "the SQLite database"),
    ("json/*.json", "each table as JSON"),
    ("parquet/*.parquet", "each table as typed Parquet"),
    ("stata/*.dta", "each table as a Stata .dta file"),
    ("CITATION.cff", "CITATION.cff"),
    ("LICENSE", "LICENSE, the terms of the tables, the code and the source text"),
    ("SHA256SUMS", "SHA256SUMS, the checksum of every file"),
]


def archive_part(path: str) -> str | None:
    """The description of the part of the archive a member belongs to (None if no part has it).

    >>> archive_part("parquet/actors.parquet"), archive_part("notes.txt")
    ('each table as typed Parquet', None)
    """
    return next((what for pattern, what in ARCHIVE_PARTS if fnmatch.fnmatchcase(path, pattern)), None)


def archive_name(release: str) -> str:
    """The archive's file name; its checksum file adds ".sha256".

    >>> archive_name("1.2.0")
    'mandate-notes-1.2.0.zip'
    """
    return f"{PACKAGE['name']}-{release}.zip"


@lru_cache(maxsize=8)
def _sha256(path: Path, size: int, modified_ns: int) -> str:
    # Keyed by size and time of change as well: a copy replaced is hashed again, an unchanged one once.
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def release_folder(static_mounts: list[tuple[str, str]]) -> Path | None:
    """The folder of release archives among a Datasette's static mounts (None if it has none)."""
    folder = dict(static_mounts).get(RELEASE_MOUNT)
    return Path(folder) if folder else None


def archive_in(folder: Path | None, release: str) -> dict:
    """The version's archive as a folder holds it: {"name", "bytes", "sha256"} when the archive and its
    checksum file are there and agree, else {"name", "missing": why, in words}.

    >>> archive_in(None, "1.2.0")["missing"]
    'this server has no folder of release archives'
    """
    name = archive_name(release)
    if folder is None:
        return {"name": name, "missing": "this server has no folder of release archives"}
    archive, checksum = folder / name, folder / f"{name}.sha256"
    if not archive.is_file():
        return {"name": name, "missing": f"the folder of release archives has no {name}"}
    if not checksum.is_file():
        return {"name": name, "missing": f"{name} has no checksum file beside it ({checksum.name})"}
    stated = checksum.read_text(encoding="ascii", errors="replace").split(maxsplit=1)[:1]
    facts = archive.stat()
    digest = _sha256(archive, facts.st_size, facts.st_mtime_ns)
    if stated != [digest]:
        return {"name": name, "missing": f"{name} does not match the SHA-256 its checksum file states"}
    return {"name": name, "bytes": facts.st_size, "sha256": digest}
