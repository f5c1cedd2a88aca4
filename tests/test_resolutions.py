"""A resolution's paragraphs are what its XML holds, nothing lost or doubled, in reading order; its
adoption and votes are the UN's record."""

import json

import pytest

from mandate_notes.csvio import read_dicts
from mandate_notes.documents import RESOLUTION, discover
from mandate_notes.model import csv_path
from mandate_notes.paths import ROOT
from mandate_notes.resolutions import Node, body_parts, parse, resolution_units, squeeze, units

RESOLUTIONS = discover(ROOT, RESOLUTION)
COUNCIL_MEMBERS = 15


@pytest.fixture(params=RESOLUTIONS, ids=lambda d: d.document_id)
def resolution(request):
    return request.param


def rows_of(root, name, document):
    return [row for row in read_dicts(csv_path(root / "data", name)) if row["document_id"] == document.document_id]


def test_the_two_resolutions_are_documents():
    assert [d.document_id for d in RESOLUTIONS] == ["s-res-2640-2022", "s-res-2690-2023"]


def tokenised(tree: Node) -> int:
    """Replace every text node of the body that holds more than whitespace by a token naming its place;
    return how many there are. (Whitespace between the body's paragraphs belongs to none.)"""
    count = 0

    def walk(node: Node) -> None:
        nonlocal count
        for index, part in enumerate(node.content):
            if isinstance(part, str) and part.strip():
                node.content[index] = f"<{count}>"
                count += 1
            elif isinstance(part, Node):
                walk(part)

    for part in body_parts(tree):
        walk(part)
    return count


def test_every_text_node_of_the_body_lands_in_exactly_one_paragraph(resolution):
    tree = parse(resolution.source)
    count = tokenised(tree)
    landed = [piece for unit, _, _ in resolution_units(tree) for piece in unit.pieces + unit.number_pieces
              if piece.strip()]
    assert sorted(landed, key=lambda token: int(token[1:-1])) == [f"<{n}>" for n in range(count)]
    # Not vacuous: every paragraph holds at least one text node.
    assert count >= len(resolution_units(parse(resolution.source)))


def test_the_split_reproduces_the_body_text_in_reading_order(root, resolution):
    """Each paragraph's text occurs in the body's text, after the one before it."""
    tree = parse(resolution.source)
    body = squeeze(" ".join(piece for part in body_parts(tree) for unit in units(part)
                            for piece in [squeeze("".join(unit.number_pieces)), squeeze("".join(unit.pieces))]))
    position = 0
    for row in rows_of(root, "paragraphs", resolution):
        found = body.find(row["text"], position)
        assert found >= position, row["paragraph_id"]
        position = found + len(row["text"])


def test_the_generated_paragraphs_are_the_split(root, resolution):
    rows = rows_of(root, "paragraphs", resolution)
    split = resolution_units(parse(resolution.source))
    assert [row["eid"] for row in rows] == [unit.node.attributes["eId"] for unit, _, _ in split]
    assert [int(row["sequence"]) for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["text"] for row in rows)
    assert all(int(row["first_line"]) <= int(row["last_line"]) for row in rows)


def test_operative_paragraphs_are_numbered_from_one_without_a_gap(root, resolution):
    tops = [row["number"] for row in rows_of(root, "paragraphs", resolution)
            if row["kind"] == "operative" and " " not in row["number"]]
    assert tops == [str(n) for n in range(1, len(tops) + 1)]


def test_kinds_and_sections(root, resolution):
    rows = rows_of(root, "paragraphs", resolution)
    kinds = [row["kind"] for row in rows]
    assert kinds[0] == "formula" and rows[0]["text"] == "The Security Council,"
    # The preamble comes first, then headings and operative paragraphs.
    first_operative = kinds.index("operative")
    assert set(kinds[1:first_operative]) <= {"preambular", "heading"}
    assert "preambular" not in kinds[first_operative:]
    # An operative paragraph stands in the section of the last heading before it, if any.
    last_heading = ""
    for row in rows:
        if row["kind"] == "heading":
            last_heading = row["text"]
        assert row["section"] == (last_heading if row["kind"] == "operative" else ""), row["paragraph_id"]


def test_a_sub_paragraph_carries_its_parents_numbers(root):
    rows = {row["eid"]: row for row in rows_of(root, "paragraphs", RESOLUTIONS[0])}
    assert rows["para_179"]["number"] == "26"
    assert rows["para_179"]["text"] == "Decides that MINUSMA’s mandate shall include the following priority tasks:"
    assert rows["para_179_list_point_a_sublist_point_ii"]["number"] == "26 (a) (ii)"
    assert rows["para_179_list_point_a_sublist_point_iii_sublist_point_1"]["number"] == "26 (a) (iii) –"


def test_adoption_and_votes_are_the_record(root, resolution):
    assert resolution.metadata_file.read_bytes().count(b"\n") == 1
    record = json.loads(resolution.metadata_file.read_text(encoding="utf-8"))
    [adoption] = rows_of(root, "resolutions", resolution)
    assert adoption["symbol"] == record["symbol"]
    votes = rows_of(root, "resolution_votes", resolution)
    counted = {vote: sum(row["vote"] == vote for row in votes) for vote in ("in_favour", "against", "abstaining")}
    assert counted == {"in_favour": int(adoption["votes_in_favour"]), "against": int(adoption["votes_against"]),
                       "abstaining": int(adoption["abstentions"])}
    assert len({row["member"] for row in votes}) == len(votes) == COUNCIL_MEMBERS

