"""What must hold: file-level checks, pandera schemas derived from the Table Schemas, cross-table rules."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from mandate_notes.lean_imports import without_modules

# pandera imports hypothesis, to synthesise data in tests, whenever it is installed (it is, for the
# fuzz tests): half a second of every validation for nothing. Its checks work the same without it.
with without_modules("hypothesis"):
    import pandera.pandas as pa
    import pandera.backends.pandas.builtin_checks  # noqa: F401  (imports pandera's strategies)
from pandera.errors import SchemaErrors

from mandate_notes.cast import (CALENDAR_RULE, FINITE_RULE, INTEGER_RANGE_RULE, TYPE_PATTERNS, TYPE_RULES, CastError,
                                cast, failure, is_calendar_date)
from mandate_notes.csvio import Problem, Table, capped, read_table
from mandate_notes.rules import semantic_problems
from schemas.definitions import CODE_LIST_NAMES, PATTERN_WORDS, TABLES

from mandate_notes.paths import ROOT
FORMULA_START = ("=", "+", "-", "@")
# In a column's cells joined by NUL, a cell opens after a NUL (and closes before one). re's \s is the
# same test as str.strip's (both are Py_UNICODE_ISSPACE).
SPACE_AFTER_NUL = re.compile("\x00\\s")
FORMULA_AFTER_NUL = re.compile("\x00[" + re.escape("".join(FORMULA_START)) + "]")
# Characters no cell may hold: controls but the line feed of a cell written on several lines (ESC,
# DEL, tab, ...), line and paragraph separators, the controls of text direction (a right-to-left
# override), the byte order mark, private-use code points and lone surrogates. They are invisible or
# reorder what is shown, so a cell that holds one reads as another value, and every format publishes it.
# Nor may a cell hold a code point Unicode has not assigned (category Cn, in the Unicode version
# Python knows): no font shows it, and a later version may make it any character. They are looked up
# among a text's non-ASCII characters: a class of them would hold 698 ranges, and making it from every
# code point would cost each start of the gate 0.2 s.
NEVER_IN_A_CELL = ("\x01-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                   "\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd")
# Unicode's invisible format characters (category Cf, Unicode 14; tests/test_validate.py holds the
# list to Python's): a zero-width space, a word joiner, a soft hyphen may stand between two visible
# characters, as the source texts hold them, never at a cell's start or end.
FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
# Unicode's other default-ignorable code points (Default_Ignorable_Code_Point, DerivedCoreProperties.txt,
# less the format characters), invisible by definition: Hangul fillers and the code points reserved
# as ignorable stand alone, so, like the format characters, never at a cell's start or end; a grapheme
# joiner and the variation selectors mark what precedes them, so never at a cell's start.
IGNORABLE_FILLERS = ("\u115f\u1160\u2065\u3164\uffa0\ufff0-\ufff8\U000e0000\U000e0002-\U000e001f"
                     "\U000e0080-\U000e00ff\U000e01f0-\U000e0fff")
IGNORABLE_MARKS = "\u034f\u17b4\u17b5\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
NEVER = re.compile(f"[\x00{NEVER_IN_A_CELL}]")
NON_ASCII = re.compile("[^\x00-\x7f]")
NEVER_JOINED = re.compile(f"[{NEVER_IN_A_CELL}]")
# Every byte but the ASCII characters of NEVER_IN_A_CELL: in UTF-8 no other character's bytes are below
# 0x80, so a text's encoding less these bytes is empty exactly when the text holds none of those characters.
NOT_AN_ASCII_CONTROL = bytes(byte for byte in range(256) if byte > 0x7f or not NEVER_JOINED.match(chr(byte)))
# A cell's first and last characters: an invisible one opening or closing it pads it unseen.
INVISIBLE_FIRST = re.compile(f"[{FORMAT_CHARACTERS}{IGNORABLE_FILLERS}{IGNORABLE_MARKS}]")
INVISIBLE_LAST = re.compile(f"[{FORMAT_CHARACTERS}{IGNORABLE_FILLERS}]")
INVISIBLE_FIRST_AFTER_NUL = re.compile("\x00" + INVISIBLE_FIRST.pattern)
INVISIBLE_LAST_AFTER_NUL = re.compile("\x00" + INVISIBLE_LAST.pattern)
# Letters of these scripts look alike ("а" is Cyrillic, "a" Latin): one word may not mix them.
LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
# A word holding a Greek or Cyrillic letter (their blocks); only such a word can mix scripts.
GREEK_OR_CYRILLIC = "\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f"
GREEK_OR_CYRILLIC_LETTER = re.compile(f"[{GREEK_OR_CYRILLIC}]")
GREEK_OR_CYRILLIC_WORD = re.compile(f"\\w*[{GREEK_OR_CYRILLIC}]\\w*")


def hidden_characters(text: str) -> list[str]:
    """The characters of text no cell may hold, or may not hold where they stand, each as U+XXXX and
    its name where it has one.

    >>> hidden_characters("a\x1bb\u202ec\u2060d\u200b")
    ['U+001B', 'U+202E RIGHT-TO-LEFT OVERRIDE', 'U+200B ZERO WIDTH SPACE']
    >>> hidden_characters("\u034fa\u3164b\ufe0f"), hidden_characters("a\u3164")
    (['U+034F COMBINING GRAPHEME JOINER'], ['U+3164 HANGUL FILLER'])
    >>> hidden_characters("Mali\u0378"), hidden_characters("\U000ffffe")
    (['U+0378 (unassigned)'], ['U+FFFFE (unassigned)'])
    """
    found = list(dict.fromkeys(NEVER.findall(text)))
    edges = [text[:1]] if INVISIBLE_FIRST.match(text[:1]) else []
    edges += [text[-1:]] if INVISIBLE_LAST.match(text[-1:]) else []
    found += [edge for edge in dict.fromkeys(edges) if edge not in found]
    found += [character for character in unassigned(text) if character not in found]
    return [character_label(character) for character in found]


def unassigned(text: str) -> list[str]:
    """The code points of text that Unicode (the version Python knows) has not assigned, once each."""
    return [character for character in dict.fromkeys(NON_ASCII.findall(text))
            if unicodedata.category(character) == "Cn"]


def character_label(character: str) -> str:
    """U+XXXX and the character's name, or "(unassigned)" for a code point Unicode has not assigned."""
    if unicodedata.category(character) == "Cn":
        return f"U+{ord(character):04X} (unassigned)"
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def mixed_scripts(text: str) -> list[str]:
    """The words of text whose letters come from more than one of LOOKALIKE_SCRIPTS.

    >>> mixed_scripts("Mаli and Μali, but not Мали or Mali or Côte")
    ['Mаli', 'Μali']
    """
    mixed = []
    # Most texts hold no such letter: one pass of a character class says so, where the word pattern
    # would try every word.
    if not GREEK_OR_CYRILLIC_LETTER.search(text):
        return mixed
    for word in GREEK_OR_CYRILLIC_WORD.findall(text):
        scripts = {unicodedata.name(letter, "").split(" ")[0] for letter in word if letter.isalpha()}
        if len(scripts & set(LOOKALIKE_SCRIPTS)) > 1:
            mixed.append(word)
    return mixed


def cell_problems(table: Table, resource: dict) -> list[Problem]:
    """Per-cell text hygiene: NFC, no padding, no hidden characters, no words of look-alike letters
    from two scripts, no spreadsheet formulas in text cells."""
    problems = []
    types = {field["name"]: field["type"] for field in resource["schema"]["fields"]}
    for column in table.frame.columns:
        values = table.frame[column]
        if _clean_cells(values.tolist(), types[column] == "string"):
            continue
        nonempty = values[values != ""]
        for index, value in nonempty.items():
            line = table.line(index)
            if unicodedata.normalize("NFC", value) != value:
                problems.append(Problem(table.file, line, column, "text not in Unicode NFC", value))
            hidden = hidden_characters(value)
            if hidden:
                problems.append(Problem(table.file, line, column,
                                        f"control or invisible character ({', '.join(hidden)})", value))
            mixed = mixed_scripts(value)
            if mixed:
                problems.append(Problem(table.file, line, column,
                                        f"look-alike letters of two scripts in one word ({', '.join(mixed)})", value))
            if value != value.strip():
                problems.append(Problem(table.file, line, column, "leading or trailing whitespace", value))
            if types[column] == "string" and value.startswith(FORMULA_START):
                problems.append(
                    Problem(table.file, line, column, "starts with = + - or @ (spreadsheet formula)", value)
                )
    return problems


def _clean_cells(values: list[str], text: bool) -> bool:
    """True when cell_problems would find nothing in these cells: whole-column tests at C speed.

    Cells never hold NUL (read_table rejects the file), so joined by NUL, with a NUL before the
    first and after the last, each cell stays apart and opens after a NUL: NUL composes with
    nothing, so the joined text is NFC exactly when every cell is. A cell's end opens after a NUL
    in the text reversed (a search for a character before NUL would try every position). What no
    cell may hold is looked for among the ASCII controls (bytes of their own in UTF-8, found at the
    speed of bytes) and among the few distinct non-ASCII characters of the text (a character class
    tried at every position of a column of 35 MB took 0.2 s).
    """
    joined = "\x00" + "\x00".join(values) + "\x00"
    if not unicodedata.is_normalized("NFC", joined):
        return False
    if joined.encode("utf-8", "surrogatepass").translate(None, NOT_AN_ASCII_CONTROL):
        return False
    reversed_ = joined[::-1]
    if not joined.isascii():
        others = "".join(dict.fromkeys(NON_ASCII.findall(joined)))
        if (NEVER_JOINED.search(others) or unassigned(others) or INVISIBLE_FIRST_AFTER_NUL.search(joined)
                or INVISIBLE_LAST_AFTER_NUL.search(reversed_)
                or (GREEK_OR_CYRILLIC_LETTER.search(others) and mixed_scripts(joined))):
            return False
    if SPACE_AFTER_NUL.search(joined) or SPACE_AFTER_NUL.search(reversed_):
        return False
    return not (text and FORMULA_AFTER_NUL.search(joined))


# ---------------------------------------------------------------- pandera


def _typed(series: pd.Series, kind: str) -> pd.Series:
    """The cells as the build stores them (numbers as numbers, so 01 and 1 are one value); a cell
    with no typed value is kept as its text (its own check reports it)."""
    if kind not in ("integer", "number"):
        return series

    def value(cell: str):
        try:
            return cast(cell, kind)
        except CastError:
            return cell

    return series.map(value)


def _suspects(series: pd.Series, kind: str) -> pd.Series:
    """Cells that may break a rule beyond their type's lexical form: shorter integers are in range
    and numbers without an exponent are finite, so only the others need the full conversion."""
    if kind == "integer":
        return series.str.len() >= 19
    if kind == "number":
        return series.str.contains("e", case=False, regex=False) | (series.str.len() > 308)
    return series != ""


def _keeps_rule(series: pd.Series, kind: str, rule: str) -> pd.Series:
    verdict = pd.Series(True, index=series.index)
    suspects = series[_suspects(series, kind)]
    if len(suspects):
        verdict[suspects.index] = [failure(value, kind) != rule for value in suspects.tolist()]
    return verdict


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.where(series != ""), errors="coerce")


def _fullmatch(series: pd.Series, pattern: re.Pattern) -> pd.Series:
    """series.str.fullmatch(pattern) for a column of strings, without pandas' per-cell overhead."""
    values = series.tolist()
    # Judged on a sample: building the set of a column of unique ids costs more than it saves.
    if len(set(values[:1000])) * 2 < len(values[:1000]):
        distinct = set(values)
        # A column of repeated values (codes, references): match each distinct value once.
        verdict = {value: pattern.fullmatch(value) is not None for value in distinct}
        matched = np.fromiter(map(verdict.__getitem__, values), dtype=bool, count=len(values))
    else:
        matched = np.fromiter(map(bool, map(pattern.fullmatch, values)), dtype=bool, count=len(values))
    return pd.Series(matched, index=series.index)


def column_schema(field: dict) -> pa.Column:
    """A pandera column over the text of the CSV; every rule named so errors can say which."""
    constraints = field.get("constraints", {})
    required = constraints.get("required", False)
    checks: list[pa.Check] = []
    kind = field["type"]

    def present(series: pd.Series) -> pd.Series:
        return series != ""

    if required:
        checks.append(pa.Check(present, name="required value missing"))
    if kind in TYPE_PATTERNS:
        # The lexical form at C speed, then what mandate_notes/cast.py refuses beyond it.
        pattern = TYPE_PATTERNS[kind]
        checks.append(
            pa.Check(lambda s, p=pattern: (s == "") | _fullmatch(s, p), name=TYPE_RULES[kind])
        )
        beyond = {"integer": INTEGER_RANGE_RULE, "number": FINITE_RULE, "date": CALENDAR_RULE}.get(kind)
        if beyond:
            checks.append(pa.Check(lambda s, k=kind, r=beyond: _keeps_rule(s, k, r), name=beyond))
    if "pattern" in constraints:
        pattern = re.compile(constraints["pattern"], re.ASCII)
        words = PATTERN_WORDS.get(constraints["pattern"])
        checks.append(
            pa.Check(lambda s, p=pattern: (s == "") | _fullmatch(s, p),
                     name=f"pattern {constraints['pattern']}" + (f" ({words})" if words else ""))
        )
        if "(0[1-9]|1[0-2])" in constraints["pattern"]:
            # Judged only where the pattern holds: 22/12/2024 breaks the pattern, not the calendar.
            checks.append(
                pa.Check(lambda s, p=pattern: (s == "") | ~_fullmatch(s, p) | s.map(is_calendar_date),
                         name=CALENDAR_RULE)
            )
    if "enum" in constraints:
        allowed = set(constraints["enum"])
        checks.append(pa.Check(lambda s: (s == "") | s.isin(allowed), name=f"one of {sorted(allowed)}"))
    if "minimum" in constraints:
        low = constraints["minimum"]
        checks.append(pa.Check(lambda s, m=low: ~(_numeric(s) < m), name=f"minimum {low}"))
    if "maximum" in constraints:
        high = constraints["maximum"]
        checks.append(pa.Check(lambda s, m=high: ~(_numeric(s) > m), name=f"maximum {high}"))
    if constraints.get("unique"):
        checks.append(
            pa.Check(lambda s, k=kind: (s == "") | ~_typed(s, k).duplicated(keep=False),
                     name="duplicate value (must be unique)")
        )
    # Cells are strings read from the CSV, never null: pandera's null scans (per column and per
    # check) could find nothing and cost a pass over every cell each, so they are switched off.
    for check in checks:
        check.ignore_na = False
    return pa.Column(None, checks=checks, nullable=True, name=field["name"])


def dataframe_schema(resource: dict) -> pa.DataFrameSchema:
    """The pandera schema of one resource, derived from its Table Schema."""
    schema = resource["schema"]
    key = schema.get("primaryKey", [])
    checks = []
    kinds = {field["name"]: field["type"] for field in schema["fields"]}
    if len(key) > 1:
        checks.append(
            pa.Check(
                # Compared as typed values, as the database's key compares them.
                lambda frame, k=tuple(key): ~pd.DataFrame(
                    {column: _typed(frame[column], kinds[column]) for column in k}).duplicated(keep=False),
                name=f"duplicate primary key ({', '.join(key)})",
                ignore_na=False,  # as for columns: no cell is null
            )
        )
    return pa.DataFrameSchema(
        {field["name"]: column_schema(field) for field in schema["fields"]},
        checks=checks,
        strict=True,
        ordered=True,
        name=resource["name"],
    )


@functools.lru_cache(maxsize=256)
def _schema_of(resource_json: str) -> pa.DataFrameSchema:
    """dataframe_schema of a resource given as JSON: made once per process for each resource (the
    tests run the gate hundreds of times over the same descriptor)."""
    return dataframe_schema(json.loads(resource_json))


def pandera_problems(table: Table, resource: dict) -> list[Problem]:
    try:
        _schema_of(json.dumps(resource, sort_keys=True)).validate(table.frame, lazy=True)
    except SchemaErrors as errors:
        return _from_failure_cases(table, resource, errors.failure_cases)
    return []


def _from_failure_cases(table: Table, resource: dict, cases: pd.DataFrame) -> list[Problem]:
    problems = []
    key = resource["schema"].get("primaryKey", [])
    for case in cases.itertuples(index=False):
        index = case.index
        column = case.column if isinstance(case.column, str) else ""
        if column == "" and len(key) > 1:
            column = ",".join(key)
            value = "" if index is None else ",".join(str(table.frame.at[index, k]) for k in key)
        else:
            value = "" if case.failure_case is None else str(case.failure_case)
        line = table.line(int(index)) if index is not None and not pd.isna(index) else 0
        problems.append(Problem(table.file, line, column or "-", str(case.check), value))
    return problems


# ---------------------------------------------------------------- cross-table rules


def foreign_key_problems(tables: dict[str, Table], resource: dict, keys: dict | None = None) -> list[Problem]:
    """Values of the resource's foreign keys that name no row; keys holds the set of values of each
    referenced column, made once for every resource that refers to it (the paragraphs' ids are
    referred to by a dozen tables)."""
    keys = {} if keys is None else keys
    problems = []
    table = tables.get(resource["name"])
    if table is None:
        return problems
    for key in resource["schema"].get("foreignKeys", []):
        target_name = key["reference"]["resource"] or resource["name"]
        target = tables.get(target_name)
        if target is None:
            continue
        column = key["fields"][0]
        target_column = key["reference"]["fields"][0]
        values = table.frame[column]
        # Set arithmetic first: the row-by-row pass runs only when some value is unknown.
        if (target_name, target_column) not in keys:
            keys[(target_name, target_column)] = set(target.frame[target_column].tolist())
        unknown = set(values.tolist()) - keys[(target_name, target_column)] - {""}
        if target_name in CODE_LIST_NAMES:
            rule = f"not in code list {target_name} (see docs/generated/codebook.md)"
        else:
            rule = f"foreign key: no {target_name}.{target_column} with this value"
        for index, value in zip(values.index, values.tolist()) if unknown else ():
            if value in unknown:
                problems.append(Problem(table.file, table.line(index), column, rule, value))
    return problems


def _descriptor_lines(root: Path) -> dict[tuple[str, str], int]:
    """Line of each resource's "path", "bytes" and "hash" in datapackage.json, by (path, key)."""
    return dict(_lines_of_keys((root / "datapackage.json").read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=4)
def _lines_of_keys(text: str) -> tuple[tuple[tuple[str, str], int], ...]:
    """_descriptor_lines of a descriptor's text, found once per text (the gate asks twice)."""
    lines: dict[tuple[str, str], int] = {}
    path = ""
    for number, line in enumerate(text.split("\n"), start=1):
        found = re.match(r'\s*"(path|bytes|hash)":\s*"?([^",]*)', line)
        if found is None:
            continue
        key, value = found.groups()
        if key == "path":
            path = value
        if path and (path, key) not in lines:
            lines[(path, key)] = number
    return tuple(lines.items())


def resource_file_problems(root: Path, package: dict) -> list[Problem]:
    """A descriptor that states a CSV's bytes and hash (a released package does) matches the CSV.

    The repository's own datapackage.json states neither: they change with every edit of a row, so
    the release adds them (mandate_notes/release.py).
    """
    from mandate_notes.model import file_facts

    problems = []
    where = _descriptor_lines(root)
    for resource in package["resources"]:
        path = root / resource["path"]
        if not ({"bytes", "hash"} & resource.keys()) or not path.is_file() or path.is_symlink():
            continue
        facts = file_facts(path.read_bytes())
        if "hash" in resource and resource["hash"] != facts["hash"]:
            problems.append(Problem("datapackage.json", where.get((resource["path"], "hash"), 0),
                                    f"resources[{resource['name']}].hash",
                                    f"does not match {resource['path']}", str(resource["hash"])))
        if "bytes" in resource and resource["bytes"] != facts["bytes"]:
            problems.append(Problem("datapackage.json", where.get((resource["path"], "bytes"), 0),
                                    f"resources[{resource['name']}].bytes",
                                    f"does not match {resource['path']} ({facts['bytes']})", str(resource["bytes"])))
    return problems


def descriptor_problems(root: Path, package: dict) -> list[Problem]:
    """datapackage.json describes exactly the tables of the model: same names, paths and schemas.

    Validation reads what the descriptor says and the build stores what validation read, so a
    descriptor that drops a table, a rule or points a path elsewhere must stop both.
    """
    from mandate_notes.model import table_file, table_schema
    from schemas.definitions import TABLES

    problems = []
    where = _descriptor_lines(root)
    described = {resource.get("name"): resource for resource in package.get("resources", [])}
    rerun = "datapackage.json is made from schemas/definitions.py: run `make generate`"
    for spec in TABLES:
        name = spec.name
        resource = described.pop(name, None)
        if resource is None:
            problems.append(Problem("datapackage.json", 0, f"resources[{name}]", f"missing ({rerun})", name))
            continue
        line = where.get((resource.get("path", ""), "path"), 0)
        if resource.get("path") != table_file(name):
            problems.append(Problem("datapackage.json", line, f"resources[{name}].path",
                                    f"not {table_file(name)} ({rerun})", str(resource.get("path"))))
        if resource.get("schema") != table_schema(spec):
            problems.append(Problem("datapackage.json", line, f"resources[{name}].schema",
                                    f"differs from the table model ({rerun})", name))
    for name in described:
        problems.append(Problem("datapackage.json", 0, f"resources[{name}]", f"not a table of the model ({rerun})",
                                str(name)))
    return problems


def load_package(root: Path) -> dict:
    """The descriptor as JSON (ValueError if it cannot be read, nested too deeply included)."""
    with open(root / "datapackage.json", encoding="utf-8") as handle:
        try:
            return json.load(handle)
        except RecursionError:
            raise ValueError("JSON nested too deeply to read") from None


def descriptor_shape_problems(package) -> list[Problem]:
    """What keeps the descriptor from being read as a data package at all: the gate reads each
    resource's name, path and schema fields, so each must be there, of its type, before anything
    else is checked.

    >>> [problem.rule for problem in descriptor_shape_problems([])]
    ['not a JSON object (a data package descriptor)']
    >>> [str(problem) for problem in descriptor_shape_problems({"resources": [{"name": "x"}]})]
    ["datapackage.json:0: resources[0]: not a resource (an object with a text name and path and a schema of fields): 'x'"]
    """
    if not isinstance(package, dict):
        return [Problem("datapackage.json", 0, "-", "not a JSON object (a data package descriptor)",
                        type(package).__name__)]
    resources = package.get("resources")
    if not isinstance(resources, list):
        return [Problem("datapackage.json", 0, "resources", "not a list of resources", type(resources).__name__)]
    problems = []
    for index, resource in enumerate(resources):
        fields = resource.get("schema", {}).get("fields") if isinstance(resource, dict) and isinstance(
            resource.get("schema"), dict) else None
        if not (isinstance(resource, dict) and isinstance(resource.get("name"), str)
                and isinstance(resource.get("path"), str) and isinstance(fields, list)
                and all(isinstance(field, dict) and isinstance(field.get("name"), str)
                        and isinstance(field.get("type"), str) for field in fields)):
            name = resource.get("name") if isinstance(resource, dict) else resource
            problems.append(Problem("datapackage.json", 0, f"resources[{index}]",
                                    "not a resource (an object with a text name and path and a schema of fields)",
                                    str(name)[:80]))
    return problems


def checked_digest(code: str, resource: dict, table: Table) -> str:
    """What a table's cell and schema problems depend on, as one SHA-256: the state of the code that
    checks it (generated.gate_states' "code"), its resource in the descriptor and its file's bytes."""
    return hashlib.sha256("\0".join([code, json.dumps(resource, sort_keys=True), table.sha256]).encode()).hexdigest()


def table_problems(root: Path, resource: dict, tables: dict[str, Table], code: str = "",
                   clean: frozenset[str] = frozenset()) -> list[Problem]:
    """One resource's file, cell and schema problems; a readable table is added to tables. With the
    code's state, a table whose checked_digest is among clean (tables of a package the gate passed
    on, the same bytes checked by the same code) has no cell or schema problem to look for."""
    problems: list[Problem] = []
    table = read_table(root, resource, problems)
    if table is None:
        return problems
    tables[resource["name"]] = table
    if code:
        table.checked = checked_digest(code, resource, table)
        if table.checked in clean:
            return problems
    return problems + cell_problems(table, resource) + pandera_problems(table, resource)


def cross_table_problems(package: dict, tables: dict[str, Table]) -> list[Problem]:
    """Rules between the tables that could be read."""
    problems: list[Problem] = []
    keys: dict = {}
    for resource in package["resources"]:
        problems += foreign_key_problems(tables, resource, keys)
    # The meanings declared on the fields of the model (datapackage.json is checked to equal it).
    problems += semantic_problems(tables, TABLES)
    return problems


def validate_package(root: Path = ROOT) -> list[Problem]:
    """Every problem in the package at root, sorted by file and line."""
    return check_package(root)[0]


def check_package(root: Path = ROOT, code: str = "",
                  clean: frozenset[str] = frozenset()) -> tuple[list[Problem], dict[str, Table]]:
    """Every problem in the package at root, sorted by file and line, and the tables as read (code
    and clean: see table_problems)."""
    package = load_package(root)
    shape = descriptor_shape_problems(package)
    if shape:
        return shape, {}
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    problems += descriptor_problems(root, package)
    for resource in package["resources"]:
        problems += table_problems(root, resource, tables, code, clean)
    problems += cross_table_problems(package, tables)
    problems += resource_file_problems(root, package)
    return capped(sorted(set(problems))), tables
