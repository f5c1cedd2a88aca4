"""Validate the package, then build the SQLite database from its CSVs: keys, indexes, full-text search;
atomic (a failed or refused build leaves the previous database as it was), deterministic."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from schemas.definitions import TABLES
from mandate_notes.model import fields

DEFAULT_OUTPUT = ROOT / "build" / "mandate_notes.db"
SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


class BuildError(Exception):
    """A CSV value that cannot be stored; the message names file, line, column and value."""


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(spec: dict) -> str:
    columns = [f"{quote_name(f['name'])} {SQL_TYPES[f['type']]}" for f in fields(spec)]
    columns.append(f"PRIMARY KEY ({', '.join(quote_name(k) for k in spec['primary_key'])})")
    for key in spec.get("foreign_keys", []):
        target = key["reference"]
        columns.append(
            f"FOREIGN KEY ({', '.join(quote_name(c) for c in key['fields'])}) "
            f"REFERENCES {quote_name(target['resource'])} ({', '.join(quote_name(c) for c in target['fields'])})"
        )
    return f"CREATE TABLE {quote_name(spec['name'])} (\n  " + ",\n  ".join(columns) + "\n)"


def index_sql(spec: dict) -> list[str]:
    """One index per foreign-key column (the primary key has its own)."""
    statements = []
    for key in spec.get("foreign_keys", []):
        columns = key["fields"]
        if columns == spec["primary_key"][: len(columns)]:
            continue
        name = f"idx_{spec['name']}_{'_'.join(columns)}"
        statements.append(
            f"CREATE INDEX {quote_name(name)} ON {quote_name(spec['name'])} "
            f"({', '.join(quote_name(c) for c in columns)})"
        )
    return statements


def fts_sql(spec: dict) -> list[str]:
    """An FTS5 index over the text columns, in the layout Datasette detects (content=table)."""
    columns = spec.get("fts")
    if not columns:
        return []
    table = spec["name"]
    fts = f"{table}_fts"
    names = ", ".join(quote_name(c) for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {quote_name(fts)} USING FTS5 ({names}, content={quote_name(table)})",
        f"INSERT INTO {quote_name(fts)} (rowid, {names}) SELECT rowid, {names} FROM {quote_name(table)}",
    ]


def convert(value: str, kind: str, where: str, column: str):
    """A CSV cell as the SQLite value: '' is NULL; booleans 1/0; numbers as numbers."""
    if value == "":
        return None
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": 1, "false": 0}[value]
    except (ValueError, KeyError):
        raise BuildError(f"{where}: {column}: type {kind}: {value!r}") from None
    return value


def read_rows(data_dir: Path, spec: dict) -> list[tuple]:
    path = data_dir / f"{spec['name']}.csv"
    specs = fields(spec)
    names = [f["name"] for f in specs]
    rows = []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BuildError(f"data/{path.name}:{line}: -: invalid UTF-8: {raw[error.start:error.end]!r}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header != names:
            raise BuildError(f"data/{path.name}:1: -: header differs from the schema: {header!r}")
        for record in reader:
            where = f"data/{path.name}:{reader.line_num}"
            if len(record) != len(names):
                raise BuildError(f"{where}: -: row has {len(record)} fields, header has {len(names)}: {record!r}")
            rows.append(tuple(convert(v, f["type"], where, f["name"]) for v, f in zip(record, specs)))
    except csv.Error as error:
        raise BuildError(f"data/{path.name}:{reader.line_num}: -: malformed CSV: {error}") from None
    key_positions = [names.index(k) for k in spec["primary_key"]]
    rows.sort(key=lambda row: tuple("" if row[i] is None else str(row[i]) for i in key_positions))
    return rows


def build_database(data_dir: Path, target: Path) -> None:
    """Write the database to a temporary file beside target and rename it into place when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                for spec in TABLES:
                    connection.execute(create_table_sql(spec))
                    rows = read_rows(data_dir, spec)
                    placeholders = ", ".join("?" for _ in fields(spec))
                    connection.executemany(
                        f"INSERT INTO {quote_name(spec['name'])} VALUES ({placeholders})", rows
                    )
                for spec in TABLES:
                    for statement in index_sql(spec) + fts_sql(spec):
                        connection.execute(statement)
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                table, rowid, parent, _ = broken[0]
                raise BuildError(f"{table}: row {rowid}: foreign key to {parent} broken ({len(broken)} in all)")
            connection.execute("VACUUM")
        finally:
            connection.close()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="package folder holding datapackage.json and data/ (default: this repository)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="database file (default: build/mandate_notes.db)")
    args = parser.parse_args(argv)
    # Never build from data that fails validation, even when this script is run on its own.
    from mandate_notes.checks import validate_package

    try:
        problems = validate_package(args.root)
    except (OSError, ValueError) as error:
        problems = [f"datapackage.json:0: -: cannot read package: {error}"]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"build refused, {args.output.name} left as it was: {len(problems)} problem(s) found", file=sys.stderr)
        return 1
    try:
        build_database(args.root / "data", args.output)
    except (BuildError, OSError, sqlite3.Error) as error:
        print(f"build failed, {args.output.name} left as it was: {error}", file=sys.stderr)
        return 1
    print(f"built {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
