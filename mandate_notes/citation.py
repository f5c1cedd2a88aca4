"""How to cite the dataset and a row of it, for the current version."""

from __future__ import annotations

from mandate_notes.model import version
from mandate_notes.versions import release_date
from schemas.definitions import AUTHOR, DATA_LICENSE, PACKAGE


def citation_year(release: str) -> str:
    """The year of the version's release in CHANGELOG.md; "n.d." while it has no dated entry."""
    released_on = release_date(release)
    return released_on[:4] if released_on else "n.d."


def citation_text(release: str | None = None) -> str:
    release = release or version()
    return (
        f"{AUTHOR} ({citation_year(release)}). {PACKAGE['title']} (Version {release}) [Data set]. "
        f"{PACKAGE['homepage']}"
    )


def citation_bibtex(release: str | None = None) -> str:
    release = release or version()
    key = f"mandatenotes_{release.replace('.', '_')}"
    return (
        f"@misc{{{key},\n"
        f"  author = {{{{{AUTHOR}}}}},\n"
        f"  title = {{{PACKAGE['title']}}},\n"
        f"  year = {{{citation_year(release)}}},\n"
        f"  version = {{{release}}},\n"
        f"  howpublished = {{\\url{{{PACKAGE['homepage']}}}}},\n"
        f"  note = {{Data set, {DATA_LICENSE['name']}}}\n"
        f"}}"
    )


def row_citation(table: str, row_id: str, release: str | None = None) -> str:
    """How to cite one row: dataset version plus the row's stable id.

    >>> row_citation("recommendations", "ipi-2023-minusma-rec-001", "1.0.0").split("[Data set]. ")[1]
    'https://github.com/mandate-notes/mandate-notes, table recommendations, row ipi-2023-minusma-rec-001.'
    """
    release = release or version()
    return f"{citation_text(release)}, table {table}, row {row_id}."
