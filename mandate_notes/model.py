"""Turn the table definitions into a Frictionless data package descriptor and related metadata."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from mandate_notes.documents import keywords, package_sources
from mandate_notes.paths import DATA_DIR, GENERATED, ROOT
from schemas.classes import Field, Table
from schemas.definitions import AUTHORS, PACKAGE, TABLES, table

DATA = ROOT / DATA_DIR


def table_file(name: str) -> str:
    """A table's CSV relative to the package root: data/NAME.csv, or data/generated/NAME.csv for a
    table a command makes."""
    folder = f"{DATA_DIR}/{GENERATED}" if table(name).generated else DATA_DIR
    return f"{folder}/{name}.csv"


def csv_path(data_dir: Path, name: str) -> Path:
    """A table's CSV inside a data folder (the package's data/ or a copy of it)."""
    return data_dir / table_file(name).removeprefix(f"{DATA_DIR}/")


def version() -> str:
    """The dataset version; pyproject.toml is the only place it is written by hand."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def table_schema(spec: Table) -> dict:
    """The Table Schema of one table, as published in datapackage.json."""
    schema: dict = {"fields": [], "primaryKey": spec.primary_key}
    for field in spec.fields:
        entry = {"name": field.name, "type": field.type, "description": field.published_description()}
        if field.type == "boolean":
            entry["trueValues"] = ["true"]
            entry["falseValues"] = ["false"]
        if field.constraints.published():
            entry["constraints"] = field.constraints.published()
        schema["fields"].append(entry)
    schema["missingValues"] = [""]
    foreign_keys = []
    for key in spec.foreign_keys:
        foreign_keys.append(
            {
                "fields": [key.column],
                # Frictionless names a reference to the table itself with an empty string.
                "reference": {"resource": "" if key.table == spec.name else key.table, "fields": [key.key]},
            }
        )
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def package_keywords(root: Path = ROOT) -> list[str]:
    """The series' keywords, then each document's own."""
    return PACKAGE["keywords"] + [word for word in keywords(root) if word not in PACKAGE["keywords"]]


def file_facts(content: bytes) -> dict:
    """The "bytes" and "hash" of a file, added to each resource at release time only: in the
    repository they would change with every edit of a row."""
    return {"bytes": len(content), "hash": f"sha256:{hashlib.sha256(content).hexdigest()}"}


def descriptor(root: Path = ROOT) -> dict:
    """The full datapackage.json content, made from the table model and the document folders."""
    resources = []
    for spec in TABLES:
        resource = {
            "name": spec.name,
            "path": table_file(spec.name),
            "title": spec.title,
            "description": spec.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
        }
        # Not part of the Frictionless standard (which ignores it); schemas/checks.py enforces it.
        if spec.min_rows:
            resource["minRows"] = spec.min_rows
        resource["schema"] = table_schema(spec)
        resources.append(resource)
    meta = {key: value for key, value in PACKAGE.items() if key != "code_license"}
    meta["keywords"] = package_keywords(root)
    meta = {**meta, "sources": package_sources(root)}
    return {
        "profile": "tabular-data-package",
        **meta,
        "contributors": [author.contributor() for author in AUTHORS],
        "version": version(),
        "resources": resources,
    }


# Words of column names that are written otherwise in a title.
TITLE_WORDS = {"id": "ID", "un": "UN", "url": "URL", "iso3": "ISO3", "sha256": "SHA-256", "eid": "eId",
               "vii": "VII", "doi": "DOI", "pema": "PEMA"}


def field_title(spec: Table, field: Field) -> str:
    """A column's title on a row page: the field's declared "title", else its name in words; a
    reference's trailing "id" and a boolean's leading "is" are left out (the value says them).

    >>> from schemas.definitions import table
    >>> spec = table("recommendations")
    >>> [field_title(spec, f) for f in spec.fields if f.name in ("recommendation_id", "addressee_actor_id", "is_opening_bullet")]
    ['Recommendation ID', 'Opening bullet', 'Addressee actor']
    """
    if field.title:
        return field.title
    return column_words(field.name, reference=field.name not in spec.primary_key)


def column_words(name: str, reference: bool = True) -> str:
    """A column's name in words; a reference (a column naming another row) without its "id".

    >>> column_words("document_id"), column_words("document_id", reference=False), column_words("eid")
    ('Document', 'Document ID', 'eId')
    """
    words = name.split("_")
    if words[-1] == "id" and len(words) > 1 and reference:
        words = words[:-1]
    if words[0] == "is" and len(words) > 1:
        words = words[1:]
    title = " ".join(TITLE_WORDS.get(word, word) for word in words)
    return title if words[0] in TITLE_WORDS else title[0].upper() + title[1:]
