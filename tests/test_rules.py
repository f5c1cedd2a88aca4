"""Unit tests of the declared cross-table rules (mandate_notes/rules.py), on a tiny invented model.

Nothing here reads the real tables: each rule is shown to fire on a bad row of a small table made
in memory, and to stay silent on the good rows beside it. That the real model's meanings name
columns that exist is checked when it is made (tests/test_table_model.py).
"""

from __future__ import annotations

import pandas as pd
import pytest

from mandate_notes.csvio import Table
from mandate_notes.rules import ANY, semantic_problems
from schemas.classes import checked_tables


def spec(name, columns, key=None):
    return {"name": name, "title": name, "description": "", "primary_key": [key] if key else [],
            "fields": [c if isinstance(c, dict) else text(c) for c in columns]}


def text(name, **meaning):
    return {"name": name, "type": "string", "description": "", **meaning}


PARAGRAPHS_SPEC = spec("paragraphs", ["paragraph_id", "document_id", "kind", "footnote_number", "footnote_markers",
                                      "text"], key="paragraph_id")
MODEL = checked_tables([
    PARAGRAPHS_SPEC,
    spec("rows", ["row_id", "document_id",
                  text("paragraph_id", in_document_of="document_id", references="paragraphs.paragraph_id"),
                  text("quote", verbatim_in="paragraph_id"),
                  text("phrase", verbatim_in="paragraph_id", or_lead_in=True),
                  text("written", verbatim_in="quote"), "flag", "who",
                  text("who_as_written",
                       empty_when={"when": {"flag": "true"}, "rule": "must be empty when flag is true"},
                       required_when={"when": {"flag": "false", "who": ANY}, "rule": "required when who is given"}),
                  text("value", bounds_by={"column": "unit", "bounds": {"percent": [0, 100], "count": [0, None]}}),
                  "unit"], key="row_id"),
    spec("links", [text("row_id", referenced_row={"where": {"flag": "true"}, "rule": "not a flagged row"},
                        references="rows.row_id")]),
    spec("cites", ["document_id", text("number", footnote_of="document_id"),
                   text("paragraph_id", footnote_paragraph_of="number", references="paragraphs.paragraph_id"),
                   text("citing_paragraph_id", carries_marker_of="number", references="paragraphs.paragraph_id"),
                   text("sentence", verbatim_in="citing_paragraph_id", carries_marker_of="number")]),
])

PARAGRAPHS = [
    ["d-p1", "d", "body", "", "1", "The lead-in says participants agreed:¹"],
    ["d-p2", "d", "bullet", "", "", "Protect civilians in 2023."],
    ["d-p3", "d", "footnote", "1", "", "¹ A report."],
    ["e-p1", "e", "body", "", "", "Another note."],
]


def tables(rows=(), links=(), cites=()) -> dict[str, Table]:
    made = {}
    for table_spec, data in zip(MODEL, (PARAGRAPHS, rows, links, cites)):
        frame = pd.DataFrame([list(r) for r in data], columns=table_spec.field_names, dtype=object)
        made[table_spec.name] = Table(table_spec.name, f"data/{table_spec.name}.csv", frame,
                                      list(range(2, len(data) + 2)))
    return made


GOOD_ROW = ["r1", "d", "d-p2", "Protect civilians", "participants agreed", "civilians", "true", "x", "", "40",
            "percent"]


def problems(**given) -> list[str]:
    return [str(p) for p in semantic_problems(tables(**given), MODEL)]


def with_cell(column: str, value: str) -> list[str]:
    names = MODEL[1].field_names
    row = list(GOOD_ROW)
    row[names.index(column)] = value
    return row


def test_good_rows_pass_every_rule():
    good_cite = ["d", "1", "d-p3", "d-p1", "participants agreed:¹"]
    assert problems(rows=[GOOD_ROW], links=[["r1"]], cites=[good_cite]) == []


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("quote", "Protect everyone", "data/rows.csv:2: quote: quote not found verbatim in its paragraph: 'Protect everyone'"),
    ("phrase", "nobody agreed",
     "data/rows.csv:2: phrase: phrase not found in the paragraph (or, for a bullet, its list's lead-in): 'nobody agreed'"),
    ("written", "soldiers", "data/rows.csv:2: written: written not found verbatim in the quote: 'soldiers'"),
    ("paragraph_id", "e-p1", "data/rows.csv:2: paragraph_id: paragraph belongs to another document than d: 'e-p1'"),
    ("who_as_written", "them", "data/rows.csv:2: who_as_written: must be empty when flag is true: 'them'"),
    ("value", "140", "data/rows.csv:2: value: percent outside 0-100: '140'"),
])
def test_each_declared_rule_names_file_line_column_rule_and_value(column, value, expected):
    assert expected in problems(rows=[with_cell(column, value)])


def test_required_when_and_a_lower_bound_only():
    row = with_cell("flag", "false")
    row[-2:] = ["-3", "count"]
    assert problems(rows=[row]) == [
        "data/rows.csv:2: who_as_written: required when who is given: ''",
        "data/rows.csv:2: value: negative count: '-3'",
    ]


def test_a_referenced_row_must_hold_the_declared_value():
    assert problems(rows=[with_cell("flag", "false")[:8] + ["who", "40", "percent"]], links=[["r1"]]) == [
        "data/links.csv:2: row_id: not a flagged row: 'r1'"]


@pytest.mark.parametrize(("cite", "expected"), [
    (["d", "2", "d-p3", "d-p1", "participants agreed:¹"],
     "data/cites.csv:2: number: no footnote with this number in the document: '2'"),
    (["d", "1", "d-p2", "d-p1", "participants agreed:¹"],
     "data/cites.csv:2: paragraph_id: not the paragraph of footnote 1 (d-p3): 'd-p2'"),
    (["d", "1", "d-p3", "d-p2", "Protect civilians"],
     "data/cites.csv:2: citing_paragraph_id: paragraph carries no marker for footnote 1: 'd-p2'\n"
     "data/cites.csv:2: sentence: sentence lacks the marker of footnote 1: 'Protect civilians'"),
    (["d", "1", "d-p3", "d-p1", "participants agreed:"],
     "data/cites.csv:2: sentence: sentence lacks the marker of footnote 1: 'participants agreed:'"),
    (["d", "1", "d-p3", "d-p1", "participants disagreed"],
     "data/cites.csv:2: sentence: sentence not found verbatim in the citing paragraph: 'participants disagreed'"),
])
def test_footnote_rules(cite, expected):
    assert problems(rows=[GOOD_ROW], cites=[cite]) == expected.split("\n")


def test_a_condition_may_name_several_values():
    model = checked_tables([PARAGRAPHS_SPEC,
                            spec("things", ["kind", text("country", empty_when={"when": {"kind": ["un", "igo"]},
                                                                                 "rule": "empty for un or igo"})])])
    rows = [["un", "MLI"], ["igo", ""], ["state", "MLI"], ["igo", "FRA"]]
    made = {"paragraphs": tables()["paragraphs"],
            "things": Table("things", "data/things.csv", pd.DataFrame(rows, columns=["kind", "country"], dtype=object),
                            list(range(2, len(rows) + 2)))}
    assert [str(p) for p in semantic_problems(made, model)] == [
        "data/things.csv:2: country: empty for un or igo: 'MLI'",
        "data/things.csv:5: country: empty for un or igo: 'FRA'",
    ]


def _made(model, **rows_of):
    made = {"paragraphs": tables()["paragraphs"]}
    for table_spec in model[1:]:
        rows = rows_of[table_spec.name]
        made[table_spec.name] = Table(table_spec.name, f"data/{table_spec.name}.csv",
                                      pd.DataFrame(rows, columns=table_spec.field_names, dtype=object),
                                      list(range(2, len(rows) + 2)))
    return [str(p) for p in semantic_problems(made, model)]


def test_covers_reports_each_uncovered_row_where_it_stands():
    model = checked_tables([PARAGRAPHS_SPEC, spec("asks", ["ask_id", "to"], key="ask_id"),
                            spec("answers", [text("ask_id", covers={"where": {"to": "council"}, "rule": "ask without an answer"},
                                                  references="asks.ask_id")])])
    asks = [["a1", "council"], ["a2", "mission"], ["a3", "council"], ["a4", "council"]]
    assert _made(model, asks=asks, answers=[["a1"], ["a4"]]) == ["data/asks.csv:4: ask_id: ask without an answer: 'a3'"]
    assert _made(model, asks=asks, answers=[["a1"], ["a3"], ["a4"]]) == []


def test_a_sole_code_never_stands_beside_another_code():
    model = checked_tables([PARAGRAPHS_SPEC, spec("tags", ["item", text("tag", sole_code={"code": "none", "per": "item"})])])
    rows = [["i1", "none"], ["i2", "x"], ["i2", "y"], ["i3", "none"], ["i3", "x"]]
    assert _made(model, tags=rows) == ["data/tags.csv:6: tag: none is coded for this item, so no other code may be: 'x'"]


def test_a_code_that_needs_wording_is_refused_where_neither_its_paragraph_nor_the_introducing_one_has_it():
    paragraphs = spec("paragraphs", ["paragraph_id", "document_id", "kind", "footnote_number", "footnote_markers",
                                     "eid", "text"], key="paragraph_id")
    rows = [["r-p1", "r", "operative", "", "", "para_1", "Decides that the mission shall monitor the arms embargo:"],
            ["r-p2", "r", "operative", "", "", "para_1_list_point_a", "To inspect cargo;"],
            ["r-p3", "r", "operative", "", "", "para_2", "Requests the mission to assist the Sanctions Committee;"],
            ["r-p4", "r", "operative", "", "", "para_2_list_point_a", "To assist the Panel of Experts;"],
            ["n-p1", "n", "body", "", "", "", "Participants raised:"],
            ["n-p2", "n", "bullet", "", "", "", "Enforcing the embargo;"]]
    wording = {"code": "embargo_task", "pattern": r"\bembargo", "paragraph": "paragraph_id", "rule": "no embargo here"}
    model = checked_tables([paragraphs, spec("tasks", [text("paragraph_id", references="paragraphs.paragraph_id"),
                                                       text("task", code_needs_wording=wording)])])
    tasks = [["r-p1", "embargo_task"], ["r-p2", "embargo_task"], ["r-p3", "embargo_task"], ["r-p4", "embargo_task"],
             ["r-p4", "other"], ["n-p2", "embargo_task"]]
    made = {"paragraphs": Table("paragraphs", "data/paragraphs.csv",
                                pd.DataFrame(rows, columns=model[0].field_names, dtype=object),
                                list(range(2, len(rows) + 2))),
            "tasks": Table("tasks", "data/tasks.csv", pd.DataFrame(tasks, columns=["paragraph_id", "task"], dtype=object),
                           list(range(2, len(tasks) + 2)))}
    # r-p2 is introduced by r-p1, which names the embargo; r-p4 by r-p3, which does not.
    assert [str(p) for p in semantic_problems(made, model)] == [
        "data/tasks.csv:4: task: no embargo here: 'embargo_task'",
        "data/tasks.csv:5: task: no embargo here: 'embargo_task'"]


def test_asks_of_the_same_substance_get_one_code_from_one_paragraph():
    substance = {"table": "asks", "unit": "ask_id", "paragraph": "paragraph_id", "quote": "quote", "code": "relation"}
    model = checked_tables([PARAGRAPHS_SPEC, spec("asks", ["ask_id", "paragraph_id", "quote", "relation"]),
                            spec("answers", ["ask_id", "answer_paragraph",
                                             text("outcome", same_code_for_same_substance={
                                                 "per": "answer_paragraph", "unit": "ask_id", "substance": substance,
                                                 "rule": "another outcome for the same substance"})])])
    # a1 and a2 ask to keep overlapping words of d-p1; a3 asks to change them; a4 keeps other words.
    asks = [["a1", "d-p1", "The lead-in says", "keep"], ["a2", "d-p1", "says participants", "keep"],
            ["a3", "d-p1", "The lead-in says", "change"], ["a4", "d-p1", "agreed", "keep"]]
    answers = [["a1", "x-p1", "contrary"], ["a3", "x-p1", "adopted"], ["a4", "x-p1", "overtaken"],
               ["a2", "x-p2", "overtaken"], ["a2", "x-p1", "overtaken"]]
    assert _made(model, asks=asks, answers=answers) == [
        "data/answers.csv:6: outcome: another outcome for the same substance (a1 is contrary; both keep d-p1): 'overtaken'"]
    answers[-1][2] = "contrary"
    assert _made(model, asks=asks, answers=answers) == []


def test_a_path_through_foreign_keys_gives_the_value_a_row_must_hold_and_a_condition():
    model = checked_tables([
        PARAGRAPHS_SPEC, spec("notes", ["note_id", "decision"], key="note_id"),
        spec("asks", ["ask_id", text("note_id", references="notes.note_id"), "to"], key="ask_id"),
        spec("answers", [text("ask_id", covers={"where": {"to": "council", "note_id.decision": ANY},
                                                "rule": "ask without an answer"}, references="asks.ask_id"),
                         text("resolution", equals_via={"path": "ask_id.note_id.decision",
                                                        "rule": "not the note's decision"})])])
    notes = [["n1", "res-1"], ["n2", ""]]
    asks = [["a1", "n1", "council"], ["a2", "n1", "council"], ["a3", "n2", "council"]]
    assert _made(model, notes=notes, asks=asks, answers=[["a1", "res-1"], ["a2", "res-2"]]) == [
        "data/answers.csv:3: resolution: not the note's decision: 'res-2'"]
    # a3's note names no decision yet, so a3 needs no answer; a2 does.
    assert _made(model, notes=notes, asks=asks, answers=[["a1", "res-1"]]) == [
        "data/asks.csv:3: ask_id: ask without an answer: 'a2'"]


@pytest.mark.parametrize(("phrase", "level"), [
    ("Participants agreed", "agreement"), ("participants generally agreed", "agreement"),
    ("there was strong agreement", "agreement"), ("Participants emphasized", "participants"),
    ("They emphasized", "participants"), ("they also noted", "some_participants"),
    ("Some participants urged", "some_participants"), ("Several noted", "some_participants"),
    ("Other participants encouraged", "some_participants"), ("One participant suggested", "one_participant"),
    ("another called for", "one_participant"), ("It was proposed", "unattributed"),
    ("The participants also highlighted that there is no alternative to the 2015 agreement and called on",
     "participants"),
])
def test_the_phrase_table_gives_each_attribution_its_level(phrase, level):
    import re

    from schemas.definitions import SUPPORT_PHRASES

    allowed = next(codes for pattern, codes in SUPPORT_PHRASES if re.search(pattern, phrase, re.IGNORECASE))
    assert level in allowed
    assert "agreement" not in allowed or level == "agreement"


def test_an_alias_names_the_first_paragraph_it_occurs_in_as_a_word_of_its_own():
    aliases = spec("aliases", ["alias", text("paragraph_id", references="paragraphs.paragraph_id",
                                             first_paragraph_with={"column": "alias", "kinds": ["body", "bullet"]})])
    model = checked_tables([PARAGRAPHS_SPEC, aliases])
    # "participants" occurs first in d-p1, "civilians" only in d-p2; "agree" only inside "agreed", so nowhere.
    rows = [["participants", "d-p1"], ["civilians", "d-p2"], ["civilians", "d-p1"], ["participants", "d-p2"],
            ["agree", "d-p2"]]
    assert _made(model, aliases=rows) == [
        "data/aliases.csv:4: paragraph_id: not the first paragraph where alias occurs (d-p2): 'd-p1'",
        "data/aliases.csv:5: paragraph_id: not the first paragraph where alias occurs (d-p1): 'd-p2'",
    ]


def test_a_value_may_equal_the_end_of_one_of_several_paths_and_an_empty_start_is_not_judged():
    model = checked_tables([
        PARAGRAPHS_SPEC,
        spec("cites", ["cite_id", text("marked_in", references="paragraphs.paragraph_id"),
                       text("footnote", references="paragraphs.paragraph_id")], key="cite_id"),
        spec("figures", [text("cite_id", references="cites.cite_id"),
                         text("paragraph_id", equals_via={"path": ["cite_id.marked_in", "cite_id.footnote"],
                                                          "rule": "cited footnote not marked here"})])])
    cites = [["c1", "d-p1", "d-p3"]]
    figures = [["c1", "d-p1"], ["c1", "d-p3"], ["c1", "d-p2"], ["", "d-p2"]]
    assert _made(model, cites=cites, figures=figures) == [
        "data/figures.csv:4: paragraph_id: cited footnote not marked here: 'd-p2'"]


def test_a_date_may_be_held_between_dates_reached_through_foreign_keys():
    model = checked_tables([
        PARAGRAPHS_SPEC, spec("decisions", ["decision_id", "adopted"], key="decision_id"),
        spec("meetings", [text("before", references="decisions.decision_id"),
                          text("after", references="decisions.decision_id"),
                          text("met", not_before="before.adopted", not_after="after.adopted")])])
    decisions = [["r1", "2022-06-29"], ["r2", "2023-06-30"]]
    meetings = [["r1", "r2", "2023-05-18"], ["r2", "r1", "2023-05-18"], ["", "", "2023-05-18"]]
    assert _made(model, decisions=decisions, meetings=meetings) == [
        "data/meetings.csv:3: met: met before before.adopted (2023-06-30): '2023-05-18'",
        "data/meetings.csv:3: met: met after after.adopted (2022-06-29): '2023-05-18'",
    ]


def test_an_inherited_paragraph_holds_exactly_the_codes_of_the_identical_paragraph_it_names():
    model = checked_tables([
        PARAGRAPHS_SPEC,
        spec("tasks", [text("paragraph_id", references="paragraphs.paragraph_id"), "task",
                       text("inherited_from", references="paragraphs.paragraph_id",
                            inherits={"unit": "paragraph_id", "code": "task", "rule": "not the codes it inherits"})])])
    paragraphs = [["r1-p1", "r1", "operative", "", "", "Protects civilians."],
                  ["r2-p1", "r2", "operative", "", "", "Protects  civilians."],
                  ["r2-p2", "r2", "operative", "", "", "Supports elections."],
                  ["r3-p1", "r3", "operative", "", "", "Protects civilians."]]
    # r1-p1 is coded on its own text; r3-p1 inherits its two codes, r2-p1 only one of them (named on
    # its first row); r2-p2's text is not r1-p1's.
    tasks = [["r1-p1", "poc", ""], ["r1-p1", "elections", ""], ["r2-p1", "poc", "r1-p1"],
             ["r3-p1", "poc", "r1-p1"], ["r3-p1", "elections", "r1-p1"], ["r2-p2", "elections", "r1-p1"]]
    made = {name: Table(name, f"data/{name}.csv", pd.DataFrame(rows, columns=table_spec.field_names, dtype=object),
                        list(range(2, len(rows) + 2)))
            for name, table_spec, rows in (("paragraphs", model[0], paragraphs), ("tasks", model[1], tasks))}
    assert [str(p) for p in semantic_problems(made, model)] == [
        "data/tasks.csv:4: inherited_from: not the codes it inherits: 'r1-p1'",
        "data/tasks.csv:7: inherited_from: inherited from a paragraph whose text differs: 'r1-p1'",
    ]
