"""Run the gate on the package, then build the SQLite database from its CSVs: keys, indexes, full-text search;
atomic (a failed or refused build leaves the previous database as it was), deterministic."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from mandate_notes.cast import cast_column
from mandate_notes.csvio import Problem, Table, parse_table, read_bounded
from mandate_notes.model import table_file
from mandate_notes.partial_files import partial_path, remove_abandoned
from mandate_notes.paths import DEFAULT_DATABASE as DEFAULT_OUTPUT
from mandate_notes.paths import ROOT
from schemas.classes import Table as Spec
from schemas.definitions import TABLES

FTS_PENDING_BYTES = 64 * 1024**2
SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


class BuildError(Exception):
    """A CSV value that cannot be stored; the message names file, line, column and value."""


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(spec: Spec) -> str:
    columns = [f"{quote_name(f.name)} {SQL_TYPES[f.type]}" for f in spec.fields]
    columns.append(f"PRIMARY KEY ({', '.join(quote_name(k) for k in spec.primary_key)})")
    for key in spec.foreign_keys:
        columns.append(f"FOREIGN KEY ({quote_name(key.column)}) REFERENCES {quote_name(key.table)} ({quote_name(key.key)})")
    return f"CREATE TABLE {quote_name(spec.name)} (\n  " + ",\n  ".join(columns) + "\n)"


def index_sql(spec: Spec) -> list[str]:
    """One index per foreign-key column (the primary key has its own)."""
    statements = []
    for key in spec.foreign_keys:
        columns = [key.column]
        if columns == spec.primary_key[: len(columns)]:
            continue
        name = f"idx_{spec.name}_{'_'.join(columns)}"
        statements.append(
            f"CREATE INDEX {quote_name(name)} ON {quote_name(spec.name)} "
            f"({', '.join(quote_name(c) for c in columns)})"
        )
    return statements


def fts_sql(spec: Spec) -> list[str]:
    """An FTS5 index over the text columns, in the layout Datasette detects (content=table)."""
    columns = spec.fts
    if not columns:
        return []
    table = spec.name
    fts = f"{table}_fts"
    names = ", ".join(quote_name(c) for c in columns)
    return [
        # The Porter stemmer over Unicode words: "elections" finds "election", "peacekeeper" "peacekeepers".
        f"CREATE VIRTUAL TABLE {quote_name(fts)} USING FTS5 ({names}, content={quote_name(table)}, "
        "tokenize='porter unicode61')",
        # Terms are held in memory up to this many bytes before a segment is written (SQLite's
        # default is 1 MB): fewer segments to merge, the index of a million paragraphs in half the time.
        f"INSERT INTO {quote_name(fts)} ({quote_name(fts)}, rank) VALUES ('hashsize', {FTS_PENDING_BYTES})",
        f"INSERT INTO {quote_name(fts)} (rowid, {names}) SELECT rowid, {names} FROM {quote_name(table)}",
    ]


def typed_rows(table: Table, spec: Spec) -> list[tuple]:
    """A table's rows as the database stores them, through the one conversion validation checks
    (mandate_notes/cast.py), in primary-key order (keys compared as the text of their typed values).

    Converted column by column, each distinct value once: a column of codes or references holds a
    few values over many rows. A cell that cannot be converted is raised as a BuildError naming the
    first such cell in file order, as a row-by-row conversion would.
    """
    specs = spec.fields
    names = [f.name for f in specs]
    columns, first_failure = [], None
    for position, (name, kind) in enumerate(zip(names, (f.type for f in specs))):
        values = table.frame[name].tolist()
        typed, failed = cast_column(values, kind)
        if failed is not None and (first_failure is None or failed[0] < first_failure[0]):
            first_failure = (*failed, position)
        columns.append(typed)
    if first_failure is not None:
        index, rule, position = first_failure
        raise BuildError(str(Problem(table.file, table.line(index), names[position], rule,
                                     table.frame.iat[index, position])))
    rows = list(zip(*columns)) if columns else []
    keys = [["" if value is None else str(value) for value in columns[names.index(k)]] for k in spec.primary_key]
    sort_keys = keys[0] if len(keys) == 1 else list(zip(*keys))
    return [rows[at] for at in sorted(range(len(rows)), key=sort_keys.__getitem__)]


def read_rows(data_dir: Path, spec: Spec) -> list[tuple]:
    """One table of a data folder, read by the package's one CSV reader and converted; the first
    problem found, if any, is raised as a BuildError."""
    problems: list[Problem] = []
    file = table_file(spec.name)
    # Files are named as in the package (data/...), so the folder holding data_dir is the root.
    raw = read_bounded(data_dir.parent, file, problems)
    table = None if raw is None else parse_table(spec.name, file, raw, spec.field_names, 0, problems)
    if problems or table is None:
        raise BuildError(str(problems[0]) if problems else f"{file}: cannot be read")
    return typed_rows(table, spec)


def build_database(data_dir: Path, target: Path) -> None:
    """Build the database of a data folder (read and converted here; not validated)."""
    write_database({spec.name: read_rows(data_dir, spec) for spec in TABLES}, target)


def write_database(rows_of: dict[str, list[tuple]], target: Path) -> None:
    """Write the tables' typed rows to a temporary file beside target and rename it into place when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    temporary = partial_path(target)
    temporary.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                for spec in TABLES:
                    connection.execute(create_table_sql(spec))
                    rows = rows_of[spec.name]
                    placeholders = ", ".join("?" for _ in spec.fields)
                    connection.executemany(
                        f"INSERT INTO {quote_name(spec.name)} VALUES ({placeholders})", rows
                    )
                for spec in TABLES:
                    for statement in index_sql(spec) + fts_sql(spec):
                        connection.execute(statement)
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                table, rowid, parent, _ = broken[0]
                raise BuildError(f"{table}: row {rowid}: foreign key to {parent} broken ({len(broken)} in all)")
            # No VACUUM: a file written once from empty has no free page, and rewriting it whole
            # would only reorder pages (a fifth of the time of a build at a million rows).
        finally:
            connection.close()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    """path relative to the working folder when inside it (a console line names no machine's folders)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="package folder holding datapackage.json and data/ (default: this repository)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="database file (default: build/mandate_notes.db)")
    args = parser.parse_args(argv)
    # Never build from data that fails the gate, even when this script is run on its own; and
    # build from exactly the tables that were validated, read once, from the same descriptor.
    from mandate_notes.validate import run_gate

    verdict = run_gate(args.root)
    for problem in verdict.problems:
        print(problem, file=sys.stderr)
    if verdict.problems:
        print(f"build refused, {args.output.name} left as it was: {len(verdict.problems)} problem(s) found",
              file=sys.stderr)
        return 1
    tables = verdict.tables
    try:
        write_database({spec.name: typed_rows(tables[spec.name], spec) for spec in TABLES}, args.output)
    except (BuildError, OSError, sqlite3.Error) as error:
        print(f"build failed, {args.output.name} left as it was: {error}", file=sys.stderr)
        return 1
    print(f"built {_shown(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
