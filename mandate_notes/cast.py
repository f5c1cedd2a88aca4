"""The one conversion of a CSV cell into its typed value, shared by validation, build and release.

Validation reports every cell this conversion refuses (with the rule it names), and the build and
the release formats store what it returns: what passes validation is exactly what is stored.
Digits are ASCII only (a pattern's `\\d` would also match Arabic-Indic or other digits), integers
must fit SQLite's 64-bit integers and numbers must be finite.
"""

from __future__ import annotations

import math
import re
from datetime import date

INTEGER_PATTERN = r"-?[0-9]+"
NUMBER_PATTERN = r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
BOOLEAN_PATTERN = r"true|false"
# The lexical form of each type; re.ASCII keeps any class from widening beyond ASCII.
TYPE_PATTERNS = {
    kind: re.compile(pattern, re.ASCII)
    for kind, pattern in (("integer", INTEGER_PATTERN), ("number", NUMBER_PATTERN),
                          ("date", DATE_PATTERN), ("boolean", BOOLEAN_PATTERN))
}
SQLITE_INTEGER_MIN, SQLITE_INTEGER_MAX = -(2**63), 2**63 - 1
# Rules beyond the lexical form, as problems name them.
INTEGER_RANGE_RULE = f"integer outside SQLite's range ({SQLITE_INTEGER_MIN} to {SQLITE_INTEGER_MAX})"
FINITE_RULE = "number too large (not finite)"
CALENDAR_RULE = "impossible date (not in the calendar)"
# A cell not of its type's form, as problems name it: the form in words where a pattern will not do.
TYPE_RULES = {"integer": "type integer", "number": "type number", "boolean": "type boolean",
              "date": "type date (YYYY-MM-DD, e.g. 2024-12-22)"}
BOOLEANS = {"true": True, "false": False}


class CastError(ValueError):
    """A cell that has no typed value; `rule` is the rule it breaks, as validation names it."""

    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


def cast(value: str, kind: str):
    """A cell as its typed value: '' is None; integers int, numbers float, booleans bool; the rest str."""
    if value == "" or kind == "string":
        return value or None
    if not TYPE_PATTERNS[kind].fullmatch(value):
        raise CastError(TYPE_RULES[kind])
    if kind == "integer":
        number = int(value)
        if not SQLITE_INTEGER_MIN <= number <= SQLITE_INTEGER_MAX:
            raise CastError(INTEGER_RANGE_RULE)
        return number
    if kind == "number":
        number = float(value)
        if not math.isfinite(number):
            raise CastError(FINITE_RULE)
        return number
    if kind == "boolean":
        return BOOLEANS[value]
    if not is_calendar_date(value):
        raise CastError(CALENDAR_RULE)
    return value


def cast_column(values: list[str], kind: str) -> tuple[list, tuple[int, str] | None]:
    """cast() of every cell of a column, each distinct value once (a column of codes or references
    holds a few values over many rows); or, for a column with a cell that has no typed value, ([],
    (the position of the first such cell, its rule)).

    >>> cast_column(["1", "", "1"], "integer")
    ([1, None, 1], None)
    >>> cast_column(["1", "x", "1e999"], "number")
    ([], (1, 'type number'))
    """
    if kind == "string":
        return [value or None for value in values], None  # cast()'s own rule for text, without a call per cell
    converted, refused = {}, {}
    for value in set(values):
        try:
            converted[value] = cast(value, kind)
        except CastError as error:
            refused[value] = error.rule
    if refused:
        at = next(index for index, value in enumerate(values) if value in refused)
        return [], (at, refused[values[at]])
    return list(map(converted.__getitem__, values)), None


def failure(value: str, kind: str) -> str | None:
    """The rule a cell breaks when cast, or None when it has a typed value."""
    try:
        cast(value, kind)
    except CastError as error:
        return error.rule
    return None


def is_calendar_date(value: str) -> bool:
    """True for a partial ISO date (YYYY, YYYY-MM) or a full one that exists in the calendar."""
    if len(value) != 10:
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
