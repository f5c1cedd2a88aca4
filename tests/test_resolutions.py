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


def test_the_mandates_of_the_series_missions_2020_to_2025_are_documents():
    """The 45 resolutions that set, extended or ended the mandates of the series' missions, 2020-2025."""
    assert len(RESOLUTIONS) == 45
    by_mission = {}
    for document in RESOLUTIONS:
        by_mission.setdefault(document.meta["mission"], []).append(document.document_id)
    assert {mission: len(ids) for mission, ids in by_mission.items()} == {
        "minusca": 6, "minusma": 4, "monusco": 5, "unama": 6, "unamid": 2, "unitams": 4, "unmiss": 8, "unsmil": 10}


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
    assert [row["eid"] for row in rows] == [unit.node.attributes.get("eId", "") for unit, _, _ in split]
    assert [int(row["sequence"]) for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["text"] for row in rows)
    assert all(int(row["first_line"]) <= int(row["last_line"]) for row in rows)


def test_operative_paragraphs_are_numbered_from_one_without_a_gap(root, resolution):
    """Every operative paragraph carries the number of the top-level paragraph it belongs to, and those
    run 1, 2, 3 ... in reading order (a list the XML breaks out of its paragraph is numbered back into it)."""
    tops = []
    for row in rows_of(root, "paragraphs", resolution):
        if row["kind"] == "operative":
            top = row["number"].split(" ")[0]
            if not tops or tops[-1] != top:
                tops.append(top)
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
    [s_res_2640] = [d for d in RESOLUTIONS if d.document_id == "s-res-2640-2022"]
    rows = {row["eid"]: row for row in rows_of(root, "paragraphs", s_res_2640)}
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



def paragraph(root, document_id: str, eid: str) -> dict:
    [row] = [row for row in read_dicts(csv_path(root / "data", "paragraphs"))
             if row["document_id"] == document_id and row["eid"] == eid]
    return row


def test_a_point_with_a_subheading_of_its_own_leaves_its_paragraph_operative(root):
    """2605 paragraph 35 holds a point with its own subheading ("(iv) Special Criminal Court"): the
    paragraph is operative, not a heading, and the subheading is read as part of its point."""
    row = paragraph(root, "s-res-2605-2021", "para_226")
    assert (row["kind"], row["number"]) == ("operative", "35")
    point = paragraph(root, "s-res-2605-2021", "para_226_list_point_f_sublist_point_iv")
    assert point["text"].startswith("Special Criminal Court (SCC): To provide technical assistance")


def test_a_list_broken_out_of_its_paragraph_is_numbered_back_into_it(root):
    """In the XML of 2584, the later items of paragraph 31's list stand as paragraphs of the main body,
    lettered "(b)" or unnumbered."""
    numbers = {eid: paragraph(root, "s-res-2584-2021", eid)["number"]
               for eid in ("para_195", "para_198", "para_199", "para_200", "para_201", "para_202", "para_203")}
    assert numbers == {"para_195": "30 (e)", "para_198": "31 (a)", "para_199": "31 (b)", "para_200": "31 (b)",
                       "para_201": "31 (b)", "para_202": "31 (c)", "para_203": "31 (c)"}
    # Words after a bulleted list continue the paragraph, not its last bullet.
    assert paragraph(root, "s-res-2796-2025", "para_30")["number"] == "3"


def test_an_unnumbered_short_line_is_a_heading(root):
    for document_id, eid, text in (("s-res-2514-2020", "para_743", "Reports"),
                                   ("s-res-2677-2023", "para_167", "Reporting:")):
        row = paragraph(root, document_id, eid)
        assert (row["kind"], row["text"], row["section"]) == ("heading", text, "")


def test_a_paragraph_whose_introduction_is_empty_gives_its_number_to_its_first_item(root):
    """2605 paragraph 58 has an empty introduction in the XML: printed "58. (a) Requests ..."."""
    assert not [row for row in read_dicts(csv_path(root / "data", "paragraphs")) if row["eid"] == "para_289"
                and row["document_id"] == "s-res-2605-2021"]
    row = paragraph(root, "s-res-2605-2021", "para_289_list_point_a")
    assert row["number"] == "58 (a)" and row["text"].startswith("Requests the Secretary-General to report")


def test_a_lists_closing_words_and_a_sublists_heading_are_paragraphs_of_their_own(root):
    closing = paragraph(root, "s-res-2666-2022", "para_119_list_wrapup")
    assert closing["number"] == "43" and closing["text"].startswith("and further requests the Secretary-General")
    assert "further requests" not in paragraph(root, "s-res-2666-2022", "para_119")["text"]
    # The XML gives these two no eId.
    rows = [row for row in read_dicts(csv_path(root / "data", "paragraphs")) if row["eid"] == ""
            and row["kind"] == "operative"]
    assert sorted((row["document_id"], row["number"], row["text"][:20]) for row in rows) == [
        ("s-res-2556-2020", "29 (ii)", "Stabilisation"), ("s-res-2612-2021", "55", "and further requests")]
