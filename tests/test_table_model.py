"""The table model refuses what it does not know, naming table and field, and derives what a
foreign key implies (schemas/classes.py over schemas/definitions.py)."""

from __future__ import annotations

import pytest

from schemas.classes import ModelError, checked_tables
from schemas.definitions import CODE_PATTERN, ID_PATTERN, TABLES, table


def things(**changes) -> list[dict]:
    """Two small tables, kinds and things, each thing of a kind; a field of things changed as given."""
    kinds = {"name": "kinds", "title": "Kinds", "description": "", "primary_key": ["code"],
             "fields": [{"name": "code", "type": "string", "description": "The code.",
                         "constraints": {"required": True, "pattern": CODE_PATTERN}}]}
    kind = {"name": "kind", "type": "string", "description": "Kind of thing.", "references": "kinds.code", **changes}
    return [kinds, {"name": "things", "title": "Things", "description": "", "primary_key": ["thing_id"],
                    "fields": [{"name": "thing_id", "type": "string", "description": "",
                                "constraints": {"pattern": ID_PATTERN}}, kind]}]


def refusal(declared: list[dict]) -> str:
    with pytest.raises(ModelError) as refused:
        checked_tables(declared)
    return str(refused.value)


def test_a_well_formed_model_is_accepted_and_its_reference_derives_pattern_and_description():
    [_, spec] = checked_tables(things())
    kind = spec.field("kind")
    assert kind.constraints.pattern == CODE_PATTERN
    assert kind.published_description() == "Kind of thing. See kinds.code."
    assert [(key.column, key.table, key.key) for key in spec.foreign_keys] == [("kind", "kinds", "code")]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"verbatim_inn": "thing_id"}, "table things, field kind: unknown key 'verbatim_inn'"),
    ({"empty_when": {"when": {"thing_id": "x"}, "rule": "r", "because": "typo"}},
     "table things, field kind: unknown key 'empty_when.because'"),
    ({"type": "text"}, "table things, field kind: type: Input should be"),
    ({"verbatim_in": "quote"}, "table things, field kind: verbatim_in names 'quote', not a column of the table"),
    ({"required_when": {"when": {"colour": "red"}, "rule": "r"}},
     "table things, field kind: required_when names 'colour', not a column of the table"),
    ({"references": "kinds.label"}, "table things, field kind: references 'kinds.label', which is not a table's one-column primary key"),
    ({"references": "sorts.code"}, "table things, field kind: references 'sorts.code', which is not"),
    ({"description": "Kind of thing (kinds.code)."},
     "table things, field kind: the description names the reference (kinds.code) by hand; declare \"references\": \"kinds.code\""),
    ({"constraints": {"pattern": CODE_PATTERN}}, "table things, field kind: a pattern on a reference is the key's own"),
    ({"referenced_row": {"where": {"colour": "red"}, "rule": "r"}},
     "table things, field kind: referenced_row: 'colour': 'colour' is not a column of kinds"),
    ({"covers": {"where": {"code.x": "y"}, "rule": "r"}},
     "table things, field kind: covers: 'code.x': kinds.code is not a foreign key"),
])
def test_a_mistake_in_a_field_is_refused_naming_table_field_and_what_is_wrong(changes, expected):
    assert f"schemas/definitions.py: {expected}" in refusal(things(**changes))


def test_a_mistake_in_a_table_is_refused_naming_it():
    declared = things()
    declared[1]["foreign_keys"] = []
    assert refusal(declared) == "schemas/definitions.py: table things: unknown key 'foreign_keys'"
    declared = things()
    declared[1]["facets"] = ["colour"]
    assert refusal(declared) == "schemas/definitions.py: table things: facets names 'colour', not a column of the table"
    assert "table things: declared twice" in refusal(things() + things()[1:])


def test_a_shared_field_is_named_by_string():
    declared = things()
    declared[1]["fields"].append("notes")
    assert refusal(declared) == "schemas/definitions.py: table things, field notes: not a shared field ()"
    [_, spec] = checked_tables(declared, {"notes": {"type": "string", "description": "A note."}})
    assert spec.field("notes").description == "A note."


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.name)
def test_every_foreign_key_of_the_real_model_is_declared_once_and_its_facts_derived(spec):
    for key in spec.foreign_keys:
        field, target = spec.field(key.column), table(key.table)
        assert target.primary_key == [key.key], key
        assert field.constraints.pattern == target.field(key.key).constraints.pattern, key
        assert field.published_description().endswith(f" See {key.table}.{key.key}."), key


def test_a_reference_to_a_reference_takes_the_pattern_at_the_end_of_the_chain():
    """resolution_votes.document_id → resolutions.document_id → documents.document_id."""
    votes = table("resolution_votes").field("document_id")
    assert votes.references == "resolutions.document_id"
    assert votes.constraints.pattern == ID_PATTERN


def test_no_code_list_is_one_missions_own(root):
    """A code's label and definition hold for any mission: none names a mission, or a place or word
    that a note gives as its own keyword (document.toml), so a second note needs no redefinition. The
    missions code list alone names missions: that is what its codes are."""
    import csv
    import re

    from mandate_notes.documents import keywords
    from mandate_notes.model import csv_path
    from schemas.definitions import CODE_LISTS

    with open(csv_path(root / "data", "actors"), encoding="utf-8", newline="") as handle:
        missions = [value for row in csv.DictReader(handle) if row["actor_type"] == "un_mission"
                    for value in (row["name"], row["acronym"]) if value]
    words = re.compile("|".join(rf"\b{re.escape(word)}\b" for word in [*keywords(root), *missions]))
    for spec in CODE_LISTS:
        if spec.name == "missions":
            continue
        with open(csv_path(root / "data", spec.name), encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found = words.search(f"{row['label']} {row['definition']}")
                assert found is None, (spec.name, row["code"], found and found.group(0))
