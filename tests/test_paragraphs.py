"""data/generated/paragraphs.csv is what the splitter makes of each source: lossless, joined, footnotes counted."""

import re

import pytest

from mandate_notes import paragraphs as make_paragraphs
from mandate_notes.csvio import read_dicts
from mandate_notes.documents import NOTE, discover
from mandate_notes.model import csv_path
from mandate_notes.paths import ROOT

DOCUMENTS = discover(ROOT)
# The splitter of notes; resolutions are split from their XML (tests/test_resolutions.py).
NOTES = discover(ROOT, NOTE)


def load_rows(root, document):
    rows = read_dicts(csv_path(root / "data", "paragraphs"))
    return [row for row in rows if row["document_id"] == document.document_id]


def test_every_document_folder_is_found():
    assert DOCUMENTS, "sources/ holds no document folder"
    assert [d.document_id for d in DOCUMENTS] == sorted(p.parent.name for p in (ROOT / "sources").glob("*/document.toml"))


def test_generated_tables_are_what_the_script_produces(root):
    assert make_paragraphs.stale(root) == []


@pytest.fixture(params=NOTES, ids=lambda d: d.document_id)
def document(request):
    return request.param


def test_every_non_whitespace_character_lands_in_exactly_one_paragraph(root, document):
    source = document.source.read_text(encoding="utf-8")
    rebuilt = "".join(
        (make_paragraphs.BULLET_MARKER if row["kind"] == "bullet" else "") + row["text"]
        for row in sorted(load_rows(root, document), key=lambda r: (int(r["first_line"]), int(r["sequence"])))
    )
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    assert sorted(squeeze(rebuilt)) == sorted(squeeze(source))
    assert len(squeeze(rebuilt)) == len(squeeze(source))


def test_paragraph_texts_in_source_order_reproduce_the_source(root, document):
    """Stronger than a character count: the texts, cut at the joins, follow the source's order."""
    source = document.source.read_text(encoding="utf-8").split("\n")
    for row in load_rows(root, document):
        first, last = int(row["first_line"]), int(row["last_line"])
        head, tail = source[first - 1].strip(), source[last - 1].strip()
        if row["kind"] == "bullet":
            marker = make_paragraphs.BULLET_MARKER
            head, tail = head.removeprefix(marker), tail.removeprefix(marker)
        assert row["text"].startswith(head), row["paragraph_id"]
        assert row["text"].endswith(tail), row["paragraph_id"]


def test_footnotes_are_numbered_in_order_from_one(root, document):
    numbers = [int(r["footnote_number"]) for r in load_rows(root, document) if r["kind"] == "footnote"]
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_footnote_marker_in_the_body_has_its_footnote_and_vice_versa(root, document):
    rows = load_rows(root, document)
    markers = [m for r in rows if r["footnote_markers"] for m in r["footnote_markers"].split(";")]
    footnotes = [r["footnote_number"] for r in rows if r["kind"] == "footnote"]
    assert sorted(markers, key=int) == footnotes


def test_a_footnote_stands_in_the_section_of_the_paragraph_that_marks_it(root, document):
    rows = load_rows(root, document)
    marked_in = {}
    for row in rows:
        for number in filter(None, row["footnote_markers"].split(";")):
            if row["kind"] != "footnote":
                marked_in.setdefault(number, row["section"])
    footnotes = [row for row in rows if row["kind"] == "footnote"]
    assert footnotes and all(row["section"] == marked_in[row["footnote_number"]] for row in footnotes)
    # Not trivially so: in the MINUSMA note some footnotes were printed after the next heading.
    printed_under, section = {}, ""
    for row in sorted(rows, key=lambda r: int(r["sequence"])):
        if row["kind"] == "footnote":
            printed_under[row["paragraph_id"]] = section
        else:
            section = row["section"]
    if document.document_id == "ipi-2023-minusma":
        assert any(printed_under[row["paragraph_id"]] != row["section"] for row in footnotes)


def test_boilerplate_stands_in_no_section(root, document):
    assert all(r["section"] == "" for r in load_rows(root, document) if r["kind"] == "boilerplate")


def test_the_split_matches_what_was_counted_in_the_publication(root, document):
    """document.toml's [expected], where a reader counted joins, footnotes, bullets and headings."""
    expected = document.meta.get("expected")
    if expected is None:
        pytest.skip(f"{document.document_id}: no [expected] counts in document.toml")
    rows = load_rows(root, document)
    joined = {
        (int(r["first_line"]), int(r["last_line"]))
        for r in rows
        if r["kind"] == "body" and r["first_line"] != r["last_line"]
    }
    assert joined == {tuple(pair) for pair in expected["joined_paragraphs"]}
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in ("bullet", "footnote")}
    assert kinds == {"bullet": expected["bullets"], "footnote": expected["footnotes"]}
    headings = [r["text"] for r in rows if r["kind"] == "heading"]
    assert len(headings) == expected["headings"]
    assert (headings[0], headings[-1]) == (expected["first_heading"], expected["last_heading"])
