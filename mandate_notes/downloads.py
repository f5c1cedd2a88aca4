"""CSV downloads written as the published tables are: true/false, numbers without a needless ".0", LF.

Datasette writes a cell as Python prints its SQLite value (booleans 0/1, every number of a REAL
column with ".0") and ends lines with CRLF. An unfiltered table is served as its published file
when the file holds exactly the rows of the database being served (so it is byte for byte the file
of the release); otherwise, and for every filtered table or query, the export is written here, each
column by its type in the table model. A query's column is known by its name: in the model every
name has one type.

>>> published_cell(1, "boolean"), published_cell(8.0, "number"), published_cell(0.5, "number")
('true', '8', '0.5')
>>> datasette_cell_as_published("0", "boolean"), datasette_cell_as_published("8.0", "number")
('false', '8')

Every CSV made here (a query's, a filtered table's, the Excel flavour) is opened by spreadsheets, which
run a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula: such a cell,
unless it is a number, is written with a `'` before it, which a spreadsheet shows as text and does
not run (`neutralised`). The published tables hold no such text cell (the gate refuses them).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from mandate_notes.model import csv_path
from schemas.definitions import TABLES

# The Excel flavour: a byte-order mark so that Excel reads UTF-8, and CRLF.
EXCEL_SUFFIX = "-excel"
BOM = "\ufeff"
# Arguments of a table page that only shape the page: a download holds every row, in the columns
# of the published table.
PAGE_ARGUMENTS = {"_size", "_next", "_labels", "_facet", "_facet_array", "_facet_date", "_nocount", "_nofacet"}
# What opens a formula in a spreadsheet cell, and the numbers that open so and are not one.
FORMULA_OPENERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet may open it: one it would run as a formula gets a ' before it.

    >>> neutralised("=1+2"), neutralised("@SUM(A1)"), neutralised("+cmd")
    ("'=1+2", "'@SUM(A1)", "'+cmd")
    >>> neutralised("-5"), neutralised("-2.5e3"), neutralised("-x"), neutralised("a=b")
    ('-5', '-2.5e3', "'-x", 'a=b')
    """
    if cell.startswith(FORMULA_OPENERS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def download_arguments(query: list[tuple[str, str]], table: bool) -> list[tuple[str, str]]:
    """A page's query arguments as its download's: without the page-only ones; a filtered table
    streamed (every row, not one page)."""
    args = [(key, value) for key, value in query if key not in PAGE_ARGUMENTS]
    return args + [("_stream", "on")] if table and args else args


def column_types(names: list[str] | None = None) -> dict[str, str]:
    """name -> type of every column of the model (or of the tables named); the model gives each
    name one type, which a query's column of that name is read by."""
    found: dict[str, set[str]] = {}
    for spec in TABLES:
        if names is None or spec.name in names:
            for field in spec.fields:
                found.setdefault(field.name, set()).add(field.type)
    return {name: kinds.pop() for name, kinds in found.items() if len(kinds) == 1}


def table_types(name: str) -> dict[str, str]:
    [spec] = [spec for spec in TABLES if spec.name == name]
    return {field.name: field.type for field in spec.fields}


def published_number(number: float) -> str:
    """A number as the tables write it: an integral one without a fraction, never in exponent form."""
    if number.is_integer():
        return str(int(number))
    text = repr(number)
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def published_cell(value, kind: str | None) -> str:
    """A database value as the published CSV writes it; None is the empty cell."""
    if value is None:
        return ""
    if kind == "boolean" and value in (0, 1):
        return "true" if value else "false"
    if kind in ("number", "integer") and isinstance(value, float):
        return published_number(value)
    return str(value)


def datasette_cell_as_published(text: str, kind: str | None) -> str:
    """A cell of Datasette's CSV (the value as Python prints it) as the published CSV writes it."""
    if kind == "boolean" and text in ("0", "1"):
        return "true" if text == "1" else "false"
    if kind in ("number", "integer") and text not in ("", "inf", "-inf", "nan"):
        try:
            return published_number(float(text)) if ("." in text or "e" in text) else text
        except ValueError:
            return text
    return text


def write_csv(header: list[str], rows, line_end: str = "\n") -> str:
    r"""A CSV of header and rows, every cell neutralised (a published table's cells never need it).

    A carriage return in a cell is quoted, or a reader would end the record there (and read what
    follows as a new row's first cell): the csv module quotes only the characters of its line end,
    so a row holding one is written with CRLF and its own line end put back.

    >>> write_csv(["a", "b"], [["x\ry", "=z"]])
    'a,b\n"x\ry",\'=z\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    quoting_cr = csv.writer(buffer, lineterminator="\r\n")
    for row in [header, *rows]:
        cells = [neutralised(cell) for cell in row]
        if line_end == "\r\n" or not any("\r" in cell for cell in cells):
            writer.writerow(cells)
            continue
        quoting_cr.writerow(cells)
        buffer.seek(buffer.tell() - 2)
        buffer.truncate()
        buffer.write(line_end)
    return buffer.getvalue()


def rewrite_datasette_csv(text: str, kinds: dict[str, str]) -> str:
    """Datasette's CSV export (CRLF, Python's values) as the published CSV writes it."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return text
    header, body = rows[0], rows[1:]
    order = [kinds.get(name) for name in header]
    return write_csv(header, ([datasette_cell_as_published(cell, kind) for cell, kind in zip(row, order)]
                              for row in body))


def table_as_published(header: list[str], rows: list[tuple], name: str) -> str:
    """A table's database rows (in stored order) written as its published CSV."""
    kinds = table_types(name)
    return write_csv(header, ([published_cell(value, kinds.get(column)) for column, value in zip(header, row)]
                              for row in rows))


def published_file_if_same(data_dir: Path, name: str, exported: str) -> bytes | None:
    """The table's published file, if it holds exactly the rows written in `exported` (the
    database's, in any order); None if it is missing or differs (the data were edited after the build)."""
    path = csv_path(data_dir, name)
    if not path.is_file():
        return None
    raw = path.read_bytes()
    try:
        published = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    ours = list(csv.reader(io.StringIO(exported, newline="")))
    same = published[:1] == ours[:1] and sorted(published[1:]) == sorted(ours[1:])
    return raw if same else None


def excel_flavour(text: str) -> bytes:
    """A CSV that Excel opens with its text intact: UTF-8 with a byte-order mark, CRLF line ends."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return (BOM + text).encode("utf-8")
    return (BOM + write_csv(rows[0], rows[1:], line_end="\r\n")).encode("utf-8")
