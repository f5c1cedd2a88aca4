"""The package validates, and a corrupted copy is reported as FILE:LINE: column: rule: value."""

import csv
import json
import subprocess
import sys
from pathlib import Path

from mandate_notes.checks import validate_package
from mandate_notes.model import csv_path

ROOT_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "validate.py"


def run_validate(root):
    return subprocess.run(
        [sys.executable, str(ROOT_SCRIPT), "--root", str(root)], capture_output=True, text=True
    )


def test_the_published_package_has_no_problems(root):
    assert [str(p) for p in validate_package(root)] == []


def test_frictionless_agrees_that_the_package_is_valid(root):
    from mandate_notes.validate import frictionless_problems

    assert [str(p) for p in frictionless_problems(root)] == []


def test_a_corrupted_row_is_named_by_file_line_column_rule_and_value(passed_copy):
    path = csv_path(passed_copy / "data", "support_levels")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",2,", ",two,")
    path.write_text("".join(lines), encoding="utf-8")
    result = run_validate(passed_copy)
    assert result.returncode == 1
    assert "data/support_levels.csv:3: rank: type integer: 'two'" in result.stderr


def test_a_quote_missing_from_its_paragraph_is_reported(package_copy):
    path = csv_path(package_copy / "data", "document_actors")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("the German Federal Foreign Office", "the German Foreign Office", 1), encoding="utf-8")
    problems = [str(p) for p in validate_package(package_copy)]
    assert any(
        p.startswith("data/document_actors.csv:2: quote: quote not found verbatim in its paragraph") for p in problems
    ), problems


def test_after_a_hand_edit_the_gate_prints_the_data_problem_first(passed_copy, capsys):
    from mandate_notes import validate

    path = csv_path(passed_copy / "data", "themes")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    code = lines[2].split(",")[0]
    lines[2] = lines[2].replace(code, code + " ", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    # The data problems come first: the row itself, then what it breaks elsewhere.
    data = [line for line in printed if line.startswith("data/")]
    assert printed[: len(data)] == data
    assert f"data/themes.csv:3: code: leading or trailing whitespace: '{code} '" in data
    assert printed[-1].endswith("problem(s) found")


def test_a_number_edited_by_hand_in_the_checkout_is_named_by_its_cell(passed_copy, capsys, monkeypatch):
    """In the checkout itself the gate also compares the agreement report, which reads the tables'
    values: a number that is no number must be named by its cell, not stop the gate."""
    from mandate_notes import validate

    monkeypatch.setattr(validate, "ROOT", passed_copy)
    path = csv_path(passed_copy / "data", "statistics")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("value")
    rows[3][column] += "x"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed[0].startswith(f"data/statistics.csv:4: value: type number: '{rows[3][column]}'")


def test_a_hand_edit_of_a_generated_table_is_reported_as_stale(package_copy, capsys):
    from mandate_notes import validate

    path = csv_path(package_copy / "data", "paragraphs")
    path.write_text(path.read_text(encoding="utf-8").replace("Introduction", "Foreword", 1), encoding="utf-8")
    assert validate.main(["--root", str(package_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert "data/generated/paragraphs.csv:0: -: stale (made from sources/*/): run `make paragraphs`" in printed


def test_the_gate_checks_coverage_of_the_source(passed_copy, capsys):
    from mandate_notes import validate
    from mandate_notes.completeness import UNCOVERED

    path = csv_path(passed_copy / "data", "statistics")
    header, _, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(rest), encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert any(line.startswith("data/generated/paragraphs.csv:") and UNCOVERED in line for line in printed), printed


def test_every_international_actor_type_is_a_code_of_actor_types(root):
    import csv

    from mandate_notes.model import csv_path
    from schemas.definitions import INTERNATIONAL_ACTOR_TYPES

    with open(csv_path(root / "data", "actor_types"), encoding="utf-8", newline="") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert set(INTERNATIONAL_ACTOR_TYPES) <= codes


def test_rows_of_the_wrong_width_are_named_on_their_lines_and_the_rows_after_them_keep_theirs():
    """A row too short, a blank line and a row too long among good rows: each named on its own line,
    the good rows read with theirs (their lines are where the rules name their problems)."""
    from mandate_notes.csvio import Problem, parse_table

    raw = b"a,b\n1,2\n3\n4,5\n\n6,7,8\n9,10\n"
    problems: list[Problem] = []
    table = parse_table("t", "t.csv", raw, ["a", "b"], 0, problems)
    assert [str(problem) for problem in problems] == [
        "t.csv:3: b: row has 1 fields, header has 2: '3'",
        "t.csv:5: a: row has 0 fields, header has 2: ''",
        "t.csv:6: field 3: row has 3 fields, header has 2: '6,7,8'",
    ]
    assert table.frame.values.tolist() == [["1", "2"], ["4", "5"], ["9", "10"]]
    assert table.lines == [2, 4, 7]


def test_the_cycle_collector_never_runs_while_a_table_is_read_and_is_left_as_it_was():
    """A table read is many small objects in no reference cycle: collecting them over and over took
    most of the time to read a file of millions of blank lines (csvio.cycle_collector_paused)."""
    import gc
    import sys

    from mandate_notes import csvio
    from mandate_notes.csvio import parse_table

    raw = b"a,b\n" + b"1,2\n" * 50_000 + b"\n" * 50_000
    collections = []

    def count(phase, info):
        frame = sys._getframe()
        while frame is not None:  # a collection that starts while the file is read (not as the pause ends)
            if frame.f_code.co_filename == csvio.__file__ and phase == "start" and frame.f_code.co_name not in (
                    "parse_table", "cycle_collector_paused"):
                collections.append(frame.f_code.co_name)
            frame = frame.f_back

    gc.callbacks.append(count)
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            problems: list = []
            assert len(parse_table("t", "t.csv", raw, ["a", "b"], 0, problems).frame) == 50_000
            assert gc.isenabled() == enabled and len(problems) == 51
    finally:
        gc.callbacks.remove(count)
        gc.enable()
    assert collections == []


def test_holding_repeated_values_once_changes_no_cell_and_no_problem(root, package_copy, monkeypatch):
    """Large tables hold each repeated value of a column once (csvio._with_shared_values): every
    table of the real data read that way is the same frame, and a broken copy the same problems."""
    from mandate_notes import csvio
    from mandate_notes.checks import check_package

    def read(package):
        csvio._READ.clear()
        problems, tables = check_package(package)
        return [str(p) for p in problems], {name: table.frame for name, table in tables.items()}

    plain_problems, plain = read(root)
    path = csv_path(package_copy / "data", "recommendations")
    path.write_text(path.read_text(encoding="utf-8").replace(",participants,", ",everyone,", 1), encoding="utf-8")
    broken_plain = read(package_copy)[0]
    monkeypatch.setattr(csvio, "SHARED_VALUES_FROM", 0)
    monkeypatch.setattr(csvio, "SHARED_VALUES_SAMPLE", 2)  # small, so that columns of few values are shared
    shared_problems, shared = read(root)
    assert shared_problems == plain_problems == []
    assert shared.keys() == plain.keys()
    for name, frame in plain.items():
        assert shared[name].equals(frame) and list(shared[name].dtypes) == list(frame.dtypes), name
    # Some column repeats its values, each now one object (Python shares '' and one-letter strings anyway).
    def held_once(values) -> bool:
        longer = [value for value in values if len(value) > 1]
        return len({id(value) for value in longer}) == len(set(longer)) < len(longer)

    assert any(held_once(frame[column]) for frame in shared.values() for column in frame)
    assert not any(held_once(frame[column]) for frame in plain.values() for column in frame)
    broken_shared = read(package_copy)[0]
    assert broken_shared == broken_plain and any("everyone" in problem for problem in broken_plain)
    csvio._READ.clear()


def test_a_code_lists_rank_edited_by_hand_in_the_checkout_is_named_by_its_cell(passed_copy, capsys, monkeypatch):
    """The generated files (the codebook orders a ranked code list by rank) are made from the
    tables: while a table has problems they are not remade, and the gate names the cell."""
    from mandate_notes import generate, validate

    monkeypatch.setattr(validate, "ROOT", passed_copy)
    monkeypatch.setattr(generate, "DATA", passed_copy / "data")
    path = csv_path(passed_copy / "data", "support_levels")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",2,", ",two,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed[0] == "data/support_levels.csv:3: rank: type integer: 'two'", printed[:3]


def test_the_whole_column_cell_test_agrees_with_the_cell_by_cell_rules():
    """checks._clean_cells (one pass over a column's cells joined by NUL) finds a column clean exactly
    when no cell is outside NFC, padded, holds a control or invisible character or a word of look-alike
    letters from two scripts, or (in a text column) opens like a spreadsheet formula."""
    import unicodedata

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mandate_notes.checks import FORMULA_START, _clean_cells, hidden_characters, mixed_scripts

    def clean(values, text):
        return not any(value and (unicodedata.normalize("NFC", value) != value or value != value.strip()
                                  or hidden_characters(value) or mixed_scripts(value)
                                  or (text and value.startswith(FORMULA_START))) for value in values)

    pieces = st.sampled_from(["a", " ", "\t", "\n", "\x1b", "\x7f", "\x85", "\u00a0", "\u2028", "\u200b", "e\u0301",
                              "é", "\u0430", "\u03bc", "\u0378", "\ue000", "\U000f0000", "\ud800", "\u3164", "\ufe0f", "\u3000",
                              "=", "-", "@", "+", "b"])
    cells = st.lists(st.lists(pieces, max_size=4).map("".join), min_size=1, max_size=5)

    @settings(max_examples=500, deadline=None)
    @given(cells, st.booleans())
    def agrees(values, text):
        assert _clean_cells(values, text) == clean(values, text)

    agrees()


def test_the_format_characters_the_gate_knows_are_pythons():
    """checks.FORMAT_CHARACTERS lists Unicode's format characters (Cf) as ranges, so that the gate
    need not walk every code point: it must be the list of the Unicode version Python knows."""
    import re
    import sys
    import unicodedata

    from mandate_notes.checks import FORMAT_CHARACTERS

    listed = re.compile(f"[{FORMAT_CHARACTERS}]")
    assert [code for code in range(sys.maxunicode + 1) if listed.match(chr(code))] == [
        code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"]


def test_a_passing_gate_is_remembered_in_the_packages_build_folder_and_not_made_again(passed_copy, monkeypatch):
    """passed_copy holds the record the gate wrote when it passed on a copy of the package that had
    none (conftest.passed_package): the record names the states of that package."""
    from mandate_notes import agreement, generated, paragraphs, validate

    states = generated.gate_states(passed_copy)
    record = (passed_copy / "build" / "gate-passed.sha256").read_text(encoding="utf-8").splitlines()
    assert record[:3] == [f"tables {states['tables']}", f"all {states['all']}", f"code {states['code']}"]
    # Then each table found clean, by name.
    names = sorted(resource["name"] for resource in json.loads((passed_copy / "datapackage.json").read_text())["resources"])
    assert [line.split(" ")[0] for line in record[3:]] == [f"{generated.CHECKED}{name}" for name in names]

    def not_again(*args, **kwargs):
        raise AssertionError("made again on a package the gate passed unchanged")

    monkeypatch.setattr(paragraphs, "outputs", not_again)
    monkeypatch.setattr(agreement, "render", not_again)
    assert validate.main(["--root", str(passed_copy), "-q"]) == 0
    # A file changed outside sources/ and the generated tables: those tables are not made again, the rest is.
    (passed_copy / "notes.md").write_text("A note beside the package.", encoding="utf-8")
    monkeypatch.setattr(agreement, "render", lambda root: (None, ["checked again"]))
    assert validate.main(["--root", str(passed_copy), "-q"]) == 1


def test_a_data_problem_after_a_pass_does_not_make_the_generated_tables_again(passed_copy, capsys, monkeypatch):
    """A mistake in a coded table, sources/ and the generated tables as they were when the gate passed
    (passed_copy holds the record of a pass): the mistake is named, and the tables are not split
    again from the sources to be compared."""
    from mandate_notes import paragraphs, validate

    def not_again(*args, **kwargs):
        raise AssertionError("the generated tables made again, their inputs unchanged since the gate passed")

    monkeypatch.setattr(paragraphs, "outputs", not_again)
    path = csv_path(passed_copy / "data", "actors")
    path.write_text(path.read_text(encoding="utf-8") + "a-row-of-one-field\n", encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{path.relative_to(passed_copy).as_posix()}:") for line in printed), printed


def test_after_a_pass_only_a_table_whose_bytes_resource_or_code_changed_is_checked_for_cell_and_schema_problems(
        passed_copy, capsys, monkeypatch):
    from mandate_notes import checks, generated, validate

    looked_at = []

    def recording(problems):
        return lambda table, resource: looked_at.append((problems.__name__, table.name)) or problems(table, resource)

    for name in ("cell_problems", "pandera_problems"):
        monkeypatch.setattr(checks, name, recording(getattr(checks, name)))
    path = csv_path(passed_copy / "data", "support_levels")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",2,", ",two,")
    path.write_text("".join(lines), encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "data/support_levels.csv:3: rank: type integer: 'two'"
    assert looked_at == [("cell_problems", "support_levels"), ("pandera_problems", "support_levels")]
    # The table mended (its bytes those of the pass again) and another's resource changed in the
    # descriptor: that one is checked again.
    looked_at.clear()
    path.write_text("".join(lines).replace(",two,", ",2,"), encoding="utf-8")
    descriptor = passed_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    [themes] = [resource for resource in package["resources"] if resource["name"] == "themes"]
    themes["description"] += " Edited."
    descriptor.write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    validate.main(["--root", str(passed_copy), "-q"])
    assert {name for _, name in looked_at} == {"themes"}
    # Other code (its state): every table.
    looked_at.clear()
    states = generated.gate_states
    monkeypatch.setattr(generated, "gate_states", lambda root: {**states(root), "code": "other code"})
    validate.main(["--root", str(passed_copy), "-q"])
    assert {name for _, name in looked_at} == {resource["name"] for resource in package["resources"]}


def test_a_generated_table_behind_its_sources_is_named_before_the_rows_it_misleads(passed_copy, capsys):
    """The note's row of documents.csv loses its resolutions (as when document.toml gains them and
    `make paragraphs` is not run): the catalogue's row then disagrees with it, a knock-on; the stale
    table, the root, is named first."""
    from mandate_notes import validate

    path = csv_path(passed_copy / "data", "documents")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(row for row in rows if row["document_id"] == "ipi-2023-minusma")
    row["mandate_in_force_id"], row["decision_id"] = "", ""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed[0] == "data/generated/documents.csv:0: -: stale (made from sources/*/): run `make paragraphs`"
    assert any("series_notes.csv" in line for line in printed[1:]), printed[:5]


def test_a_note_names_its_mission_as_the_actor_missions_csv_gives_it(passed_copy, capsys):
    """A new note's mission_actor_id while the mission's row in missions.csv has none (or another):
    named at the line of document.toml, saying where the mission's actor is given."""
    from mandate_notes import validate

    path = csv_path(passed_copy / "data", "missions")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    next(row for row in rows if row["code"] == "minusma")["actor_id"] = ""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    toml = passed_copy / "sources" / "ipi-2023-minusma" / "document.toml"
    line = 1 + next(number for number, text in enumerate(toml.read_text(encoding="utf-8").splitlines())
                    if text.startswith("mission_actor_id"))
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert (f"sources/ipi-2023-minusma/document.toml:{line}: [workshop] mission_actor_id: not the mission's "
            "actor_id in data/missions.csv (a mission a coded note names has its actor_id filled there): "
            "'minusma'") in printed, printed[:5]


def test_after_a_pass_any_change_to_the_package_is_checked_again(passed_copy, capsys):
    from mandate_notes import validate

    assert validate.main(["--root", str(passed_copy), "-q"]) == 0
    path = csv_path(passed_copy / "data", "paragraphs")
    path.write_text(path.read_text(encoding="utf-8").replace("Introduction", "Foreword", 1), encoding="utf-8")
    assert validate.main(["--root", str(passed_copy)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert "data/generated/paragraphs.csv:0: -: stale (made from sources/*/): run `make paragraphs`" in printed


def test_the_states_a_pass_is_remembered_by_cover_every_file_but_what_the_build_writes(package_copy):
    from mandate_notes.generated import gate_states

    before = gate_states(package_copy)
    (package_copy / "build").mkdir()
    (package_copy / "build" / "mandate_notes.db").write_bytes(b"a database")
    assert gate_states(package_copy) == before
    # A file no list of inputs names, new or edited, changes the states.
    notes = package_copy / "sources" / "a-new-folder" / "notes.md"
    notes.parent.mkdir()
    notes.write_text("one", encoding="utf-8")
    added = gate_states(package_copy)
    assert added["tables"] != before["tables"] and added["all"] != before["all"]
    notes.write_text("two", encoding="utf-8")
    assert gate_states(package_copy)["all"] not in (before["all"], added["all"])
    # Outside sources/ and the generated tables, only the state of all.
    now = gate_states(package_copy)
    row = csv_path(package_copy / "data", "themes")
    row.write_text(row.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = gate_states(package_copy)
    assert edited["tables"] == now["tables"] and edited["all"] != now["all"]


# Each file the generated tables are compared with or made from is opened under TABLE_INPUTS or CODE
# (their code imported included): what their state must cover, so that the gate may skip them.
OPENED = """
import os, sys
from pathlib import Path
opened = []
sys.addaudithook(lambda event, args: opened.append(os.fsdecode(args[0])) if event == "open"
                 and isinstance(args[0], (str, bytes, os.PathLike)) else None)
from mandate_notes import paragraphs
from mandate_notes.paths import ROOT
assert paragraphs.stale(ROOT) == []
for name in opened:
    path = Path(name).resolve()
    if path.is_relative_to(ROOT):
        print(path.relative_to(ROOT).as_posix())
"""


def test_the_generated_tables_are_made_from_their_inputs_and_code_only(root):
    from mandate_notes.generated import CODE, NOT_INPUTS, TABLE_INPUTS

    finished = subprocess.run([sys.executable, "-c", OPENED], capture_output=True, text=True, cwd=root)
    assert finished.returncode == 0, finished.stderr
    opened = set(finished.stdout.split())
    assert {name.split("/")[0] for name in opened} >= {"sources", "data", "mandate_notes"}
    # The environments' files are named by the packages installed (their own part of the state).
    outside = [name for name in opened if not any(name.startswith(f"{folder}/") for folder in TABLE_INPUTS + CODE)
               and not NOT_INPUTS & set(name.split("/"))]
    assert outside == []
