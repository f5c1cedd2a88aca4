"""What must hold: file-level checks, pandera schemas derived from the Table Schemas, cross-table rules."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from mandate_notes.cast import (CALENDAR_RULE, FINITE_RULE, INTEGER_RANGE_RULE, TYPE_PATTERNS, CastError, cast,
                                failure, is_calendar_date)
from mandate_notes.csvio import Problem, Table, read_table
from mandate_notes.paths import SUPERSCRIPT_DIGITS
from schemas.definitions import CODE_LISTS

ROOT = Path(__file__).resolve().parents[1]
FORMULA_START = ("=", "+", "-", "@")
TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
CODE_LIST_NAMES = {spec["name"] for spec in CODE_LISTS}
SPACE_AFTER_NUL = re.compile("\x00\\s")
FORMULA_AFTER_NUL = re.compile("\x00[=+\\-@]")


def cell_problems(table: Table, resource: dict) -> list[Problem]:
    """Per-cell text hygiene: NFC, no padding, no spreadsheet formulas in text cells."""
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
            if value != value.strip():
                problems.append(Problem(table.file, line, column, "leading or trailing whitespace", value))
            if types[column] == "string" and value.startswith(FORMULA_START):
                problems.append(
                    Problem(table.file, line, column, "starts with = + - or @ (spreadsheet formula)", value)
                )
    return problems


def _clean_cells(values: list[str], text: bool) -> bool:
    """True when cell_problems would find nothing in these cells: whole-column tests at C speed.

    Cells never hold NUL (read_table rejects the file), so joined by NUL each cell stays apart:
    NUL composes with nothing, so the joined text is NFC exactly when every cell is.
    """
    joined = "\x00".join(values)
    if not unicodedata.is_normalized("NFC", joined):
        return False
    # Padding: a cell opening (or, read backwards, closing) with what str.strip removes; re's \s
    # is the same test as strip's (both are Py_UNICODE_ISSPACE).
    if any(SPACE_AFTER_NUL.search(side) or side[:1].isspace() for side in (joined, joined[::-1])):
        return False
    # A cell opens the joined text or follows a NUL.
    return not (text and (joined.startswith(FORMULA_START) or FORMULA_AFTER_NUL.search(joined)))


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
            pa.Check(lambda s, p=pattern: (s == "") | _fullmatch(s, p), name=f"type {kind}")
        )
        beyond = {"integer": INTEGER_RANGE_RULE, "number": FINITE_RULE, "date": CALENDAR_RULE}.get(kind)
        if beyond:
            checks.append(pa.Check(lambda s, k=kind, r=beyond: _keeps_rule(s, k, r), name=beyond))
    if "pattern" in constraints:
        pattern = re.compile(constraints["pattern"], re.ASCII)
        checks.append(
            pa.Check(lambda s, p=pattern: (s == "") | _fullmatch(s, p),
                     name=f"pattern {constraints['pattern']}")
        )
        if "(0[1-9]|1[0-2])" in constraints["pattern"]:
            checks.append(
                pa.Check(lambda s: (s == "") | s.map(is_calendar_date), name=CALENDAR_RULE)
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


def pandera_problems(table: Table, resource: dict) -> list[Problem]:
    try:
        dataframe_schema(resource).validate(table.frame, lazy=True)
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


def foreign_key_problems(tables: dict[str, Table], resource: dict) -> list[Problem]:
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
        unknown = set(values.tolist()) - set(target.frame[target_column].tolist()) - {""}
        if target_name in CODE_LIST_NAMES:
            rule = f"not in code list {target_name} (see docs/generated/codebook.md)"
        else:
            rule = f"foreign key: no {target_name}.{target_column} with this value"
        for index, value in zip(values.index, values.tolist()) if unknown else ():
            if value in unknown:
                problems.append(Problem(table.file, table.line(index), column, rule, value))
    return problems


def _contains(
    table: Table, column: str, haystacks: pd.Series, rule: str, problems: list[Problem]
) -> None:
    """Report rows whose non-empty `column` value is not a substring of the row's haystack."""
    if column not in table.frame.columns:
        return
    needles = table.frame[column]
    # Plain lists: a label lookup per row would cost more than the test itself.
    found = haystacks.reindex(needles.index).tolist()
    for index, needle, haystack in zip(needles.index, needles.tolist(), found):
        if needle and (not isinstance(haystack, str) or needle not in haystack):
            problems.append(Problem(table.file, table.line(index), column, rule, needle))


def _lookup(keys: pd.Series, mapping: dict) -> pd.Series:
    """keys.map(mapping), NaN where absent, without pandas making a Series of the dict per call."""
    return pd.Series([mapping.get(key, np.nan) for key in keys.tolist()], index=keys.index, dtype=object)


def anchor_problems(tables: dict[str, Table]) -> list[Problem]:
    """Quotes and verbatim phrases occur where the row says; paragraphs belong to the row's note."""
    problems: list[Problem] = []
    paragraphs = tables.get("paragraphs")
    if paragraphs is None:
        return problems
    para = paragraphs.frame.set_index("paragraph_id")
    text_of = dict(zip(para.index.tolist(), para["text"].tolist()))
    document_of = dict(zip(para.index.tolist(), para["document_id"].tolist()))
    # The paragraph that introduces a bullet list: the nearest non-bullet paragraph before it.
    intro_of: dict[str, str] = {}
    last_non_bullet = ""
    for pid, kind in zip(paragraphs.frame["paragraph_id"], paragraphs.frame["kind"]):
        if kind == "bullet":
            intro_of[pid] = last_non_bullet
        else:
            last_non_bullet = pid
    for table in tables.values():
        frame = table.frame
        if "paragraph_id" not in frame.columns or table.name == "paragraphs":
            continue
        paragraph_text = _lookup(frame["paragraph_id"], text_of)
        if "document_id" in frame.columns:
            owner = _lookup(frame["paragraph_id"], document_of)
            mismatch = frame[owner.notna() & (owner != frame["document_id"])]
            for index, row in mismatch.iterrows():
                problems.append(
                    Problem(table.file, table.line(index), "paragraph_id",
                            f"paragraph belongs to another document than {row['document_id']}",
                            row["paragraph_id"])
                )
        _contains(table, "quote", paragraph_text, "quote not found verbatim in its paragraph", problems)
        _contains(table, "alias", paragraph_text, "alias not found verbatim in its paragraph", problems)
        _contains(table, "addressee_as_written", paragraph_text,
                  "addressee_as_written not found verbatim in the paragraph", problems)
        _contains(table, "priority_phrase", paragraph_text,
                  "priority_phrase not found verbatim in the paragraph", problems)
        if "quote" in frame.columns:
            for column in ("value_as_written", "date_as_written"):
                _contains(table, column, frame["quote"], f"{column} not found verbatim in the quote", problems)
        if "attribution_phrase" in frame.columns:
            intro_text = frame["paragraph_id"].map(lambda pid: text_of.get(intro_of.get(pid, ""), ""))
            # Built from plain strings: with no paragraph found, map() would give a float column.
            own_text = frame["paragraph_id"].map(lambda pid: text_of.get(pid, ""))
            where = own_text + "\n" + intro_text
            _contains(table, "attribution_phrase", where,
                      "attribution_phrase not found in the paragraph (or, for a bullet, its list's lead-in)",
                      problems)
    return problems


def _records(frame: pd.DataFrame):
    """(index, row as a dict) for each row: what iterrows gives, without a Series per row."""
    columns = frame.columns.tolist()
    return zip(frame.index, (dict(zip(columns, values)) for values in frame.itertuples(index=False, name=None)))


def citation_problems(tables: dict[str, Table]) -> list[Problem]:
    """Footnote numbers exist; a citation's paragraph is that footnote; the marker is in the citing sentence."""
    problems: list[Problem] = []
    citations, paragraphs = tables.get("citations"), tables.get("paragraphs")
    if citations is None or paragraphs is None:
        return problems
    para = paragraphs.frame
    footnotes = para[para["kind"] == "footnote"]
    footnote_paragraph = {
        (doc, number): pid
        for doc, number, pid in zip(footnotes["document_id"], footnotes["footnote_number"], footnotes["paragraph_id"])
    }
    text_of = dict(zip(para["paragraph_id"], para["text"]))
    markers_of = dict(zip(para["paragraph_id"], para["footnote_markers"]))
    for index, row in _records(citations.frame):
        line = citations.line(index)
        number = row["footnote_number"]
        expected = footnote_paragraph.get((row["document_id"], number))
        if expected is None:
            problems.append(Problem(citations.file, line, "footnote_number",
                                    "no footnote with this number in the document", number))
            continue
        if row["paragraph_id"] != expected:
            problems.append(Problem(citations.file, line, "paragraph_id",
                                    f"not the paragraph of footnote {number} ({expected})", row["paragraph_id"]))
        citing = row["citing_paragraph_id"]
        if number not in markers_of.get(citing, "").split(";"):
            problems.append(Problem(citations.file, line, "citing_paragraph_id",
                                    f"paragraph carries no marker for footnote {number}", citing))
        sentence = row["citing_sentence"]
        if sentence and sentence not in text_of.get(citing, ""):
            problems.append(Problem(citations.file, line, "citing_sentence",
                                    "citing_sentence not found verbatim in the citing paragraph", sentence))
        elif sentence and number.isdigit() and number.translate(TO_SUPERSCRIPT) not in sentence:
            problems.append(Problem(citations.file, line, "citing_sentence",
                                    f"citing_sentence lacks the marker of footnote {number}", sentence))
    return problems


def value_problems(tables: dict[str, Table]) -> list[Problem]:
    """Values that make sense for their unit: no negative counts, no percent above 100."""
    problems: list[Problem] = []
    stats = tables.get("statistics")
    if stats is None:
        return problems
    values = _numeric(stats.frame["value"])
    units = stats.frame["unit"]
    for index in stats.frame.index[(units == "percent") & ((values < 0) | (values > 100))]:
        problems.append(Problem(stats.file, stats.line(index), "value", "percent outside 0-100",
                                stats.frame.at[index, "value"]))
    for index in stats.frame.index[(units.isin(["count", "years"])) & (values < 0)]:
        problems.append(Problem(stats.file, stats.line(index), "value", f"negative {units[index]}",
                                stats.frame.at[index, "value"]))
    return problems


def recommendation_problems(tables: dict[str, Table]) -> list[Problem]:
    """Inferred addressees have no written form; explicit ones have one; links join bullets to body rows."""
    problems: list[Problem] = []
    recs = tables.get("recommendations")
    if recs is None:
        return problems
    frame = recs.frame
    inferred = frame["addressee_is_inferred"] == "true"
    for index in frame.index[inferred & (frame["addressee_as_written"] != "")]:
        problems.append(Problem(recs.file, recs.line(index), "addressee_as_written",
                                "must be empty when addressee_is_inferred is true",
                                frame.at[index, "addressee_as_written"]))
    for index in frame.index[~inferred & (frame["addressee_actor_id"] != "") & (frame["addressee_as_written"] == "")]:
        problems.append(Problem(recs.file, recs.line(index), "addressee_as_written",
                                "required when the addressee is explicit", ""))
    links = tables.get("recommendation_links")
    if links is not None:
        bullet = dict(zip(frame["recommendation_id"], frame["is_opening_bullet"]))
        for index, row in _records(links.frame):
            if bullet.get(row["bullet_recommendation_id"]) == "false":
                problems.append(Problem(links.file, links.line(index), "bullet_recommendation_id",
                                        "not an opening bullet", row["bullet_recommendation_id"]))
            if bullet.get(row["body_recommendation_id"]) == "true":
                problems.append(Problem(links.file, links.line(index), "body_recommendation_id",
                                        "is an opening bullet, not a body recommendation",
                                        row["body_recommendation_id"]))
    return problems


def _descriptor_lines(root: Path) -> dict[tuple[str, str], int]:
    """Line of each resource's "path", "bytes" and "hash" in datapackage.json, by (path, key)."""
    lines: dict[tuple[str, str], int] = {}
    path = ""
    text = (root / "datapackage.json").read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), start=1):
        found = re.match(r'\s*"(path|bytes|hash)":\s*"?([^",]*)', line)
        if found is None:
            continue
        key, value = found.groups()
        if key == "path":
            path = value
        if path and (path, key) not in lines:
            lines[(path, key)] = number
    return lines


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
        name = spec["name"]
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
    with open(root / "datapackage.json", encoding="utf-8") as handle:
        return json.load(handle)


def table_problems(root: Path, resource: dict, tables: dict[str, Table]) -> list[Problem]:
    """One resource's file, cell and schema problems; a readable table is added to tables."""
    problems: list[Problem] = []
    table = read_table(root, resource, problems)
    if table is None:
        return problems
    tables[resource["name"]] = table
    return problems + cell_problems(table, resource) + pandera_problems(table, resource)


def cross_table_problems(package: dict, tables: dict[str, Table]) -> list[Problem]:
    """Rules between the tables that could be read."""
    problems: list[Problem] = []
    for resource in package["resources"]:
        problems += foreign_key_problems(tables, resource)
    problems += anchor_problems(tables)
    problems += citation_problems(tables)
    problems += value_problems(tables)
    problems += recommendation_problems(tables)
    return problems


def validate_package(root: Path = ROOT) -> list[Problem]:
    """Every problem in the package at root, sorted by file and line."""
    return check_package(root)[0]


def check_package(root: Path = ROOT) -> tuple[list[Problem], dict[str, Table]]:
    """Every problem in the package at root, sorted by file and line, and the tables as read."""
    package = load_package(root)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    problems += descriptor_problems(root, package)
    for resource in package["resources"]:
        problems += table_problems(root, resource, tables)
    problems += cross_table_problems(package, tables)
    problems += resource_file_problems(root, package)
    return sorted(set(problems)), tables
