"""Completeness of the coding: nothing in the note is silently skipped, nothing coded is unanchored."""

import csv

from mandate_notes import completeness
from mandate_notes.checks import read_table, load_package
from mandate_notes.rules import semantic_problems
from schemas.definitions import TABLES
from mandate_notes.model import csv_path


def rows(root, name):
    with open(csv_path(root / "data", name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def real_tables(root):
    problems, tables = [], {}
    for resource in load_package(root)["resources"]:
        table = read_table(root, resource, problems)
        if table is not None:
            tables[resource["name"]] = table
    assert problems == []
    return tables


def test_every_footnote_of_the_source_has_a_citation_row(root):
    assert [str(m) for m in completeness.uncited_footnotes(root)] == []


def test_every_citation_points_at_a_footnote_and_every_verbatim_phrase_occurs_where_it_says(root):
    assert [str(p) for p in semantic_problems(real_tables(root), TABLES)] == []


def test_every_number_is_a_statistic_or_an_excluded_occurrence(root):
    assert [str(m) for m in completeness.uncovered_numbers(root)] == []


def test_every_capitalised_name_is_an_actor_alias_a_cited_title_or_excluded(root):
    assert [str(m) for m in completeness.uncovered_names(root)] == []


def test_every_recommendation_cue_is_coded_or_excluded_with_a_reason(root):
    assert [str(m) for m in completeness.uncoded_cues(root)] == []


def test_every_exclusion_points_at_real_text_and_gives_a_reason(root):
    assert [str(m) for m in completeness.stale_exclusions(root)] == []


def test_a_miss_is_reported_on_its_paragraphs_line_and_a_stale_exclusion_on_its_own(package_copy):
    """The gate's form of the checks above: FILE:LINE: column: rule: value."""
    statistics = csv_path(package_copy / "data", "statistics")
    lines = statistics.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(csv.DictReader(lines[:1] + lines[1:2]))
    statistics.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    exclusions = package_copy / "sources" / "ipi-2023-minusma" / "coding" / "name_exclusions.csv"
    header, first, *rest = exclusions.read_text(encoding="utf-8").splitlines(keepends=True)
    exclusions.write_text(header + first.replace(first.split(",")[0], "Nowhere Said", 1) + "".join(rest),
                          encoding="utf-8")
    printed = [str(p) for p in completeness.coverage_problems(package_copy)]
    paragraph_line = 1 + [r["paragraph_id"] for r in rows(package_copy, "paragraphs")].index(removed["paragraph_id"]) + 1
    assert any(p.startswith(f"data/generated/paragraphs.csv:{paragraph_line}: text: {completeness.UNCOVERED}: ")
               and f"{removed['paragraph_id']}: number '" in p for p in printed), printed
    assert (f"sources/ipi-2023-minusma/coding/name_exclusions.csv:2: -: {completeness.STALE}: "
            f"\"name exclusion 'Nowhere Said'\"") in printed, printed


def test_the_detectors_find_what_they_look_for():
    """The completeness checks would catch a miss: each detector fires on a planted example."""
    assert [m.group(0) for m in completeness.NUMBER_RE.finditer("sixty-four of 630, three-quarters")] == [
        "sixty-four", "630", "three-quarters"]
    assert completeness.name_candidates("The Economic Community of West Africa States met ECOWAS") == [
        "Economic Community of West Africa States", "ECOWAS"]
    assert completeness.CUE_RE.search("Some participants urged MINUSMA to press")
    for statement in ("Participants agreed that X is more of a priority than ever.", "Option 3 is inadvisable.",
                      "Removing it is off the table.", "It is not an option to leave.", "The mission will have to adapt.",
                      "Participants discussed how the office could hire more staff.",
                      "They considered how the mission can best help.", "Delays remain unacceptably long."):
        assert not completeness.CUE_RE.search(statement) and completeness.NORMATIVE_RE.search(statement), statement
    assert completeness.sentences("One. Two ends.¹ Three") == [(0, 4), (5, 15), (16, 21)]


def test_a_normative_statement_without_a_cue_word_is_reported_when_neither_coded_nor_excluded(package_copy):
    exclusions = package_copy / "sources" / "ipi-2023-minusma" / "coding" / "recommendation_cue_exclusions.csv"
    rows = list(csv.DictReader(exclusions.read_text(encoding="utf-8").splitlines(keepends=True)))
    text_of = {row["paragraph_id"]: row["text"] for row in csv.DictReader(
        csv_path(package_copy / "data", "paragraphs").read_text(encoding="utf-8").splitlines(keepends=True))}
    # An excluded sentence that only the normative detector finds.
    target = next(row for row in rows if not completeness.CUE_RE.search(
        next(text_of[row["paragraph_id"]][s:e] for s, e in completeness.sentences(text_of[row["paragraph_id"]])
             if text_of[row["paragraph_id"]][s:e].startswith(row["sentence_start"]))))
    kept = [row for row in rows if row is not target]
    with open(exclusions, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    misses = [str(m) for m in completeness.uncoded_cues(package_copy)]
    assert misses == [f"{target['paragraph_id']}: normative sentence {target['sentence_start'] + ''!r}"[:0] + misses[0]]
    assert misses[0].startswith(f"{target['paragraph_id']}: normative sentence '{target['sentence_start']}")


def _without(root, name, chosen) -> dict:
    """Remove from a copy's table the rows `chosen` picks; return the first one removed."""
    path = csv_path(root / "data", name)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    parsed = list(csv.DictReader([header, *body]))
    removed = [row for row in parsed if chosen(row)]
    path.write_text(header + "".join(line for line, row in zip(body, parsed) if row not in removed), encoding="utf-8")
    return removed[0]


def _line_of(root, name, column, value) -> int:
    return 2 + [row[column] for row in rows(root, name)].index(value)


def test_an_actor_without_alias_an_unlinked_bullet_and_an_uncatalogued_note_are_named_on_their_row(package_copy):
    """Each is a "covers" rule of the table model, reported where the uncovered row stands."""
    from mandate_notes.checks import validate_package

    counts = {}
    for row in rows(package_copy, "actor_aliases"):
        counts[row["actor_id"]] = counts.get(row["actor_id"], 0) + 1
    single = min(actor for actor, count in counts.items() if count == 1)
    alias = _without(package_copy, "actor_aliases", lambda row: row["actor_id"] == single)
    links = {}
    for row in rows(package_copy, "recommendation_links"):
        links.setdefault(row["bullet_recommendation_id"], []).append(row)
    bullet = min(links)
    _without(package_copy, "recommendation_links", lambda row: row["bullet_recommendation_id"] == bullet)
    first_coded = min(row["document_id"] for row in rows(package_copy, "series_notes") if row["coding_status"] == "coded")
    note = _without(package_copy, "series_notes", lambda row: row["document_id"] == first_coded)
    printed = [str(p) for p in validate_package(package_copy)]
    assert printed == sorted([
        f"data/actors.csv:{_line_of(package_copy, 'actors', 'actor_id', alias['actor_id'])}: actor_id: "
        f"actor with no alias as written in a note (actor_aliases): {alias['actor_id']!r}",
        f"data/generated/documents.csv:{_line_of(package_copy, 'documents', 'document_id', note['document_id'])}: "
        f"document_id: note not listed in series_notes (its row there: coding_status coded, this document_id): "
        f"{note['document_id']!r}",
        f"data/recommendations.csv:{_line_of(package_copy, 'recommendations', 'recommendation_id', bullet)}: "
        f"recommendation_id: opening bullet that links to no body recommendation (recommendation_links): {bullet!r}",
    ]), printed


def test_the_coding_rules_hold_principles_with_invented_examples_never_a_coded_rows_id(root):
    """docs/coding-rules.md is what a blind coder is given: a row id, a paragraph id or a document id in
    it would hand over a decision on the data (each note's decisions live in its own folder)."""
    import re

    from mandate_notes.documents import discover
    from mandate_notes.paths import CODING_RULES

    text = CODING_RULES.read_text(encoding="utf-8")
    ids = re.compile(r"\b(?:rec|stat|evt)-\d{3}\b|\bp\d{3}\b|"
                     + "|".join(re.escape(document.document_id) for document in discover(root)))
    assert ids.findall(text) == []
