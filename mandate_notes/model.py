"""Turn the table definitions into a Frictionless data package descriptor and related metadata."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from schemas.definitions import PACKAGE, TABLES, resolve_field

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def version() -> str:
    """The dataset version; pyproject.toml is the only place it is written by hand."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def fields(spec: dict) -> list[dict]:
    return [resolve_field(field) for field in spec["fields"]]


def field_names(spec: dict) -> list[str]:
    return [field["name"] for field in fields(spec)]


def table_schema(spec: dict) -> dict:
    """The Table Schema of one table, as published in datapackage.json."""
    schema: dict = {"fields": [], "primaryKey": spec["primary_key"]}
    for field in fields(spec):
        entry = {"name": field["name"], "type": field["type"], "description": field["description"]}
        if field["type"] == "boolean":
            entry["trueValues"] = ["true"]
            entry["falseValues"] = ["false"]
        if field.get("constraints"):
            entry["constraints"] = dict(field["constraints"])
        schema["fields"].append(entry)
    schema["missingValues"] = [""]
    foreign_keys = []
    for key in spec.get("foreign_keys", []):
        resource = key["reference"]["resource"]
        foreign_keys.append(
            {
                "fields": key["fields"],
                # Frictionless names a reference to the table itself with an empty string.
                "reference": {
                    "resource": "" if resource == spec["name"] else resource,
                    "fields": key["reference"]["fields"],
                },
            }
        )
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def file_facts(path: Path) -> tuple[int, str]:
    content = path.read_bytes()
    return len(content), hashlib.sha256(content).hexdigest()


def descriptor(data_dir: Path = DATA) -> dict:
    """The full datapackage.json content, with each CSV's current size and hash."""
    resources = []
    for spec in TABLES:
        path = data_dir / f"{spec['name']}.csv"
        size, digest = file_facts(path) if path.exists() else (0, "")
        resource = {
            "name": spec["name"],
            "path": f"data/{spec['name']}.csv",
            "title": spec["title"],
            "description": spec["description"],
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{digest}",
        }
        # Not part of the Frictionless standard (which ignores it); schemas/checks.py enforces it.
        if spec.get("min_rows"):
            resource["minRows"] = spec["min_rows"]
        resource["schema"] = table_schema(spec)
        resources.append(resource)
    meta = {key: value for key, value in PACKAGE.items() if key != "code_license"}
    return {
        "profile": "tabular-data-package",
        **meta,
        "version": version(),
        "resources": resources,
    }
