"""One corruption of a copy of data/ is refused by `make validate` and by the build with
FILE:LINE: column: rule: value, and the last good database stays as it was.

Each case corrupts a copy of the real package and returns the exact line the check must print. The
rows it touches are found in the CSVs (the last row of a table, the first footnote cited), never
assumed, so the suite holds while the tables are being coded. The copy holds the record of a pass of
the gate (passed_copy), as a contributor's checkout does: the gate remakes only what a corruption could
have changed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from mandate_notes.checks import Problem, validate_package
from schemas.definitions import ISO_PARTIAL_DATE, PATTERN_WORDS, TABLES
from mandate_notes import build, validate
from mandate_notes.cast import FINITE_RULE, INTEGER_RANGE_RULE
from mandate_notes.csvio import MAX_CELL_CHARS, MAX_PROBLEMS_PER_FILE
from mandate_notes.model import csv_path, table_file

# Slow (`make check` leaves it out): each of its cases validates and builds a corrupted copy of the package.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
RERUN = "datapackage.json is made from schemas/definitions.py: run `make generate`"

# ---------------------------------------------------------------- reading and writing a copy


def read(root: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with open(csv_path(root / "data", table), encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    return records[0], records[1:]


def write(root: Path, table: str, header: list[str], rows: list[list[str]]) -> list[int]:
    """Write the table as csv.writer does and return the file line each row starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    starts, line = [], 2
    for row in rows:
        before = buffer.tell()
        writer.writerow(row)
        starts.append(line)
        line += buffer.getvalue()[before:].count("\n")
    (csv_path(root / "data", table)).write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return starts


def records(root: Path, table: str) -> list[dict[str, str]]:
    header, rows = read(root, table)
    return [dict(zip(header, row)) for row in rows]


def message(table: str, line: int, column: str, rule: str, value: str) -> str:
    return str(Problem(table_file(table), line, column, rule, value))


def set_cell(root: Path, table: str, column: str, value: str) -> str:
    """Set one cell of the table's last row; return the line that row is on."""
    header, rows = read(root, table)
    rows[-1][header.index(column)] = value
    return write(root, table, header, rows)[-1]


def append(root: Path, table: str, row: dict[str, str]) -> int:
    header, rows = read(root, table)
    rows.append([row.get(name, "") for name in header])
    return write(root, table, header, rows)[-1]


def last_line_number(root: Path, table: str) -> int:
    return (csv_path(root / "data", table)).read_bytes().count(b"\n")


def rewrite_bytes(root: Path, table: str, change) -> None:
    path = csv_path(root / "data", table)
    path.write_bytes(change(path.read_bytes()))


# ---------------------------------------------------------------- valid rows to corrupt


def new_statistic(root: Path, **changes: str) -> dict[str, str]:
    """A valid statistics row: the first body paragraph holding a number, quoted whole."""
    for paragraph in records(root, "paragraphs"):
        found = re.search(r"\d+", paragraph["text"])
        if paragraph["kind"] == "body" and found:
            break
    else:
        raise AssertionError("no body paragraph holds a number")
    row = {
        "statistic_id": f"{paragraph['document_id']}-stat-test",
        "document_id": paragraph["document_id"],
        "paragraph_id": paragraph["paragraph_id"],
        "quote": paragraph["text"],
        "quantity": "a figure added by the corruption tests",
        "value": found.group(),
        "value_as_written": found.group(),
        "unit": "count",
        "comparator": records(root, "comparators")[0]["code"],
    }
    return {**row, **changes}


def new_citation(root: Path, **changes: str) -> dict[str, str]:
    """A valid citations row: the first footnote whose marker a body paragraph carries."""
    paragraphs = records(root, "paragraphs")
    citing = {}
    for paragraph in paragraphs:
        for number in filter(None, paragraph["footnote_markers"].split(";")):
            citing.setdefault((paragraph["document_id"], number), paragraph)
    footnote = next(p for p in paragraphs
                    if p["kind"] == "footnote" and (p["document_id"], p["footnote_number"]) in citing)
    body = citing[(footnote["document_id"], footnote["footnote_number"])]
    row = {
        "citation_id": f"{footnote['document_id']}-fn-test",
        "document_id": footnote["document_id"],
        "footnote_number": footnote["footnote_number"],
        "position": "1",
        "citation_role": records(root, "citation_roles")[0]["code"],
        "paragraph_id": footnote["paragraph_id"],
        "quote": footnote["text"],
        "citing_paragraph_id": body["paragraph_id"],
        "citing_sentence": body["text"],
    }
    return {**row, **changes}


def new_actor_line(root: Path, description: str) -> tuple[int, str]:
    """A raw actors line (not written through csv) whose description is given verbatim."""
    actor_type = records(root, "actor_types")[0]["code"]
    return last_line_number(root, "actors") + 1, f"zz-test-actor,Test actor,,{actor_type},,,{description}\n"


# ---------------------------------------------------------------- the corruptions


def wrong_type(root):
    return message("support_levels", set_cell(root, "support_levels", "rank", "two"), "rank", "type integer", "two")


def outside_code_list(root):
    line = set_cell(root, "actors", "actor_type", "wizard")
    return message("actors", line, "actor_type", "not in code list actor_types (see docs/generated/codebook.md)", "wizard")


def duplicate_id(root):
    last = records(root, "actors")[-1]
    line = append(root, "actors", last)
    return message("actors", line, "actor_id", "duplicate value (must be unique)", last["actor_id"])


def dangling_foreign_key(root):
    line = set_cell(root, "actors", "parent_actor_id", "no-such-actor")
    return message("actors", line, "parent_actor_id", "foreign key: no actors.actor_id with this value",
                   "no-such-actor")


def missing_required_value(root):
    return message("actors", set_cell(root, "actors", "name", ""), "name", "required value missing", "")


def missing_column(root):
    header, rows = read(root, "actors")
    at = header.index("acronym")
    write(root, "actors", header[:at] + header[at + 1:], [row[:at] + row[at + 1:] for row in rows])
    return message("actors", 1, "acronym", "missing column", ",".join(header[:at] + header[at + 1:]))


def extra_column(root):
    header, rows = read(root, "actors")
    write(root, "actors", header + ["comment"], [row + ["x"] for row in rows])
    return message("actors", 1, "comment", "unexpected column", "comment")


def renamed_column(root):
    header, rows = read(root, "actors")
    at = header.index("acronym")
    write(root, "actors", header[:at] + ["abbreviation"] + header[at + 1:], rows)
    return message("actors", 1, "acronym", f"column renamed (expected acronym as column {at + 1})", "abbreviation")


def reordered_columns(root):
    header, rows = read(root, "actors")
    a, b = header.index("name"), header.index("acronym")

    def swap(row):
        row = list(row)
        row[a], row[b] = row[b], row[a]
        return row

    write(root, "actors", swap(header), [swap(row) for row in rows])
    return message("actors", 1, "acronym", f"column out of order (expected name as column {a + 1})", "acronym")


def quote_not_in_paragraph(root):
    line = set_cell(root, "document_actors", "quote", "words the note never wrote")
    return message("document_actors", line, "quote", "quote not found verbatim in its paragraph",
                   "words the note never wrote")


def paragraph_of_another_document(root):
    first = records(root, "documents")[0]
    line = append(root, "documents", {**first, "document_id": "zz-other-note", "source_file": "zz-other-note.txt"})
    return message("documents", line, "paragraph_id", "paragraph belongs to another document than zz-other-note",
                   first["paragraph_id"])


def footnote_out_of_range(root):
    numbers = [int(p["footnote_number"]) for p in records(root, "paragraphs") if p["footnote_number"]]
    beyond = str(max(numbers) + 1)
    line = append(root, "citations", new_citation(root, footnote_number=beyond))
    return message("citations", line, "footnote_number", "no footnote with this number in the document", beyond)


def negative_count(root):
    line = append(root, "statistics", new_statistic(root, unit="count", value="-3"))
    return message("statistics", line, "value", "negative count", "-3")


def percent_above_100(root):
    line = append(root, "statistics", new_statistic(root, unit="percent", value="140"))
    return message("statistics", line, "value", "percent outside 0-100", "140")


def impossible_date(root):
    line = set_cell(root, "documents", "workshop_date", "2023-02-30")
    return message("documents", line, "workshop_date", "impossible date (not in the calendar)", "2023-02-30")


def byte_order_mark(root):
    rewrite_bytes(root, "actors", lambda raw: b"\xef\xbb\xbf" + raw)
    return message("actors", 1, "-", "byte order mark (UTF-8 without BOM required)", "\ufeff")


def crlf_line_endings(root):
    rewrite_bytes(root, "actors", lambda raw: raw.replace(b"\n", b"\r\n"))
    return message("actors", 1, "-", "CR line ending (LF only)", "\r\n")


def invalid_utf8(root):
    line = set_cell(root, "actors", "description", "placeholder")
    rewrite_bytes(root, "actors", lambda raw: raw.replace(b"placeholder", b"place\xffholder"))
    return message("actors", line, "description", "invalid UTF-8", "0xff")


def nul_byte(root):
    line = set_cell(root, "actors", "description", "placeholder")
    rewrite_bytes(root, "actors", lambda raw: raw.replace(b"placeholder", b"place\x00holder"))
    return message("actors", line, "description", "NUL byte", "\x00")


def too_many_fields(root):
    header, rows = read(root, "actors")
    rows[-1].append("surplus")
    line = write(root, "actors", header, rows)[-1]
    return message("actors", line, f"field {len(header) + 1}",
                   f"row has {len(header) + 1} fields, header has {len(header)}",
                   ",".join(rows[-1]))


def too_few_fields(root):
    header, rows = read(root, "actors")
    rows[-1].pop()
    line = write(root, "actors", header, rows)[-1]
    return message("actors", line, header[-1], f"row has {len(header) - 1} fields, header has {len(header)}",
                   ",".join(rows[-1]))


def unbalanced_quote(root):
    line, text = new_actor_line(root, '"A description whose quote is never closed')
    rewrite_bytes(root, "actors", lambda raw: raw + text.encode())
    return message("actors", line, "description", "unbalanced quote (the quoted field is never closed)",
                   '"A description whose quote is never closed')


def quote_inside_unquoted_field(root):
    line, text = new_actor_line(root, 'Called "the group" by the note')
    rewrite_bytes(root, "actors", lambda raw: raw + text.encode())
    return message("actors", line, "description",
                   "quote inside an unquoted field (quote the whole field and double the quote)",
                   'Called "the group" by the note')


def empty_file(root):
    rewrite_bytes(root, "actors", lambda raw: b"")
    return message("actors", 1, "-", "empty file (a header row is required)", "")


def header_only(root):
    header, _ = read(root, "themes")
    write(root, "themes", header, [])
    return message("themes", 2, "-", "too few rows (themes must hold at least 1)", "0")


def whitespace_in_id(root):
    padded = records(root, "actors")[-1]["actor_id"] + " "
    line = set_cell(root, "actors", "actor_id", padded)
    return message("actors", line, "actor_id", "leading or trailing whitespace", padded)


def formula(start):
    def corrupt(root):
        value = f"{start}HYPERLINK(\"http://example.invalid\")"
        line = set_cell(root, "actors", "description", value)
        return message("actors", line, "description", "starts with = + - or @ (spreadsheet formula)", value)

    corrupt.__name__ = f"formula_{start}"
    return corrupt


def hidden_character(character, column="description", table="actors", name=None):
    """A control or invisible character inside a cell (ESC, DEL, a line separator), or one that
    reorders (a right-to-left override) or hides (a zero-width space) what an id or code shows."""
    def corrupt(root):
        value = records(root, table)[-1][column]
        value = f"{value[:2]}{character}{value[2:]}" if column != "code" else value + character
        line = set_cell(root, table, column, value)
        named = f"U+{ord(character):04X}" + (" (unassigned)" if unicodedata.category(character) == "Cn" else
                                             f" {unicodedata.name(character)}" if unicodedata.name(character, "") else "")
        return message(table, line, column, f"control or invisible character ({named})", value)

    corrupt.__name__ = name or f"hidden_character_{ord(character):04x}"
    return corrupt


def invisible_at_an_edge(character, at_start, name):
    """A default-ignorable character that is not a format character (a Hangul filler, a variation
    selector) opening or closing a text cell, where it pads the value unseen."""
    def corrupt(root):
        value = records(root, "actors")[-1]["description"]
        value = character + value if at_start else value + character
        line = set_cell(root, "actors", "description", value)
        return message("actors", line, "description",
                       f"control or invisible character (U+{ord(character):04X} {unicodedata.name(character)})", value)

    corrupt.__name__ = name
    return corrupt


def cyrillic_look_alike_in_an_id(root):
    """The last actor id holding an "a" (whichever note added it) gets a Cyrillic one instead."""
    original = next(row["actor_id"] for row in reversed(records(root, "actors")) if "a" in row["actor_id"])
    value = original.replace("a", "\u0430", 1)
    line = set_cell_where(root, "actors", {"actor_id": original}, "actor_id", value)
    word = next(word for word in re.findall(r"\w+", value) if "\u0430" in word)
    return message("actors", line, "actor_id", f"look-alike letters of two scripts in one word ({word})", value)


def greek_look_alike_in_a_name(root):
    value = "\u039cali"  # a Greek capital mu before Latin letters
    line = set_cell(root, "actors", "name", value)
    return message("actors", line, "name", f"look-alike letters of two scripts in one word ({value})", value)


def descriptor_is_a_list(root):
    (root / "datapackage.json").write_text("[]\n", encoding="utf-8")
    return str(Problem("datapackage.json", 0, "-", "not a JSON object (a data package descriptor)", "list"))


def descriptor_resource_without_a_schema(root):
    package = _descriptor(root)
    del package["resources"][0]["schema"]
    _write_descriptor(root, package)
    return str(Problem("datapackage.json", 0, "resources[0]",
                       "not a resource (an object with a text name and path and a schema of fields)",
                       package["resources"][0]["name"]))


def millions_of_blank_lines(root):
    """A 2 MB file of blank lines printed 2,000,000 problems (173 MB) in minutes."""
    path = csv_path(root / "data", "themes")
    text = path.read_text(encoding="utf-8")
    blank = 2_000_000
    path.write_text(text + "\n" * blank, encoding="utf-8")
    first = text.count("\n") + 1
    return str(Problem(table_file("themes"), first + MAX_PROBLEMS_PER_FILE, "-",
                       f"more problems in this file, not listed (the first {MAX_PROBLEMS_PER_FILE} are)",
                       str(blank - MAX_PROBLEMS_PER_FILE)))


def not_nfc(root):
    decomposed = unicodedata.normalize("NFD", "Côte d’Ivoire")
    line = set_cell(root, "actors", "name", decomposed)
    return message("actors", line, "name", "text not in Unicode NFC", decomposed)


def hash_mismatch(root):
    """A released package states each file's hash; a file changed after the release no longer matches."""
    from mandate_notes.release import released_descriptor

    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    (root / "datapackage.json").write_bytes(released_descriptor(root, package))
    descriptor = (root / "datapackage.json").read_text(encoding="utf-8")
    digest = "sha256:" + hashlib.sha256((csv_path(root / "data", "actors")).read_bytes()).hexdigest()
    line = next(number for number, text in enumerate(descriptor.split("\n"), start=1) if digest in text)
    set_cell(root, "actors", "description", records(root, "actors")[-1]["description"] + " Edited.")
    return str(Problem("datapackage.json", line, "resources[actors].hash", "does not match data/actors.csv", digest))


# ---------------------------------------------------------------- probed from outside (second round)

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def non_ascii_negative_count(root):
    value = "-" + "5".translate(ARABIC_INDIC)
    line = append(root, "statistics", new_statistic(root, unit="count", value=value))
    return message("statistics", line, "value", "type number", value)


def non_ascii_percent(root):
    value = "150".translate(ARABIC_INDIC)
    line = append(root, "statistics", new_statistic(root, unit="percent", value=value))
    return message("statistics", line, "value", "type number", value)


def non_ascii_date(root):
    value = "2023".translate(ARABIC_INDIC) + "-05-18"
    line = set_cell(root, "events", "date", value)
    return message("events", line, "date", f"pattern {ISO_PARTIAL_DATE} ({PATTERN_WORDS[ISO_PARTIAL_DATE]})", value)


def non_ascii_position(root):
    value = "1".translate(ARABIC_INDIC)
    line = set_cell(root, "citations", "position", value)
    return message("citations", line, "position", "type integer", value)


def set_cell_where(root: Path, table: str, where: dict[str, str], column: str, value: str) -> int:
    """Set one cell of the first row matching where; return the line that row is on."""
    header, rows = read(root, table)
    index = next(number for number, row in enumerate(rows)
                 if all(row[header.index(key)] == wanted for key, wanted in where.items()))
    rows[index][header.index(column)] = value
    return write(root, table, header, rows)[index]


def country_code_on_a_un_body(root):
    """A UN mission belongs to no country, even the one it serves in."""
    line = set_cell_where(root, "actors", {"actor_type": "un_mission"}, "country_iso3", "MLI")
    return message("actors", line, "country_iso3",
                   "must be empty for an international or collective actor (UN bodies included)", "MLI")


def recommendation_without_mandate_link(root):
    """Once a note names the mandate in force, each of its recommendations has a link to it."""
    header, rows = read(root, "mandate_links")
    last = rows[-1][header.index("recommendation_id")]
    write(root, "mandate_links", header, [row for row in rows if row[header.index("recommendation_id")] != last])
    recommendations = records(root, "recommendations")
    line = 2 + next(i for i, row in enumerate(recommendations) if row["recommendation_id"] == last)
    return message("recommendations", line, "recommendation_id", "recommendation without a mandate link", last)


def outcome_in_the_mandate_in_force(root):
    """An outcome names the note's decision, not the resolution that was in force before it."""
    mandate = next(row for row in records(root, "documents") if row["mandate_in_force_id"])["mandate_in_force_id"]
    line = set_cell_where(root, "recommendation_outcomes", {}, "document_id", mandate)
    return message("recommendation_outcomes", line, "document_id",
                   "not the resolution the recommendation's note names as decision_id", mandate)


def two_outcomes_for_asks_of_the_same_substance(root):
    """Asks that link the same clause of the mandate in force the same way get one outcome from one paragraph."""
    clauses = {}
    for link in records(root, "mandate_links"):
        if link["paragraph_id"]:
            clauses.setdefault(link["recommendation_id"], []).append((link["paragraph_id"], link["relation"], link["quote"]))
    outcomes = records(root, "recommendation_outcomes")
    shared = lambda a, b: [c for c in clauses.get(b, []) if c in clauses.get(a, [])]  # noqa: E731
    first, line, second = next((a, 2 + j, b) for j, b in enumerate(outcomes) for a in outcomes[:j]
                               if b["paragraph_id"] and a["paragraph_id"] == b["paragraph_id"]
                               and shared(a["recommendation_id"], b["recommendation_id"]))
    paragraph, relation, _ = shared(first["recommendation_id"], second["recommendation_id"])[0]
    changed = "overtaken" if first["outcome"] != "overtaken" else "adopted"
    set_cell_where(root, "recommendation_outcomes", {"outcome_id": second["outcome_id"]}, "outcome", changed)
    return message("recommendation_outcomes", line, "outcome",
                   "another outcome from this paragraph for an ask of the same substance "
                   f"({first['recommendation_id']} is {first['outcome']}; both {relation} {paragraph})", changed)


def resolution_quote_not_verbatim(root):
    """A quote that runs on past its paragraph's words: the problem says where the two part."""
    row = records(root, "recommendation_outcomes")[0]
    text = next(p["text"] for p in records(root, "paragraphs") if p["paragraph_id"] == row["paragraph_id"])
    after = text.find(row["quote"]) + len(row["quote"])
    line = set_cell_where(root, "recommendation_outcomes", {}, "quote", row["quote"] + " and more")
    parted = (f"differs at character {len(row['quote']) + 1}: the text has "
              + (f"{text[after]!r} where" if after < len(text) else "the end of the text where") + " the value has ' '")
    return message("recommendation_outcomes", line, "quote", f"quote not found verbatim in its paragraph ({parted})",
                   row["quote"] + " and more")


def no_pema_task_beside_another(root):
    header, rows = read(root, "recommendation_tasks")
    alone = next(row for row in rows if row[header.index("task")] == "no_pema_task")
    extra = [alone[header.index("recommendation_id")], "human_rights"]
    rows.append(extra)
    rows.sort()
    line = write(root, "recommendation_tasks", header, rows)[rows.index(extra)]
    return message("recommendation_tasks", line, "task",
                   "no_pema_task is coded for this recommendation_id, so no other code may be", "human_rights")


def value_not_as_written(root):
    """A figure written 'sixty-four' (or '24 percent') must be stored as that number."""
    row = records(root, "statistics")[0]
    wrong = str(float(row["value"]) + 1)
    line = set_cell_where(root, "statistics", {"statistic_id": row["statistic_id"]}, "value", wrong)
    return message("statistics", line, "value", "value is not the number value_as_written states", wrong)


def support_level_against_its_phrase(root):
    """'One participant suggested' is one participant's view, whatever the cell says."""
    row = next(r for r in records(root, "recommendations") if r["support_level"] == "one_participant")
    line = set_cell_where(root, "recommendations", {"recommendation_id": row["recommendation_id"]},
                          "support_level", "agreement")
    return message("recommendations", line, "support_level",
                   "not the support level the attribution phrase gives (phrase table)", "agreement")


def priority_signal_against_its_phrase(root):
    row = next(r for r in records(root, "recommendations") if r["priority_signal"] == "conditional")
    line = set_cell_where(root, "recommendations", {"recommendation_id": row["recommendation_id"]},
                          "priority_signal", "immediate")
    return message("recommendations", line, "priority_signal", "not the signal the priority phrase carries", "immediate")


def event_ending_before_it_starts(root):
    row = next(r for r in records(root, "events") if r["date_end"])
    line = set_cell_where(root, "events", {"event_id": row["event_id"]}, "date_end", "1999-01-01")
    return message("events", line, "date_end", f"date_end before date ({row['date']})", "1999-01-01")


def recommendation_from_a_heading(root):
    heading = next(r for r in records(root, "paragraphs") if r["kind"] == "heading" and r["document_id"] == "ipi-2023-minusma")
    row = records(root, "recommendations")[0]
    line = set_cell_where(root, "recommendations", {"recommendation_id": row["recommendation_id"]},
                          "paragraph_id", heading["paragraph_id"])
    return message("recommendations", line, "paragraph_id", "a paragraph of kind body, bullet expected", heading["paragraph_id"])


def state_without_country_code(root):
    line = set_cell_where(root, "actors", {"actor_type": "state"}, "country_iso3", "")
    return message("actors", line, "country_iso3", "required for a state", "")


def leading_zero_rank(root):
    """01 beside 1 would give two codes of rank 1 in the database: ranks compare as integers."""
    first = records(root, "support_levels")[0]["rank"]
    line = set_cell(root, "support_levels", "rank", "0" + first)
    return message("support_levels", line, "rank", "duplicate value (must be unique)", "0" + first)


def integer_beyond_sqlite(root):
    value = "1" + "0" * 29
    line = set_cell(root, "support_levels", "rank", value)
    return message("support_levels", line, "rank", INTEGER_RANGE_RULE, value)


def infinite_number(root):
    line = append(root, "statistics", new_statistic(root, unit="count", value="1e999"))
    return message("statistics", line, "value", FINITE_RULE, "1e999")


def _descriptor(root):
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def _write_descriptor(root, package) -> str:
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    (root / "datapackage.json").write_text(text, encoding="utf-8")
    return text


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), start=1) if needle in line)


def descriptor_points_elsewhere(root):
    """A descriptor whose path points at a clean copy must not let the real file's rows through."""
    clean = root / "data" / "clean"
    clean.mkdir()
    shutil.copy(csv_path(root / "data", "actors"), clean / "actors.csv")
    set_cell(root, "actors", "description", '=HYPERLINK("http://example.invalid")')
    package = _descriptor(root)
    next(r for r in package["resources"] if r["name"] == "actors")["path"] = "data/clean/actors.csv"
    text = _write_descriptor(root, package)
    return str(Problem("datapackage.json", _line_of(text, '"path": "data/clean/actors.csv"'), "resources[actors].path",
                       f"not data/actors.csv ({RERUN})", "data/clean/actors.csv"))


def descriptor_drops_resource(root):
    set_cell(root, "actors", "actor_id", "Not An Id!")
    package = _descriptor(root)
    package["resources"] = [r for r in package["resources"] if r["name"] != "actors"]
    _write_descriptor(root, package)
    return str(Problem("datapackage.json", 0, "resources[actors]", f"missing ({RERUN})", "actors"))


def descriptor_drops_pattern(root):
    set_cell(root, "actors", "actor_id", "Not An Id!")
    package = _descriptor(root)
    actors = next(r for r in package["resources"] if r["name"] == "actors")
    del next(f for f in actors["schema"]["fields"] if f["name"] == "actor_id")["constraints"]["pattern"]
    text = _write_descriptor(root, package)
    return str(Problem("datapackage.json", _line_of(text, '"path": "data/actors.csv"'), "resources[actors].schema",
                       f"differs from the table model ({RERUN})", "actors"))


def symlink_to_dev_zero(root):
    path = csv_path(root / "data", "actors")
    path.unlink()
    path.symlink_to("/dev/zero")
    return message("actors", 0, "-", "not a regular file (a symbolic link; data files must be real files)", "actors.csv")


def symlink_to_a_file_elsewhere(root):
    secret = root.parent / "secret.csv"
    secret.write_text("SECRET first line\n", encoding="utf-8")
    path = csv_path(root / "data", "actors")
    path.unlink()
    path.symlink_to(secret)
    return message("actors", 0, "-", "not a regular file (a symbolic link; data files must be real files)", "actors.csv")


def cell_over_the_limit(root):
    value = "x" * (MAX_CELL_CHARS + 1)
    line = set_cell(root, "actors", "description", value)
    return message("actors", line, "description",
                   f"cell longer than the limit of {MAX_CELL_CHARS} characters ({MAX_CELL_CHARS + 1})", value[:40])


CORRUPTIONS = [
    wrong_type, outside_code_list, duplicate_id, dangling_foreign_key, missing_required_value,
    missing_column, extra_column, renamed_column, reordered_columns,
    quote_not_in_paragraph, paragraph_of_another_document, footnote_out_of_range,
    negative_count, percent_above_100, impossible_date,
    byte_order_mark, crlf_line_endings, invalid_utf8, nul_byte, too_many_fields, too_few_fields,
    unbalanced_quote, quote_inside_unquoted_field, empty_file, header_only, whitespace_in_id,
    formula("="), formula("+"), formula("-"), formula("@"), not_nfc, hash_mismatch,
    non_ascii_negative_count, non_ascii_percent, non_ascii_date, non_ascii_position, leading_zero_rank,
    integer_beyond_sqlite, infinite_number, descriptor_points_elsewhere, descriptor_drops_resource,
    descriptor_drops_pattern, symlink_to_dev_zero, symlink_to_a_file_elsewhere, cell_over_the_limit,
    country_code_on_a_un_body, state_without_country_code, recommendation_without_mandate_link,
    outcome_in_the_mandate_in_force, two_outcomes_for_asks_of_the_same_substance, resolution_quote_not_verbatim, no_pema_task_beside_another,
    value_not_as_written, support_level_against_its_phrase, priority_signal_against_its_phrase,
    event_ending_before_it_starts, recommendation_from_a_heading,
    hidden_character("\x1b", name="escape_in_text"), hidden_character("\x7f", name="delete_in_text"),
    hidden_character("\u2028", name="line_separator_in_text"), hidden_character("\t", name="tab_in_text"),
    hidden_character("\u202e", column="code", table="themes", name="right_to_left_override_in_a_code"),
    hidden_character("\u200b", column="code", table="themes", name="zero_width_space_after_a_code"),
    hidden_character("\ufeff", column="code", table="themes", name="byte_order_mark_in_a_code"),
    hidden_character("\u0378", name="unassigned_code_point_in_text"),
    cyrillic_look_alike_in_an_id, greek_look_alike_in_a_name, millions_of_blank_lines,
    invisible_at_an_edge("\u3164", at_start=False, name="hangul_filler_ending_a_text"),
    invisible_at_an_edge("\ufe0f", at_start=True, name="variation_selector_opening_a_text"),
]
# Descriptors the gate cannot read as a data package: named, and no table is read by them.
MISSHAPEN_DESCRIPTORS = [descriptor_is_a_list, descriptor_resource_without_a_schema]


# ---------------------------------------------------------------- the tests


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def last_good_build(passed_copy: Path, built_database: Path) -> Path:
    """The database of the uncorrupted package, where `make build` would have left it."""
    target = passed_copy / "build" / "mandate_notes.db"
    shutil.copy(built_database, target)
    return target


def gate_once(run_gate):
    """run_gate, worked out once for the copy: the build then reads the verdict the validation got.

    Both run the gate on the same unchanged copy, and a verdict that names a problem is the same with
    or without the frictionless cross-check (which runs only where the gate found nothing), so the
    second run would give the first's verdict again; it took half of each case's time. A verdict
    without problems is never reused. test_the_untouched_copy_builds_the_same_database and the
    descriptor test below run the build's own gate.
    """
    verdicts = {}

    def remembered(root: Path, frictionless: bool = False):
        root = Path(root).resolve()
        if root not in verdicts or not verdicts[root].problems:
            verdicts[root] = run_gate(root, frictionless)
        return verdicts[root]

    return remembered


@pytest.mark.parametrize("corrupt", CORRUPTIONS + MISSHAPEN_DESCRIPTORS, ids=lambda corrupt: corrupt.__name__)
def test_a_corruption_fails_validation_and_build_naming_file_line_column_rule_value(
    corrupt, passed_copy, last_good_build, capsys, monkeypatch
):
    before = sha256(last_good_build)
    expected = corrupt(passed_copy)
    monkeypatch.setattr(validate, "run_gate", gate_once(validate.run_gate))

    assert validate.main(["--root", str(passed_copy), "--frictionless"]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert expected in printed, "\n".join(printed)
    assert not any("SECRET" in line for line in printed), "a linked file's content was printed"

    assert build.main(["--root", str(passed_copy), "--output", str(last_good_build)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert expected in printed, "\n".join(printed)
    assert printed[-1].startswith("build refused, mandate_notes.db left as it was")
    assert not any("SECRET" in line for line in printed), "a linked file's content was printed"
    assert sha256(last_good_build) == before
    # Beside the database, only the record of the gate's last pass (passed_copy): no partial file left.
    assert sorted(path.name for path in last_good_build.parent.iterdir()) == ["gate-passed.sha256", "mandate_notes.db"]


def test_a_descriptor_nested_too_deeply_to_read_is_one_line_not_a_traceback(passed_copy, last_good_build, capsys):
    """A datapackage.json nested deeper than Python's parser can read crashed the gate with a traceback."""
    before = sha256(last_good_build)
    (passed_copy / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    expected = "datapackage.json:0: -: cannot read package: JSON nested too deeply to read"
    assert validate.main(["--root", str(passed_copy)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == expected
    assert build.main(["--root", str(passed_copy), "--output", str(last_good_build)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == expected
    assert sha256(last_good_build) == before


def test_the_rows_the_corruptions_start_from_are_valid(passed_copy):
    """So that each corruption above is the only fault: its unchanged rows pass every check."""
    append(passed_copy, "statistics", new_statistic(passed_copy))
    append(passed_copy, "citations", new_citation(passed_copy))
    problems = [str(p) for p in validate_package(passed_copy) if p.file != "datapackage.json"]
    assert problems == []


def test_a_header_only_table_without_min_rows_is_valid(passed_copy):
    allowed_empty = [spec.name for spec in TABLES if not spec.min_rows]
    assert "retired_ids" in allowed_empty
    header, _ = read(passed_copy, "retired_ids")
    write(passed_copy, "retired_ids", header, [])
    assert [str(p) for p in validate_package(passed_copy) if p.file != "datapackage.json"] == []


def test_every_table_that_must_have_rows_says_so_when_header_only(passed_copy):
    must_have_rows = [spec.name for spec in TABLES if spec.min_rows]
    assert {"documents", "paragraphs", "themes"} <= set(must_have_rows)
    for name in must_have_rows:
        header, _ = read(passed_copy, name)
        write(passed_copy, name, header, [])
    printed = {str(p) for p in validate_package(passed_copy)}
    for name in must_have_rows:
        assert message(name, 2, "-", f"too few rows ({name} must hold at least 1)", "0") in printed


def test_the_untouched_copy_builds_the_same_database(passed_copy, last_good_build, built_database):
    """The refusals above are for the corruptions, not for building from a copy."""
    assert build.main(["--root", str(passed_copy), "--output", str(last_good_build)]) == 0
    assert sha256(last_good_build) == sha256(built_database)


def record_over_two_lines(root):
    """A quoted LF in a cell: valid, and the record's line is placed by the line-by-line reader."""
    set_cell(root, "actors", "description", "first line\nsecond line")


def empty_line_in_a_table(root):
    path = csv_path(root / "data", "actors")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\n", 1))


@pytest.fixture()
def tables_copy(tmp_path: Path) -> Path:
    """A scratch copy of what the reader test below reads: data/ and datapackage.json. The corruptions
    touch nothing else, and the reader opens nothing else; sources/, 300 of the package's 350 files,
    made most of the time of each of its cases when copied."""
    target = tmp_path / "package"
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    return target


@pytest.mark.parametrize("corrupt", [None, record_over_two_lines, empty_line_in_a_table, *CORRUPTIONS],
                         ids=lambda corrupt: getattr(corrupt, "__name__", "untouched"))
def test_arrow_reads_each_file_as_the_line_by_line_reader_does(corrupt, tables_copy, monkeypatch):
    """Large files are offered to Arrow's CSV reader first (csvio._clean_file_by_arrow): with every
    file offered, each table gives the same frame, lines and problems, in the untouched package and
    in every table a corruption changed (its file or its description)."""
    from mandate_notes import csvio

    original = {resource["name"]: resource for resource in _descriptor(tables_copy)["resources"]}
    if corrupt is not None:
        corrupt(tables_copy)

    def changed(resource: dict) -> bool:
        path = tables_copy / resource["path"]
        return (corrupt is None or resource != original.get(resource["name"]) or not path.is_file()
                or path.is_symlink() or path.read_bytes() != (ROOT / resource["path"]).read_bytes())

    described = _descriptor(tables_copy)["resources"]
    # A corruption that touches no described table (one drops the table it breaks) compares them all.
    resources = [resource for resource in described if changed(resource)] or described

    def read_each(offered: bool) -> list:
        monkeypatch.setattr(csvio, "ARROW_FROM_BYTES", 0 if offered else 2**62)
        found = []
        for resource in resources:
            problems: list[Problem] = []
            raw = csvio.read_bounded(tables_copy, resource["path"], problems)
            expected = [field["name"] for field in resource["schema"]["fields"]]
            table = None if raw is None else csvio.parse_table(resource["name"], resource["path"], raw, expected,
                                                               resource.get("minRows", 0), problems)
            found.append((resource, problems, table))
        return found

    taken = 0
    for (resource, problems, table), (_, offered_problems, offered_table) in zip(read_each(False), read_each(True)):
        name = resource["name"]
        assert offered_problems == problems, name
        assert (offered_table is None) == (table is None), name
        if table is not None:
            assert offered_table.frame.equals(table.frame), name
            assert list(offered_table.frame.dtypes) == list(table.frame.dtypes), name
            assert offered_table.lines == table.lines, name
            raw = (tables_copy / resource["path"]).read_bytes()
            taken += csvio._clean_file_by_arrow(raw, list(table.frame.columns)) is not None
    if corrupt is None:
        # The untouched tables are clean: Arrow reads them (the test compares more than the fallback with itself).
        assert taken == len(resources)
