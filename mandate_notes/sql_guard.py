"""What one SQL statement may do between two of SQLite's time checks.

Datasette stops a query at its time limit through SQLite's progress handler, which SQLite calls only
at the jumps of a statement's program (from one row to the next). Everything between two jumps runs
to its end: the whole expression of one row, however many function calls it holds, and each call,
however long its arguments. A LIKE of a 200,000-character string against a 10,000-character pattern
is one call of 15 s; a row of 250 `upper(printf('%.*c', 999000, 'a'))` ran 4 s past a 1 s limit.
Three bounds make the time between two checks small, whatever the statement:

- every value is at most MAX_VALUE_BYTES (SQLite's length limit, set by server/plugins/limits.py),
  so a call whose time grows with its arguments' length is bounded;
- the calls whose time grows with the product of two arguments' lengths (LIKE, GLOB, instr, replace,
  trim, ltrim, rtrim, json_patch) refuse arguments whose lengths multiply beyond a bound (`guard`);
- printf (and format) refuses a call whose `%c` conversions would repeat their characters more times
  than a value may hold (`printf_guard`): SQLite writes them one at a time, on past the length limit;
- a statement's program may hold at most a fixed number of scalar function calls (`program_problem`,
  from the program EXPLAIN lists), so one row's expression is bounded too.

A full-text (FTS5) query runs as one step of the program, and its time grows with its number of
terms, so the text an FTS5 table is matched against must be bounded by construction: a literal or a
bound parameter of at most a given length, or the result of the site's own parser (fts_query, or
escape_fts, which the site defines as fts_query), which refuses longer input.
"""

from __future__ import annotations

import re
import sqlite3

# name -> the argument counts it is called with; in each form the first two arguments' lengths
# multiply into its time (LIKE: the pattern and the text; instr: the text and what is sought; ...).
QUADRATIC = {
    "like": (2, 3), "glob": (2,), "instr": (2,), "replace": (3,),
    "trim": (2,), "ltrim": (2,), "rtrim": (2,), "json_patch": (2,),
}
FUNCTION_OPCODES = {"Function", "PureFunc", "Function0", "PureFunc0"}
# The site's own full-text parser, under both its names (server/plugins/search_syntax.py).
SEARCH_PARSERS = ("fts_query(", "escape_fts(")
# Every opcode that can put a text or blob into a register, by the operand naming that register (a
# range for Null, Copy and Move); the others write numbers or NULL, or nothing.
STRING_WRITERS = {
    "String8": 2, "String": 2, "Blob": 2, "Variable": 2, "SCopy": 2, "RowData": 2, "SorterData": 2,
    "Function": 3, "PureFunc": 3, "Function0": 3, "PureFunc0": 3, "Concat": 3, "Column": 3, "VColumn": 3,
    "AggValue": 3, "MakeRecord": 3, "Cast": 1, "AggFinal": 1,
}
RANGE_WRITERS = {"Null": lambda p2, p3: range(p2, max(p2, p3) + 1),
                 "Copy": lambda p2, p3: range(p2, p2 + p3 + 1),
                 "Move": lambda p2, p3: range(p2, p2 + p3)}


def argument_length(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else len(str(value))


def guard(aux: sqlite3.Connection, name: str, arguments: int, max_product: int):
    """SQLite's own `name` (called on aux, a connection that still has it) for a connection that
    replaces it: the same result, or "string or blob too big" (OverflowError) when the lengths of
    the first two arguments multiply beyond max_product."""
    statement = f"select {name}({', '.join('?' * arguments)})"

    def call(*values):
        if argument_length(values[0]) * argument_length(values[1]) > max_product:
            raise OverflowError(f"{name}: arguments too long")
        try:
            return aux.execute(statement, values).fetchone()[0]
        except sqlite3.DataError as error:  # too big: the same error from this connection
            raise OverflowError(str(error)) from error

    return call


# printf's %c writes its character as many times as the conversion's precision says, one append at a
# time, and goes on appending (each refused) past the length limit: printf('%.*c', 2147483647, 'a') is
# one call of 16 s, and a format of 100,000 `%.999999c` one of six minutes, whatever the time limit.
PRINTF_NAMES = ("printf", "format")
# A conversion as SQLite's printf reads it: flags, width and precision (digits or `*`, each `*` taking
# an argument), a length, the conversion's letter; `%%` is one.
CONVERSION = re.compile(r"%([-+ #!0-9,.*]*)l{0,2}(.)", re.S)
DIGITS = re.compile(r"[0-9]+")
# What SQLite reads as an argument's whole number (sqlite3_value_int64): a text's leading digits.
LEADING_INTEGER = re.compile(r"\s*[-+]?([0-9]+)")


def whole_number(value) -> int:
    """The magnitude SQLite reads from value as a width or precision (at least, never less)."""
    if isinstance(value, (int, float)):
        return abs(int(value)) if value == value and abs(value) != float("inf") else 2**63
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    found = LEADING_INTEGER.match(value) if isinstance(value, str) else None
    return int(found.group(1)[:20]) if found else 0


def repeated_characters(values) -> int:
    """At most how many characters a printf call's %c conversions repeat: each counts every number
    written in it, and each `*` in it the largest whole number among the arguments.

    >>> repeated_characters(["%.*c and %.5c, 100%%c", 1_000_000, "a", "b", 7])
    1000005
    >>> repeated_characters(["%d %s", 10**12, "a"])
    0
    """
    if not values or values[0] is None:
        return 0
    text = values[0].decode("latin-1") if isinstance(values[0], bytes) else str(values[0])
    written, stars = 0, 0
    for spec, conversion in CONVERSION.findall(text):
        if conversion == "c":
            written += sum(min(int(digits[:20]), 2**63) for digits in DIGITS.findall(spec))
            stars += spec.count("*")
    if stars:
        written += stars * max((whole_number(value) for value in values[1:]), default=0)
    return written


def printf_guard(aux: sqlite3.Connection, name: str, max_value_bytes: int):
    """SQLite's own printf (or format), called on aux, for a connection that replaces it: the same
    result, or "string or blob too big" (OverflowError) when its %c conversions would repeat more
    characters than a value may hold."""
    statements = {}

    def call(*values):
        if repeated_characters(values) > max_value_bytes:
            raise OverflowError(f"{name}: too many characters repeated")
        statement = statements.setdefault(len(values), f"select {name}({', '.join('?' * len(values))})")
        try:
            return aux.execute(statement, values).fetchone()[0]
        except sqlite3.DataError as error:
            raise OverflowError(str(error)) from error

    return call


def install_guards(conn: sqlite3.Connection, max_value_bytes: int, max_product: int) -> None:
    """Replace conn's LIKE, GLOB, instr, replace, trim, ltrim, rtrim, json_patch, printf and format by
    guarded calls."""
    aux = sqlite3.connect(":memory:", check_same_thread=False)
    aux.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value_bytes)
    for name, forms in QUADRATIC.items():
        for arguments in forms:
            conn.create_function(name, arguments, guard(aux, name, arguments, max_product), deterministic=True)
    for name in PRINTF_NAMES:
        conn.create_function(name, -1, printf_guard(aux, name, max_value_bytes), deterministic=True)


def writes(row, register: int) -> bool:
    """Whether the EXPLAIN row's opcode can put a text or blob into the register."""
    _, opcode, p1, p2, p3, *_ = row
    if opcode in RANGE_WRITERS:
        return register in RANGE_WRITERS[opcode](p2, p3)
    return opcode in STRING_WRITERS and (p1, p2, p3)[STRING_WRITERS[opcode] - 1] == register


COPIES = {"SCopy", "Copy", "Move"}


def origins(rows, register: int, depth: int = 0) -> list | None:
    """The EXPLAIN rows that can put a text or blob into the register, followed back through copies
    (SQLite computes a constant once into one register and copies it into the one it is used from);
    None where the chain is too long to follow."""
    if depth > 8:
        return None
    found = []
    for row in rows:
        if not writes(row, register):
            continue
        _, opcode, p1, p2, *_ = row
        if opcode in COPIES:
            earlier = origins(rows, p1 + register - p2, depth + 1)
            if earlier is None:
                return None
            found += earlier
        else:
            found.append(row)
    return found


def search_argument_problem(rows, register: int, params, max_chars: int) -> str | None:
    """Why the FTS5 query in the register is not bounded by construction, or None if it is."""
    too_long = f"a full-text query may be at most {max_chars:,} characters"
    not_bounded = ("a full-text query must be a text or a parameter of at most "
                   f"{max_chars:,} characters, or fts_query() of one")
    writers = origins(rows, register)
    if not writers:
        return not_bounded
    for _, opcode, _, _, _, p4, *_ in writers:
        if opcode in FUNCTION_OPCODES and str(p4).startswith(SEARCH_PARSERS):
            continue  # the parser refuses longer input itself
        if opcode == "Variable":
            value = _parameter(params, p4)
            if value is not None and argument_length(value) > max_chars:
                return too_long
        elif opcode in ("String8", "String"):
            if len(p4 or "") > max_chars:
                return too_long
        else:
            return not_bounded
    return None


def _parameter(params, name):
    if isinstance(params, dict) and isinstance(name, str):
        return params.get(name.lstrip(":$@"))
    if isinstance(params, (list, tuple)) and isinstance(name, str) and name.lstrip("?").isdigit():
        index = int(name.lstrip("?")) - 1
        return params[index] if 0 <= index < len(params) else None
    return None


def match_registers(row):
    """The registers holding the MATCH (and LIKE, GLOB) arguments of an FTS5 VFilter row: FTS5 names
    its constraints in idxStr (P4), one letter each in the order of the arguments, which follow the
    two registers at P3 (idxNum, argc)."""
    _, _, _, _, p3, p4, *_ = row
    constraints = re.findall(r"[A-Za-z=<>]", re.sub(r"\d+", "", str(p4 or "")))
    return [p3 + 2 + index for index, letter in enumerate(constraints) if letter in "MLG"]


def program_problem(rows, params, max_calls: int, max_search_chars: int) -> str | None:
    """Why a statement, by its program (the rows EXPLAIN lists), may not run; None if it may."""
    rows = list(rows)
    calls = sum(1 for row in rows if row[1] in FUNCTION_OPCODES)
    if calls > max_calls:
        return (f"too many function calls: a query may call functions at most {max_calls} times "
                f"(aggregates not counted); this one calls them {calls} times")
    for row in rows:
        if row[1] == "VFilter" and "M" in str(row[5] or ""):
            for register in match_registers(row):
                problem = search_argument_problem(rows, register, params, max_search_chars)
                if problem:
                    return problem
    return None
