"""Whatever bytes a data file holds, validation ends in a list of problems or in none, never in an
uncaught exception; the build's CSV reader ends in rows or a BuildError.

Each example replaces one CSV of the real package and runs the functions validate_package runs
(that table's file, cell and schema checks, then every cross-table rule over the real tables plus
the fuzzed one), so an example costs one table, not the whole package.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mandate_notes.checks import (
    Problem,
    cross_table_problems,
    load_package,
    resource_file_problems,
    table_problems,
)
from schemas.definitions import table as table_spec
from mandate_notes.build import BuildError, read_rows
from mandate_notes.model import csv_path, table_file

# Slow (`make check` leaves it out): each example runs every cross-table rule.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = load_package(ROOT)
RESOURCES = {resource["name"]: resource for resource in PACKAGE["resources"]}
# Bounded so that `make test` stays fast (each example runs every cross-table rule); each run draws
# new examples, and FUZZ_EXAMPLES=5000 makes a deeper search.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
# Characters that break CSV, encodings, normalisation or the rules in other ways.
HOSTILE = ',"\n\r\t\x00 \ufeff=+-@;:.0123456789aZé\u0301\u00a0²' + "'"
# Cells that are numbers or dates to a careless reader: other scripts' digits, leading zeros, beyond
# SQLite's integers, beyond floating point.
NUMERIC_EDGES = ["-٥", "١٥٠", "٢٠٢٣-05-18", "١", "01", "1" + "0" * 29, "9223372036854775807",
                 "9223372036854775808", "-9223372036854775809", "1e999", "-1e999", "1e308", "nan", "inf",
                 "2023-02-30", "0x10", "1_000", "٣.٥"]


@pytest.fixture(scope="module")
def real_tables() -> dict:
    tables: dict = {}
    for resource in PACKAGE["resources"]:
        assert table_problems(ROOT, resource, tables) == []
    return tables


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copy(ROOT / "datapackage.json", folder / "datapackage.json")
    return folder


@pytest.fixture(scope="module")
def values(real_tables) -> list[str]:
    """Cells of the real tables (ids, codes, texts), so that fuzzed rows reach the cross-table rules."""
    values = set()
    for table in real_tables.values():
        for column in table.frame.columns:
            values.update(table.frame[column].head(20))
    return sorted(values)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


def contents(name: str, values: list[str]) -> st.SearchStrategy[bytes]:
    """Random bytes; a well-formed CSV of the right header with real and hostile cells; the real file
    with a few bytes replaced."""
    real = (csv_path(ROOT / "data", name)).read_bytes()
    header = [field["name"] for field in RESOURCES[name]["schema"]["fields"]]
    cell = st.one_of(st.sampled_from(values), st.text(alphabet=HOSTILE, max_size=12), st.just(""),
                     st.sampled_from(NUMERIC_EDGES))
    row = st.lists(cell, min_size=len(header) - 1, max_size=len(header) + 1)
    well_formed = st.lists(row, max_size=6).map(lambda rows: csv_bytes(header, rows))
    mutated = st.tuples(
        st.integers(0, len(real)), st.integers(0, 3), st.binary(max_size=4)
    ).map(lambda change: real[: change[0]] + change[2] + real[change[0] + change[1]:])
    return st.one_of(st.binary(max_size=200), well_formed, mutated)


def check_structured(problems: list) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == "datapackage.json" or problem.file.startswith("data/")
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.rule and isinstance(problem.column, str) and isinstance(problem.value, str)
        assert str(problem).startswith(f"{problem.file}:{problem.line}: ")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@example(data=None)
def test_any_bytes_in_a_data_file_give_problems_or_success(data, real_tables, values, scratch):
    if data is None:
        # The real file, unchanged, must pass: the harness itself adds no problem.
        name, content = "paragraphs", (csv_path(ROOT / "data", "paragraphs")).read_bytes()
    else:
        name = data.draw(st.sampled_from(sorted(RESOURCES)), label="table")
        content = data.draw(contents(name, values), label="content")
    path = csv_path(scratch / "data", name)
    path.write_bytes(content)
    try:
        tables = {key: value for key, value in real_tables.items() if key != name}
        problems = table_problems(scratch, RESOURCES[name], tables)
        problems += cross_table_problems(PACKAGE, tables)
        problems += resource_file_problems(scratch, {"resources": [RESOURCES[name]]})
        check_structured(problems)
        if data is None:
            assert problems == []
        # What validation passes, the build stores (one reader, one conversion); what it refuses,
        # the build refuses naming the file.
        try:
            read_rows(scratch / "data", table_spec(name))
        except BuildError as error:
            assert problems, f"valid, yet the build refused it: {error}"
            assert str(error).startswith(f"{table_file(name)}:")
    finally:
        shutil.copy(csv_path(ROOT / "data", name), path)
