"""The SQLite build: keys, indexes and full-text search; byte-identical twice; atomic on failure."""

import hashlib
import shutil
import sqlite3
import subprocess

import pytest

from schemas.definitions import TABLES
from mandate_notes.build import BuildError, build_database
from mandate_notes.model import csv_path


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_of_the_same_inputs_are_byte_identical(root, tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    build_database(root / "data", first)
    build_database(root / "data", second)
    assert sha256(first) == sha256(second)


def test_every_table_has_its_primary_key_and_foreign_keys(built_database):
    connection = sqlite3.connect(built_database)
    for spec in TABLES:
        columns = connection.execute(f'PRAGMA table_info("{spec.name}")').fetchall()
        key = [row[1] for row in sorted(columns, key=lambda r: r[5]) if row[5]]
        assert key == spec.primary_key, spec.name
        references = {row[2] for row in connection.execute(f'PRAGMA foreign_key_list("{spec.name}")')}
        assert references == {key.table for key in spec.foreign_keys}
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_full_text_search_finds_paragraph_text(built_database):
    connection = sqlite3.connect(built_database)
    hits = connection.execute(
        "SELECT p.paragraph_id FROM paragraphs_fts f JOIN paragraphs p ON p.rowid = f.rowid "
        "WHERE paragraphs_fts MATCH 'Wagner'"
    ).fetchall()
    assert len(hits) >= 3


def test_row_counts_equal_the_csvs(root, built_database):
    connection = sqlite3.connect(built_database)
    for spec in TABLES:
        with open(csv_path(root / "data", spec.name), encoding="utf-8") as handle:
            import csv

            expected = sum(1 for _ in csv.reader(handle)) - 1
        assert connection.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0] == expected


def test_a_failed_build_leaves_the_last_good_database_untouched(root, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    target = tmp_path / "out.db"
    build_database(data, target)
    before = sha256(target)
    path = csv_path(data, "support_levels")
    path.write_text(path.read_text(encoding="utf-8").replace(",2,", ",two,"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"data/support_levels.csv:3: rank: type integer: 'two'"):
        build_database(data, target)
    assert sha256(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.db"]


def cell_by_cell(table, spec):
    """The conversion as a reader of the codebook would do it: each row, each cell, then sorted by key."""
    from mandate_notes.build import Problem
    from mandate_notes.cast import CastError, cast
    kinds = [f.type for f in spec.fields]
    names = [f.name for f in spec.fields]
    rows = []
    for index, record in enumerate(table.frame.itertuples(index=False, name=None)):
        converted = []
        for name, value, kind in zip(names, record, kinds):
            try:
                converted.append(cast(value, kind))
            except CastError as error:
                raise BuildError(str(Problem(table.file, table.line(index), name, error.rule, value))) from None
        rows.append(tuple(converted))
    at = [names.index(k) for k in spec.primary_key]
    return sorted(rows, key=lambda row: tuple("" if row[i] is None else str(row[i]) for i in at))


def test_the_column_by_column_conversion_stores_what_a_cell_by_cell_one_would(root, tmp_path):
    """typed_rows converts each distinct value of a column once; every table of the real data, and a
    table with several bad cells (the first in file order named), comes out as cell by cell."""
    from mandate_notes.build import typed_rows
    from mandate_notes.checks import check_package

    problems, tables = check_package(root)
    assert problems == []
    for spec in TABLES:
        assert typed_rows(tables[spec.name], spec) == cell_by_cell(tables[spec.name], spec), spec.name
    # Bad cells in two columns: the one on the earlier row is named, as row by row.
    paragraphs = tables["paragraphs"]
    spec = next(s for s in TABLES if s.name == "paragraphs")
    frame = paragraphs.frame.copy()
    frame.loc[len(frame) - 1, "sequence"] = "1e999"
    frame.loc[len(frame) - 3, "last_line"] = "12x"
    frame.loc[len(frame) - 2, "sequence"] = "twelve"
    broken = type(paragraphs)(paragraphs.name, paragraphs.file, frame, paragraphs.lines)
    with pytest.raises(BuildError) as expected:
        cell_by_cell(broken, spec)
    with pytest.raises(BuildError) as found:
        typed_rows(broken, spec)
    assert str(found.value) == str(expected.value)
    assert str(found.value) == f"{paragraphs.file}:{paragraphs.line(len(frame) - 3)}: last_line: type integer: '12x'"


def test_a_killed_builds_temporary_file_is_removed_by_the_next_build(root, tmp_path):
    """A build killed half way left `.mandate_notes.db.PID.tmp` beside the database for ever."""
    from mandate_notes.partial_files import partial_name

    process = subprocess.Popen(["true"])
    process.wait()
    target = tmp_path / "mandate_notes.db"
    abandoned = tmp_path / partial_name(target.name, process.pid)
    abandoned.write_bytes(b"half a database")
    build_database(root / "data", target)
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name]
