"""data/paragraphs.csv is what the splitter makes of the source: lossless, joined, footnotes counted."""

import csv
import re

from mandate_notes import paragraphs as make_paragraphs

SOURCE = "ipi-2023-minusma-meeting-note.txt"
# (first_line, last_line) of every paragraph a page break cut in two, in the source file.
KNOWN_JOINS = {(25, 33), (51, 59), (65, 67), (71, 79), (85, 87), (91, 97), (103, 105), (113, 123)}


def load_rows(root):
    with open(root / "data" / "paragraphs.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_paragraphs_csv_is_what_the_script_produces(root):
    assert (root / "data" / "paragraphs.csv").read_text(encoding="utf-8") == make_paragraphs.build_all()


def test_every_non_whitespace_character_lands_in_exactly_one_paragraph(root):
    source = (root / "sources" / SOURCE).read_text(encoding="utf-8")
    rebuilt = "".join(
        (make_paragraphs.BULLET_MARKER if row["kind"] == "bullet" else "") + row["text"]
        for row in sorted(load_rows(root), key=lambda r: (int(r["first_line"]), int(r["sequence"])))
    )
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    assert sorted(squeeze(rebuilt)) == sorted(squeeze(source))
    assert len(squeeze(rebuilt)) == len(squeeze(source))


def test_paragraph_texts_in_source_order_reproduce_the_source(root):
    """Stronger than a character count: the texts, cut at the joins, follow the source's order."""
    source = (root / "sources" / SOURCE).read_text(encoding="utf-8").split("\n")
    for row in load_rows(root):
        first, last = int(row["first_line"]), int(row["last_line"])
        head, tail = source[first - 1].strip(), source[last - 1].strip()
        if row["kind"] == "bullet":
            marker = make_paragraphs.BULLET_MARKER
            head, tail = head.removeprefix(marker), tail.removeprefix(marker)
        assert row["text"].startswith(head), row["paragraph_id"]
        assert row["text"].endswith(tail), row["paragraph_id"]


def test_page_broken_paragraphs_are_rejoined(root):
    joined = {
        (int(r["first_line"]), int(r["last_line"]))
        for r in load_rows(root)
        if r["kind"] == "body" and r["first_line"] != r["last_line"]
    }
    assert joined == KNOWN_JOINS


def test_the_note_has_sixteen_footnotes_numbered_in_order(root):
    numbers = [int(r["footnote_number"]) for r in load_rows(root) if r["kind"] == "footnote"]
    assert numbers == list(range(1, 17))


def test_every_footnote_marker_in_the_body_has_its_footnote_and_vice_versa(root):
    rows = load_rows(root)
    markers = [m for r in rows if r["footnote_markers"] for m in r["footnote_markers"].split(";")]
    footnotes = [r["footnote_number"] for r in rows if r["kind"] == "footnote"]
    assert sorted(markers, key=int) == footnotes


def test_kinds_and_sections(root):
    rows = load_rows(root)
    kinds = {}
    for row in rows:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    assert kinds["bullet"] == 7
    assert kinds["footnote"] == 16
    headings = [r["text"] for r in rows if r["kind"] == "heading"]
    assert headings[0] == "Introduction" and headings[-1] == "Conclusion" and len(headings) == 7
    assert all(r["section"] == "" for r in rows if r["kind"] == "boilerplate")
