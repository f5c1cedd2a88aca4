"""Mandate evolution: every operative paragraph is aligned with the mission's previous mandate, identical
texts are always unchanged, a technical extension carries the previous mandate forward, and every
amended pair near the threshold is reviewed."""

import shutil
from collections import Counter

from mandate_notes import changes
from mandate_notes.csvio import read_dicts
from mandate_notes.model import csv_path


def tables(root):
    return read_dicts(csv_path(root / "data", "paragraphs")), read_dicts(csv_path(root / "data", "paragraph_changes"))


def test_every_paragraph_of_both_mandates_is_in_exactly_one_row(root):
    paragraphs, rows = tables(root)
    operative = Counter(row["document_id"] for row in paragraphs if row["kind"] == "operative")
    for document_id in {row["document_id"] for row in rows}:
        mine = [row for row in rows if row["document_id"] == document_id]
        previous = mine[0]["previous_document_id"]
        named = [row["paragraph_id"] for row in mine if row["paragraph_id"]]
        assert len(named) == len(set(named)) == operative[document_id], document_id
        earlier = [row["previous_paragraph_id"] for row in mine if row["previous_paragraph_id"]]
        # Every paragraph of the previous mandate is named; a second copy of a text may pair twice.
        assert len(set(earlier)) == operative[previous], document_id


def test_identical_texts_are_never_classed_other_than_unchanged(root):
    paragraphs, rows = tables(root)
    text = {row["paragraph_id"]: " ".join(row["text"].split()) for row in paragraphs}
    by_document = {}
    for row in paragraphs:
        if row["kind"] == "operative":
            by_document.setdefault(row["document_id"], set()).add(text[row["paragraph_id"]])
    for row in rows:
        if row["paragraph_id"]:
            identical = text[row["paragraph_id"]] in by_document[row["previous_document_id"]]
            assert (row["change"] == "unchanged") or not identical, row["change_id"]
        if row["change"] == "unchanged":
            assert row["similarity"] == "1"
    assert Counter(row["change"] for row in rows)["unchanged"] > 500


def test_a_technical_extension_carries_the_previous_mandate_forward(root):
    _, rows = tables(root)
    extension = [row for row in rows if row["document_id"] == "s-res-2726-2024"]
    assert {row["previous_document_id"] for row in extension} == {"s-res-2677-2023"}
    assert "dropped" not in {row["change"] for row in extension}
    assert Counter(row["change"] for row in extension)["kept_by_reference"] > 60
    # The renewal after it is compared with the mandate the extension kept, not with the extension.
    assert {row["previous_document_id"] for row in rows if row["document_id"] == "s-res-2729-2024"} == {"s-res-2677-2023"}


def test_a_missions_first_resolution_has_no_previous_mandate(root):
    _, rows = tables(root)
    compared = {row["document_id"] for row in rows}
    assert not {"s-res-2531-2020", "s-res-2552-2020", "s-res-2514-2020", "s-res-2524-2020"} & compared
    assert len(compared) == 45 - 8


def test_the_published_alignment_passes_the_gate(root):
    assert changes.gate_problems(root) == []


def test_an_amended_pair_near_the_threshold_needs_a_review(root, tmp_path):
    paragraphs, rows = tables(root)
    near = next(row for row in rows if changes.needs_review(row))
    assert (near["paragraph_id"], near["previous_paragraph_id"]) in changes.review_decisions(root)
    # A copy of the sources without that resolution's review file: the pair is reported.
    shutil.copytree(root / "sources", tmp_path / "sources")
    (tmp_path / "sources" / near["document_id"] / "coding" / changes.REVIEW_FILE).unlink()
    problems = changes.review_problems(tmp_path, paragraphs, rows)
    assert f"{near['paragraph_id']} {near['previous_paragraph_id']}" in {p.value for p in problems if "not reviewed" in p.rule}


def test_identical_texts_classed_amended_are_refused(root):
    paragraphs, rows = tables(root)
    unchanged = next(row for row in rows if row["change"] == "unchanged")
    broken = [{**unchanged, "change": "amended", "similarity": "0.9"} if row is unchanged else row for row in rows]
    assert [p for p in changes.review_problems(root, paragraphs, broken) if "identical texts" in p.rule]
