"""How to cite the dataset and a row of it, for the current version."""

from __future__ import annotations

from schemas.definitions import PACKAGE
from schemas.package import version

AUTHOR = "mandate-notes contributors"
YEAR = "2026"


def citation_text(release: str | None = None) -> str:
    release = release or version()
    return (
        f"{AUTHOR} ({YEAR}). {PACKAGE['title']} (Version {release}) [Data set]. "
        f"{PACKAGE['homepage']}"
    )


def citation_bibtex(release: str | None = None) -> str:
    release = release or version()
    key = f"mandatenotes_{release.replace('.', '_')}"
    return (
        f"@misc{{{key},\n"
        f"  author = {{{{{AUTHOR}}}}},\n"
        f"  title = {{{PACKAGE['title']}}},\n"
        f"  year = {{{YEAR}}},\n"
        f"  version = {{{release}}},\n"
        f"  howpublished = {{\\url{{{PACKAGE['homepage']}}}}},\n"
        f"  note = {{Data set, CC BY 4.0}}\n"
        f"}}"
    )


def row_citation(table: str, row_id: str, release: str | None = None) -> str:
    """How to cite one row: dataset version plus the row's stable id.

    >>> row_citation("recommendations", "ipi-2023-minusma-rec-001", "1.0.0")[:60]
    'mandate-notes contributors (2026). mandate-notes: coded meet'
    """
    release = release or version()
    return f"{citation_text(release)}, table {table}, row {row_id}."
