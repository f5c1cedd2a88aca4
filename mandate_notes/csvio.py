"""The one strict CSV reader: every command reads a table through it, with the same rules and bounds.

A file must be a regular file inside the package (not a link, a device or a folder), at most
MAX_FILE_BYTES long, UTF-8 without BOM or NUL, LF line endings, RFC 4180 quoting, the header the
table model expects, every row as wide as the header, and no cell longer than MAX_CELL_CHARS.
Every breach is a Problem naming file, line, column, rule and value.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


# Bounds on what is read, so a hostile file cannot take the machine's memory (stated in README).
MAX_FILE_BYTES = 2 * 1024**3
MAX_CELL_CHARS = 128 * 1024
# Problems listed per file; the rest are counted in one line (a file of 2,000,000 blank lines printed
# 2,000,000 problems, 173 MB, and took minutes).
MAX_PROBLEMS_PER_FILE = 50
# The csv module's own limit is set above ours, so that a long cell gets our message, not its own.
csv.field_size_limit(MAX_FILE_BYTES)


@dataclass(frozen=True, order=True)
class Problem:
    """One violation, printed as FILE:LINE: column: rule: value."""

    file: str
    line: int
    column: str
    rule: str
    value: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 120 else self.value[:117] + "..."
        return f"{self.file}:{self.line}: {self.column}: {self.rule}: {value!r}"


# The rule of the one problem that stands for those of a file beyond MAX_PROBLEMS_PER_FILE.
NOT_LISTED = f"more problems in this file, not listed (the first {MAX_PROBLEMS_PER_FILE} are)"


def not_listed(file: str, line: int, count: int) -> Problem:
    """count problems of file, from line on, beyond those listed."""
    return Problem(file, line, "-", NOT_LISTED, str(count))


def capped(problems: list[Problem]) -> list[Problem]:
    """problems (sorted by file and line) with at most MAX_PROBLEMS_PER_FILE per file, the rest of
    each file counted in one problem (with those a reader already counted without making them).

    >>> found = [Problem("a.csv", line, "-", "rule", "") for line in range(1, MAX_PROBLEMS_PER_FILE + 4)]
    >>> kept = capped(sorted(found + [not_listed("a.csv", 90, 10)]))
    >>> len(kept), str(kept[-1])
    (51, "a.csv:51: -: more problems in this file, not listed (the first 50 are): '13'")
    """
    kept, listed, unlisted = [], {}, {}
    for problem in problems:
        file, counted = problem.file, problem.rule == NOT_LISTED
        if not counted and listed.get(file, 0) < MAX_PROBLEMS_PER_FILE:
            listed[file] = listed.get(file, 0) + 1
            kept.append(problem)
            continue
        line, total = unlisted.get(file, (problem.line, 0))
        unlisted[file] = min(line, problem.line), total + (int(problem.value) if counted else 1)
    kept += [not_listed(file, line, count) for file, (line, count) in unlisted.items()]
    return sorted(kept)


@dataclass
class Table:
    """A CSV read as strings, with the file line each record starts on."""

    name: str
    file: str
    frame: pd.DataFrame
    lines: list[int]
    # SHA-256 of the file's bytes as read (read_table), so that what was checked is known by content.
    sha256: str = ""
    # What its cells and schema were checked as (checks.checked_digest), where the gate knows the code's state.
    checked: str = ""

    def line(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else 0


# The data tables read whole in this process, by file: read_dicts answers from them, not from the
# file again, while the file's size and modification time are those it had when it was read.
@dataclass
class _Read:
    signature: tuple[int, int]
    frame: pd.DataFrame
    records: list[dict] | None = None  # made from the frame when first asked for


_READ: dict[Path, _Read] = {}


def _signature(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def read_dicts(path: Path) -> list[dict]:
    """The rows of a CSV that the gate has already checked (a data table) or that is a coder's
    working file (exclusion lists, second coding), as dicts by column.

    A table the gate read in this process is not read again (the coverage and agreement checks
    read the large tables several times); its rows are shared between callers, so never change them.
    """
    read = _READ.get(path.resolve())
    if read is not None and read.signature == _signature(path):
        if read.records is None:
            columns = list(read.frame.columns)
            read.records = [dict(zip(columns, row)) for row in read.frame.to_numpy().tolist()]
        return read.records
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- file level


def read_bounded(root: Path, file: str, problems: list[Problem]) -> bytes | None:
    """The bytes of root/file if it is a regular file inside root and within MAX_FILE_BYTES.

    The file is never followed out of the package nor read past the limit: a link to /dev/zero
    or to a file elsewhere is refused before a byte of it is read.
    """
    path = root / file
    if not path.exists() and not path.is_symlink():
        problems.append(Problem(file, 0, "-", "file missing", path.name))
        return None
    if path.is_symlink():
        problems.append(Problem(file, 0, "-", "not a regular file (a symbolic link; data files must be real files)",
                                path.name))
        return None
    inside = root.resolve()
    if inside not in path.resolve().parents:
        problems.append(Problem(file, 0, "-", "outside the package folder", path.name))
        return None
    if not path.is_file():
        problems.append(Problem(file, 0, "-", "not a regular file", path.name))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(Problem(file, 0, "-", f"file larger than the limit of {MAX_FILE_BYTES} bytes", str(size)))
        return None
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(file, 0, "-", f"file larger than the limit of {MAX_FILE_BYTES} bytes", str(len(raw))))
        return None
    return raw


def read_table(root: Path, resource: dict, problems: list[Problem]) -> Table | None:
    """Read one resource's CSV as text, reporting file, encoding, layout and header problems.

    Returns None when the file cannot be read into rows at all.
    """
    path = (root / resource["path"]).resolve()
    signature = _signature(path) if path.is_file() else None  # taken before the bytes are read
    found = len(problems)
    raw = read_bounded(root, resource["path"], problems)
    if raw is None:
        return None
    expected = [field["name"] for field in resource["schema"]["fields"]]
    table = parse_table(resource["name"], resource["path"], raw, expected, resource.get("minRows", 0), problems)
    if table is not None:
        table.sha256 = hashlib.sha256(raw).hexdigest()
    if table is not None and signature is not None and len(problems) == found:
        _READ[path] = _Read(signature, table.frame)
    return table


def read_rows(file: str, raw: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV given as bytes whose header is its own (an earlier version of a
    table, a table of a package being scaled), read with every rule above; ValueError names the
    first problem."""
    problems: list[Problem] = []
    first_line = raw.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
    try:
        header = next(csv.reader([first_line.decode("utf-8")]), [])
    except (UnicodeDecodeError, csv.Error):
        header = []
    table = parse_table(file, file, raw, header, 0, problems)
    if problems or table is None:
        raise ValueError(str(problems[0]) if problems else f"{file}: cannot be read")
    return header, table.frame.values.tolist()


@contextmanager
def cycle_collector_paused():
    """Python's cycle collector paused, as it was again after. Tables read are many small objects
    (a list and its strings for each row) in no reference cycle: the collector would walk them over
    and over for nothing (most of the time it took to read a file of 2,000,000 blank lines)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_table(name: str, file: str, raw: bytes, expected: list[str], least: int,
                problems: list[Problem]) -> Table | None:
    """The rows of a CSV given as bytes (from a file, or from git for an earlier version)."""
    with cycle_collector_paused():
        return _parse_table(name, file, raw, expected, least, problems)


def _parse_table(name: str, file: str, raw: bytes, expected: list[str], least: int,
                 problems: list[Problem]) -> Table | None:
    if not raw:
        problems.append(Problem(file, 1, "-", "empty file (a header row is required)", ""))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, "-", "byte order mark (UTF-8 without BOM required)", "\ufeff"))
        raw = raw[3:]
    if len(raw) >= ARROW_FROM_BYTES:
        frame = _clean_file_by_arrow(raw, expected)
        if frame is not None:
            return _table(name, file, frame, list(range(2, len(frame) + 2)), least, problems)
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line = raw[:at].count(b"\n") + 1
        column = _column_at(raw[:at].decode("utf-8", errors="replace"), expected)
        problems.append(Problem(file, line, column, "NUL byte", "\x00"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = _column_at(raw[: error.start].decode("utf-8", errors="replace"), expected)
        bad = raw[error.start : error.end].hex()
        problems.append(Problem(file, line, column, "invalid UTF-8", f"0x{bad}"))
        return None
    if "\r" in text:
        at = text.index("\r")
        line = text[:at].count("\n") + 1
        ending = "\r\n" if text.startswith("\r\n", at) else "\r"
        problems.append(Problem(file, line, "-", "CR line ending (LF only)", ending))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        problems.append(Problem(file, text.count("\n") + 1, "-", "no newline at end of file", ""))
    quoting, readable = quote_problems(file, text, expected)
    problems += quoting
    if not readable:
        return None
    parsed = _one_line_records(text)
    if parsed is not None:
        records, lines = parsed
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records, lines = [], []
        start = 1
        try:
            for record in reader:
                records.append(record)
                lines.append(start)
                start = reader.line_num + 1
        except csv.Error as error:
            line_text = text.split("\n")[start - 1] if start <= text.count("\n") + 1 else ""
            problems.append(Problem(file, start, "-", f"malformed CSV ({error})", line_text))
            return None
    if not records:
        problems.append(Problem(file, 1, "-", "no header row", ""))
        return None
    header, rows = records[0], records[1:]
    if header != expected:
        _header_problems(file, header, expected, problems)
        return None
    clean_rows, clean_lines = rows, lines[1:]
    # The rows without the header's width: usually none (one look at the widths says so). A file of
    # millions of blank lines has millions: the first are made problems, the rest counted at once.
    ragged = [at for at, width in enumerate(map(len, rows)) if width != len(expected)] \
        if set(map(len, rows)) - {len(expected)} else []
    for listed, at in enumerate(ragged):
        if len(problems) >= MAX_PROBLEMS_PER_FILE:  # counted, not made: a file may hold millions
            problems.append(not_listed(file, clean_lines[at], len(ragged) - listed))
            break
        record = rows[at]
        # Name the first column without a value, or the first field beyond the header.
        where = expected[len(record)] if len(record) < len(expected) else f"field {len(expected) + 1}"
        problems.append(
            Problem(file, clean_lines[at], where, f"row has {len(record)} fields, header has {len(expected)}",
                    ",".join(record))
        )
    if ragged:
        kept = [True] * len(rows)
        for at in ragged:
            kept[at] = False
        clean_rows, clean_lines = list(compress(rows, kept)), list(compress(clean_lines, kept))
    _long_cells(file, expected, clean_rows, clean_lines, problems)
    import pandas as pd  # here, not above: what only reads a CSV as dicts (the server's citations) needs no pandas

    frame = pd.DataFrame(clean_rows, columns=expected, dtype=object)
    if len(frame) >= SHARED_VALUES_FROM:
        frame = _with_shared_values(frame)
    return _table(name, file, frame, clean_lines, least, problems, rows=len(rows))


def _table(name: str, file: str, frame, lines: list[int], least: int, problems: list[Problem],
           rows: int | None = None) -> Table:
    """The table read, once its row count is held against the least the table model asks for."""
    rows = len(frame) if rows is None else rows
    if rows < least:
        problems.append(Problem(file, rows + 2, "-", f"too few rows ({name} must hold at least {least})", str(rows)))
    return Table(name, file, frame, lines)


# From this size a file is first offered to Arrow's CSV reader (C++, on every core): at 1M rows a
# table it reads in a second takes the csv module ten, and building a str per cell ten more.
ARROW_FROM_BYTES = 4 * 1024**2


def _clean_file_by_arrow(raw: bytes, expected: list[str]):
    """The frame of a file in which the line-by-line reader would find nothing to report, parsed by
    Arrow; None for any other file, which that reader then reads and names the problems of.

    Clean means: no BOM, NUL or CR, an LF at the end and no empty line, quoting as CLEANLY_QUOTED
    allows (matched on the bytes: its syntax characters are ASCII, which UTF-8 never uses inside
    another character), the expected header, every record on one line of its own with the header's
    width, valid UTF-8 (Arrow checks every cell, and every byte outside the header is in a cell or
    is a comma, quote or LF) and no cell over MAX_CELL_CHARS. Equal values share one str object.
    """
    if (raw.startswith(b"\xef\xbb\xbf") or not raw.endswith(b"\n") or b"\r" in raw or b"\x00" in raw
            or b"\n\n" in raw):
        return None
    first_line = raw[: raw.index(b"\n")]
    try:
        if next(csv.reader([first_line.decode("utf-8")], strict=True), []) != expected:
            return None
    except (UnicodeDecodeError, csv.Error):
        return None
    if not CLEANLY_QUOTED_BYTES.fullmatch(raw):
        return None
    from mandate_notes.lean_imports import pyarrow_after_pandas

    pyarrow_after_pandas()
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            pa.py_buffer(raw),
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=expected),
            # Quoted LFs are parsed as in a value, so a record spanning lines is counted right
            # (and then declined below: its lines are placed by the other reader).
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types={name: pa.string() for name in expected},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowException:
        return None
    if table.num_rows + 1 != raw.count(b"\n"):
        return None
    for column in table.columns:
        if table.num_rows and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL_CHARS:
            return None
    columns = {name: _shared_strings(table.column(name)) for name in expected}
    import pandas as pd

    return pd.DataFrame(columns, columns=expected, dtype=object)


def _shared_strings(column):
    """An Arrow string column as an array of str, each repeated value one object (as _with_shared_values)."""
    import numpy as np

    head = column.slice(0, SHARED_VALUES_SAMPLE)
    if not _worth_sharing(len(head.unique()), len(head)):
        return column.to_numpy()
    encoded = column.combine_chunks().dictionary_encode()
    return np.array(encoded.dictionary.to_pylist(), dtype=object).take(encoded.indices.to_numpy())


# From this many rows a table's repeated cell values are held once each (see _with_shared_values).
SHARED_VALUES_FROM = 10_000
SHARED_VALUES_SAMPLE = 2_000


def _worth_sharing(distinct: int, sampled: int) -> bool:
    """A column whose first rows repeat their values (codes, references) gains from holding each value
    once; one of mostly distinct values (ids, quotes, notes) does not: judged on SHARED_VALUES_SAMPLE rows."""
    return distinct <= sampled // 2


def _with_shared_values(frame):
    """The same frame with every repeated value of a column held by one string object: codes and
    keys repeat across thousands of rows, and one object each takes less memory and compares and
    hashes once (a string compared with itself is equal at once)."""
    import pandas as pd

    shared = {}
    for column in frame.columns:
        values = frame[column].to_numpy()
        head = values[:SHARED_VALUES_SAMPLE]
        if not _worth_sharing(len(set(head)), len(head)):
            shared[column] = values
            continue
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        shared[column] = uniques.take(codes)
    return pd.DataFrame(shared, columns=frame.columns, index=frame.index, dtype=object)


def _long_cells(file: str, columns: list[str], rows: list[list[str]], lines: list[int],
                problems: list[Problem]) -> None:
    """Cells beyond MAX_CELL_CHARS, each named with the limit (the value is cut in the message)."""
    # No cell can be longer than its whole row: only rows longer than the limit are looked into.
    for at, length in enumerate(map(len, map("".join, rows))):
        if length <= MAX_CELL_CHARS:
            continue
        record, line = rows[at], lines[at]
        for column, value in zip(columns, record):
            if len(value) > MAX_CELL_CHARS:
                problems.append(Problem(file, line, column,
                                        f"cell longer than the limit of {MAX_CELL_CHARS} characters ({len(value)})",
                                        value[:40]))


def _one_line_records(text: str) -> tuple[list[list[str]], list[int]] | None:
    """The records and their lines when every record is one line; None otherwise (or if malformed).

    Parsing in one call of the C reader is what keeps large files fast; the caller's line-by-line
    loop, which can place a record spanning lines or a parse error, runs only when this gives up.
    The reader is given the lines without their LF (a StringIO would hold a second, four-byte-per-
    character copy of the text): the same records, as long as none spans lines.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    try:
        records = list(csv.reader(lines, strict=True))
    except csv.Error:
        return None
    # Each record takes at least one line, so as many records as lines means one line each.
    if len(records) != len(lines):
        return None
    return records, list(range(1, len(records) + 1))


QUOTE_SYNTAX = re.compile(r'[",\n]')
# A text in which every quote opens a field, is doubled inside one or closes one right before a
# comma or line end: what quote_problems accepts, matched at C speed. Possessive repeats keep the
# engine from storing a way back for every field of a large file.
_FIELD = r'(?:"(?:[^"]++|"")*+"|[^",\n]*+)'
CLEANLY_QUOTED = re.compile(rf'(?:{_FIELD}(?:,{_FIELD})*+\n)*+')
# The same for a file's bytes: its syntax characters are ASCII, which UTF-8 never uses inside another character.
CLEANLY_QUOTED_BYTES = re.compile(CLEANLY_QUOTED.pattern.encode("ascii"))


def _column_at(before: str, columns: list[str]) -> str:
    """The column of the field that the text `before` ends in (header names by position)."""
    field, in_quotes = 0, False
    for match in QUOTE_SYNTAX.finditer(before):
        char = match.group()
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            field = field + 1 if char == "," else 0
    return columns[field] if field < len(columns) else f"field {field + 1}"


def quote_problems(file: str, text: str, columns: list[str]) -> tuple[list[Problem], bool]:
    """RFC 4180 quoting, which the csv module accepts too loosely: a quote may only open a field,
    close it right before a comma or line end, or be doubled inside a quoted field.

    Returns the problems and whether the text can still be split into records.
    """
    if CLEANLY_QUOTED.fullmatch(text):
        return [], True
    problems: list[Problem] = []

    def column(index: int) -> str:
        return columns[index] if index < len(columns) else f"field {index + 1}"

    def snippet(start: int) -> str:
        end = text.find("\n", start)
        return text[start : end if end >= 0 else len(text)]

    line, field, field_start = 1, 0, 0
    in_quotes, open_at, open_line, open_field = False, 0, 0, 0
    position = 0
    while (match := QUOTE_SYNTAX.search(text, position)) is not None:
        at, char = match.start(), match.group()
        position = at + 1
        if char == "\n":
            line += 1
            if not in_quotes:
                field, field_start = 0, at + 1
        elif char == ",":
            if not in_quotes:
                field, field_start = field + 1, at + 1
        elif in_quotes:
            if text.startswith('"', at + 1):
                position = at + 2
                continue
            in_quotes = False
            if text[at + 1 : at + 2] not in ("", ",", "\n"):
                problems.append(Problem(file, line, column(open_field),
                                        'unbalanced quote (a quote inside a quoted field must be doubled: "")',
                                        snippet(open_at) if open_line == line else snippet(at)))
                return problems, False
        elif at == field_start:
            in_quotes, open_at, open_line, open_field = True, at, line, field
        else:
            problems.append(Problem(file, line, column(field),
                                    "quote inside an unquoted field (quote the whole field and double the quote)",
                                    snippet(field_start).split(",")[0]))
    if in_quotes:
        problems.append(Problem(file, open_line, column(open_field),
                                "unbalanced quote (the quoted field is never closed)", snippet(open_at)))
        return problems, False
    return problems, True


def _header_problems(file: str, header: list[str], expected: list[str], problems: list[Problem]) -> None:
    missing = [name for name in expected if name not in header]
    extra = [name for name in header if name not in expected]
    # An unknown name where a missing one belongs is a renamed column.
    renamed = set()
    for position, (found, wanted) in enumerate(zip(header, expected), start=1):
        if found in extra and wanted in missing:
            problems.append(Problem(file, 1, wanted, f"column renamed (expected {wanted} as column {position})", found))
            missing.remove(wanted)
            extra.remove(found)
            renamed.add(position)
    for name in missing:
        problems.append(Problem(file, 1, name, "missing column", ",".join(header)))
    for name in extra:
        problems.append(Problem(file, 1, name, "unexpected column", name))
    if not missing and not extra and len(header) == len(expected):
        for position, (found, wanted) in enumerate(zip(header, expected), start=1):
            if found != wanted and position not in renamed:
                problems.append(
                    Problem(file, 1, found, f"column out of order (expected {wanted} as column {position})", found)
                )
    elif not missing and not extra:
        problems.append(Problem(file, 1, "-", "duplicate column name", ",".join(header)))


