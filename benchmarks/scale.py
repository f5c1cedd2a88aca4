"""Grow the package to about N rows in its largest table, keeping every key, foreign key and quote rule valid.

The package's notes are copied whole, again and again: copy k of every content row gets each of its
own ids, and every reference to a content table's id but those KEPT, suffixed with `-sK` (copy 0 keeps the real
ids); a resolution's symbol keeps its form, with the copy's number before its own (RENAMED_WITH
names the columns that repeat one). Texts are left as they are, so every quote still occurs verbatim
in its (renamed) paragraph, every bullet still follows its lead-in and every footnote marker still points at its footnote.
Code lists are copied unchanged. Tables grow in the real tables' proportions; a content table that
is empty today stays empty and grows as soon as it holds rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from pathlib import Path

from mandate_notes.paths import ROOT

from schemas.definitions import CODE_LISTS, CONTENT_TABLES, SYMBOL_PATTERN
from mandate_notes.csvio import read_rows
from mandate_notes.model import csv_path, descriptor

DEFAULT_OUTPUT = ROOT / "build" / "bench"


def renamed_columns() -> dict[str, list[str]]:
    """For each content table, the columns whose values are given a fresh value in every copy.

    These are a table's own single-column key, any other column that must be unique, and every
    foreign key into a content table (whose target column is itself renamed, so references stay
    consistent). Foreign keys into code lists keep their values.
    """
    content = {spec.name for spec in CONTENT_TABLES}
    renamed: dict[str, list[str]] = {}
    for spec in CONTENT_TABLES:
        columns = []
        for field in spec.fields:
            name = field.name
            unique = field.constraints.unique
            if spec.primary_key == [name] or unique:
                columns.append(name)
        for key in spec.foreign_keys:
            if key.table in content and key.column not in columns:
                columns.append(key.column)
        renamed[spec.name] = [column for column in columns if column not in KEPT.get(spec.name, ())]
    for spec in CONTENT_TABLES:
        # A copy whose key had no renamed column would repeat the original's key.
        if not set(spec.primary_key) & set(renamed[spec.name]):
            raise ValueError(f"{spec.name}: no key column is renamed, copies would collide")
        for key in spec.foreign_keys:
            if key.table in content and key.key not in renamed[key.table]:
                raise ValueError(f"{spec.name}: reference to {key.table} would not follow the copy")
    return renamed


# Columns that repeat a renamed value of the row another column of theirs names, by a rule between
# tables rather than a foreign key: a catalogue row's resolution symbol is that of the resolution its
# id names (council.series_problems), so it is renamed with it, where the id is given.
RENAMED_WITH = {"series_notes": {"mandate_in_force_symbol": "mandate_in_force_id", "decision_symbol": "decision_id"}}


# Foreign keys into a content table that keep their value in every copy, by a rule between tables: a
# document's mission actor is the one its mission's row of missions.csv names (a code list, copied
# unchanged), so every copy of a note on a mission names the same actor.
KEPT = {"documents": ("mission_actor_id",)}


def renamed(value: str, copy: int) -> str:
    """The value in copy `copy`: ids get a -sK suffix; a file name gets it before its extension; a
    resolution's symbol keeps its form (SYMBOL_PATTERN), the copy's number written before its own
    (S/RES/2640 (2022) -> S/RES/1002640 (2022) in copy 1)."""
    if copy == 0 or value == "":
        return value
    if re.fullmatch(SYMBOL_PATTERN, value):
        number, year = value.removeprefix("S/RES/").split(" ")
        return f"S/RES/{copy}{int(number):06d} {year}"
    stem, dot, extension = value.rpartition(".")
    if dot and stem and "/" not in extension:
        return f"{stem}-s{copy}.{extension}"
    return f"{value}-s{copy}"


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """A table of the package being scaled, read by the package's one CSV reader."""
    return read_rows(path.name, path.read_bytes())


SYNTHETIC = "Synthetic benchmark package"


def _check_replaceable(output: Path, source: Path) -> None:
    """Only ever delete a folder this script wrote."""
    marker = output / "datapackage.json"
    ours = marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("description", "").startswith(SYNTHETIC)
    if output == source or (any(output.iterdir()) and not ours):
        raise ValueError(f"{output} exists and is not a scaled package: not replacing it")


def copies_for(rows: int, largest: int) -> int:
    """How many copies of the notes bring the largest content table nearest to `rows` rows."""
    if largest == 0:
        raise ValueError("every content table is empty: nothing to scale")
    return max(1, round(rows / largest))


def scale_package(source: Path, output: Path, rows: int) -> dict[str, int]:
    """Write a scaled copy of the package at source into output; returns the rows of each table."""
    data_in, data_out = source / "data", output / "data"
    if output.exists():
        _check_replaceable(output, source)
        shutil.rmtree(output)
    (data_out / "generated").mkdir(parents=True)
    tables = {spec.name: read_csv(csv_path(data_in, spec.name)) for spec in CONTENT_TABLES}
    copies = copies_for(rows, max(len(body) for _, body in tables.values()))
    counts = {}
    for name, columns in renamed_columns().items():
        header, body = tables[name]
        positions = [header.index(column) for column in columns]
        alongside = [(header.index(column), header.index(named_by))
                     for column, named_by in RENAMED_WITH.get(name, {}).items()]
        with open(csv_path(data_out, name), "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for copy in range(copies):
                for record in body:
                    record = list(record)
                    for position, named_by in alongside:
                        if record[named_by]:
                            record[position] = renamed(record[position], copy)
                    for position in positions:
                        record[position] = renamed(record[position], copy)
                    writer.writerow(record)
        counts[name] = copies * len(body)
    for spec in CODE_LISTS:
        shutil.copyfile(csv_path(data_in, spec.name), csv_path(data_out, spec.name))
        counts[spec.name] = len(read_csv(csv_path(data_in, spec.name))[1])
    package = descriptor(source)
    package["description"] = (
        f"{SYNTHETIC}: the real notes copied {copies} times under new ids. "
        + package["description"]
    )
    (output / "datapackage.json").write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline=""
    )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, required=True, help="target rows of the largest content table")
    parser.add_argument("--source", type=Path, default=ROOT, help="package folder to grow (default: this repository)")
    parser.add_argument("--output", type=Path, help="folder to write (default: build/bench/rows-N); replaced if present")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    output = args.output or DEFAULT_OUTPUT / f"rows-{args.rows}"
    try:
        counts = scale_package(args.source.resolve(), output.resolve(), args.rows)
    except (OSError, ValueError, csv.Error) as error:
        print(f"scale failed: {error}", file=sys.stderr)
        return 1
    content = {spec.name for spec in CONTENT_TABLES}
    grown = ", ".join(f"{name} {count:,}" for name, count in sorted(counts.items()) if name in content and count)
    print(f"wrote {output}: {grown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
