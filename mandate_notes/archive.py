"""What the release archive holds, part by part: the facts the release writes by and the home page
describes the archive from, kept in a leaf module so that neither imports the other."""

from __future__ import annotations

import fnmatch

from mandate_notes.paths import DATABASE_FILE

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
