"""How to cite the dataset and a row of it, for the current version."""

from __future__ import annotations

from mandate_notes.model import version
from mandate_notes.versions import release_date
from schemas.definitions import AUTHOR, DATA_LICENSE, PACKAGE, PUBLISHED


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


def row_citation(table: str, row_id: str, release: str | None = None, source: str = "", path: str = "") -> str:
    """How to cite one row: dataset version, table, the row's stable id, the source document it is
    coded from, and (once published) its page on the public site and the dataset's DOI.

    >>> row_citation("recommendations", "ipi-2023-minusma-rec-001", "1.0.0").split("[Data set]. ")[1]
    'https://github.com/mandate-notes/mandate-notes, table recommendations, row ipi-2023-minusma-rec-001.'
    >>> row_citation("statistics", "s-1", "1.0.0", source="A note, Its Publisher, paragraph p-7").split("s-1. ")[1]
    'Source: A note, Its Publisher, paragraph p-7.'
    """
    release = release or version()
    return with_source_and_address(f"{citation_text(release)}, table {table}, row {row_id}.", source, path)


def with_source_and_address(text: str, source: str = "", path: str = "") -> str:
    """A row's citation completed with its source and, once published, its address and the DOI."""
    if source:
        text += f" Source: {source}."
    if PUBLISHED["site_url"] and path:
        text += f" {PUBLISHED['site_url'].rstrip('/')}{path}"
    if PUBLISHED["doi"]:
        text += f" https://doi.org/{PUBLISHED['doi']}"
    return text
