"""How to cite the dataset and a row of it, for the current version.

The authors are schemas/definitions.py's AUTHORS; once the dataset is published (PUBLISHED there),
a citation ends with the DOI, and a row's with its page at the public address first.
"""

from __future__ import annotations

from mandate_notes.model import version
from mandate_notes.versions import release_date
from schemas.authors import cited_names
from schemas.definitions import AUTHORS, DATA_LICENSE, PACKAGE, PUBLISHED


def citation_year(release: str) -> str:
    """The year of the version's release in CHANGELOG.md; "n.d." while it has no dated entry."""
    released_on = release_date(release)
    return released_on[:4] if released_on else "n.d."


def dataset_reference(release: str | None = None) -> str:
    """Authors, year, title, version and the project's address: what every citation starts with."""
    release = release or version()
    return (
        f"{cited_names(AUTHORS)} ({citation_year(release)}). {PACKAGE['title']} (Version {release}) [Data set]. "
        f"{PACKAGE['homepage']}"
    )


def doi_address(published: dict | None = None) -> str:
    """The DOI as an address, once the dataset has one; '' until then."""
    doi = (PUBLISHED if published is None else published)["doi"]
    return f"https://doi.org/{doi}" if doi else ""


def citation_text(release: str | None = None, published: dict | None = None) -> str:
    return " ".join(filter(None, [dataset_reference(release), doi_address(published)]))


def citation_bibtex(release: str | None = None, published: dict | None = None) -> str:
    release = release or version()
    key = f"mandatenotes_{release.replace('.', '_')}"
    doi = (PUBLISHED if published is None else published)["doi"]
    return (
        f"@misc{{{key},\n"
        f"  author = {{{' and '.join(author.bibtex() for author in AUTHORS)}}},\n"
        f"  title = {{{PACKAGE['title']}}},\n"
        f"  year = {{{citation_year(release)}}},\n"
        f"  version = {{{release}}},\n"
        + (f"  doi = {{{doi}}},\n" if doi else "")
        + f"  howpublished = {{\\url{{{PACKAGE['homepage']}}}}},\n"
        f"  note = {{Data set, {DATA_LICENSE['name']}}}\n"
        f"}}"
    )


def row_reference(table: str, row_id: str, release: str | None = None) -> str:
    """The dataset's reference with the table and the row's stable id."""
    return f"{dataset_reference(release)}, table {table}, row {row_id}."


def row_citation(table: str, row_id: str, release: str | None = None, source: str = "", path: str = "",
                 published: dict | None = None) -> str:
    """How to cite one row: dataset version, table, the row's stable id, the source document it is
    coded from, and (once published) its page on the public site and the dataset's DOI.

    >>> row_citation("recommendations", "ipi-2023-minusma-rec-001", "1.0.0").split("[Data set]. ")[1]
    'https://github.com/mandate-notes/mandate-notes, table recommendations, row ipi-2023-minusma-rec-001.'
    >>> row_citation("statistics", "s-1", "1.0.0", source="A note, Its Publisher, paragraph p-7").split("s-1. ")[1]
    'Source: A note, Its Publisher, paragraph p-7.'
    >>> published = {"site_url": "https://data.example.org/", "doi": "10.5555/example"}
    >>> row_citation("actors", "minusma", "1.0.0", path="/mandate_notes/actors/minusma", published=published).split("minusma. ")[1]
    'https://data.example.org/mandate_notes/actors/minusma https://doi.org/10.5555/example'
    """
    return completed(row_reference(table, row_id, release), source, path, published)


def completed(reference: str, source: str = "", path: str = "", published: dict | None = None) -> str:
    """A row's reference completed with its source and, once published, its public address (path on
    the public site) and the DOI."""
    published = PUBLISHED if published is None else published
    text = reference + (f" Source: {source}." if source else "")
    address = f"{published['site_url'].rstrip('/')}{path}" if published["site_url"] and path else ""
    return " ".join(filter(None, [text, address, doi_address(published)]))
