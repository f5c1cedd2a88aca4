"""Security Council resolutions as documents: their paragraphs from the UN's Akoma Ntoso XML, their
adoption facts and votes from the UN's JSON line of metadata.

The body of a resolution is its preamble and its main body. Every text node of the body lands in
exactly one paragraph, in reading order (tests/test_resolutions.py checks it):

- the enacting formula ("The Security Council,") is a paragraph of kind `formula`;
- each preambular paragraph (a `container` of the preamble) is one `preambular` paragraph;
- a `paragraph` of the main body that holds a `subheading` is a `heading`;
- every other main-body paragraph is `operative`: its own text, or the introduction of its list,
  is one paragraph, and each point of the list, at any depth, is one more, numbered as printed
  with its parents' numbers before it ("26 (a) (iii) –").

A paragraph's `section` is the last heading before it; preambular paragraphs have none.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from mandate_notes.documents import PUBLISHER_SEPARATOR, iso_date
from mandate_notes.paths import SOURCES_DIR

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
SEPARATOR = "\x1f"
# Elements whose text is a unit of its own: one paragraph each.
UNIT_ELEMENTS = {"formula", "container", "paragraph", "point"}
WHITESPACE = re.compile(r"\s+")


@dataclass
class Node:
    """An XML element with the lines it starts and ends on, its text and each child's tail."""

    tag: str
    attributes: dict
    first_line: int
    last_line: int = 0
    # Text pieces and children in document order: a str is text, a Node a child element.
    content: list = field(default_factory=list)

    def children(self, tag: str | None = None) -> list["Node"]:
        return [part for part in self.content if isinstance(part, Node) and (tag is None or part.tag == tag)]

    def find(self, tag: str) -> "Node | None":
        for child in self.children():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None


def parse(path: Path) -> Node:
    """The XML file as a tree of Nodes (local names, namespaces dropped), with line numbers."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=SEPARATOR)
    stack: list[Node] = []
    root: list[Node] = []

    def start(name, attributes):
        node = Node(name.rsplit(SEPARATOR, 1)[-1], attributes, parser.CurrentLineNumber)
        if stack:
            stack[-1].content.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(name):
        stack.pop().last_line = parser.CurrentLineNumber

    def text(data):
        if stack:
            stack[-1].content.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    parser.Parse(path.read_bytes(), True)
    return root[0]


def body_parts(root: Node) -> list[Node]:
    """The preamble and the main body: the parts of a resolution that hold its paragraphs."""
    statement = root.children()[0]
    return [part for part in statement.children() if part.tag in ("preamble", "mainBody")]


def squeeze(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _all_text(node: Node) -> list[str]:
    found = []
    for part in node.content:
        found.extend([part] if isinstance(part, str) else _all_text(part))
    return found


@dataclass
class Unit:
    """One paragraph in the making: its element, its number parts and the text pieces it owns; its
    kind where the element alone does not tell it."""

    node: Node
    numbers: tuple[str, ...]
    pieces: list = field(default_factory=list)
    number_pieces: list = field(default_factory=list)
    kind: str = ""

    @property
    def text(self) -> str:
        return squeeze("".join(self.pieces))


# Parts of a list that are printed as lines of their own though the XML gives them no point: the
# words closing a list ("and further requests …" after its last item) and a heading opening a
# sublist ("Stabilisation"). Each is a unit numbered as the item its list belongs to.
OWN_LINES = {"wrapUp", "intro"}


def own_number(node: Node, numbers: tuple[str, ...]) -> tuple[str, ...]:
    """numbers, with node's own printed number ("26.", "(a)") after them if it has one."""
    own = node.children("num")
    return numbers + (squeeze("".join(_all_text(own[0]))).removesuffix("."),) if own else numbers


def units(node: Node, numbers: tuple[str, ...] = ()) -> list[Unit]:
    """node as a unit, then the units inside it, in reading order. Each text piece under node goes to
    exactly one unit: its own `num` to number_pieces, the text of a point or nested unit to that unit,
    a list's closing words and a sublist's heading to a unit of their own, everything else (lists,
    introductions, inline markup) to node's unit.

    A unit with no text of its own whose list follows ("58. (a) Requests …", where the XML's
    introduction is empty) is no paragraph: its number goes to its first item."""
    numbers = own_number(node, numbers)
    unit = Unit(node, numbers)
    found = [unit]

    def collect(container: Node, prefix: tuple[str, ...], target: Unit) -> None:
        last_point = prefix
        for part in container.content:
            if isinstance(part, str):
                target.pieces.append(part)
            elif part.tag == "num" and container is node:
                target.number_pieces.extend(_all_text(part))
            elif part.tag == "point":
                last_point = own_number(part, prefix)
                found.extend(units(part, prefix))
            elif part.tag == "sublist":
                # A sublist follows the point it belongs to, as its sibling.
                collect(part, last_point, target)
            elif part.tag in OWN_LINES and (part.tag == "wrapUp" or container.tag == "sublist"):
                line = Unit(part, prefix)
                found.append(line)
                collect(part, prefix, line)
            elif part.tag in UNIT_ELEMENTS:
                found.extend(units(part, numbers))
            else:
                collect(part, prefix, target)

    collect(node, numbers, unit)
    if not unit.text and len(found) > 1:
        found[1].number_pieces[:0] = unit.number_pieces + unit.pieces
        return found[1:]
    return found


def kind_of(unit: Unit) -> str:
    tag = unit.node.tag
    if unit.kind:
        return unit.kind
    if tag == "formula":
        return "formula"
    if tag == "container":
        return "preambular"
    # Only a subheading of the paragraph itself: a point may carry one of its own ("(iv) Special
    # Criminal Court:") inside an operative paragraph's list.
    if tag == "paragraph" and unit.node.children("subheading"):
        return "heading"
    return "operative"


# Marks that number no item of their own: an unnumbered paragraph after a bulleted list continues
# the paragraph, not its last bullet.
BULLETS = {"•", "–", "-"}
HEADING_MAX_WORDS = 12
SENTENCE_ENDS = (".", ";", ",")


def looks_like_a_heading(text: str) -> bool:
    """A short line starting with a capital and ending without a sentence's punctuation ("Reports",
    "Reporting:"): a heading the XML writes as an ordinary paragraph."""
    return bool(text) and text[0].isupper() and len(text.split()) <= HEADING_MAX_WORDS \
        and not text.endswith(SENTENCE_ENDS)


def main_body_units(top: Node, before: list[Unit]) -> list[Unit]:
    """The units of one paragraph of the main body, given the units before it.

    The UN's XML sometimes breaks a list out of its paragraph: the list's later items and the words
    after it stand as paragraphs of the main body, with a lettered number ("(b)") or none. A lettered
    paragraph continues the last numbered one ("31" then "(b)" is 31 (b)); an unnumbered one continues
    the unit before it and carries its number (less a trailing bullet or dash), unless it reads as a
    heading, which it then is."""
    last_top = next((unit.numbers[:1] for unit in reversed(before) if unit.numbers), ())
    if top.tag != "paragraph" or top.children("subheading"):
        return units(top)
    own = top.children("num")
    if own:
        number = squeeze("".join(_all_text(own[0]))).removesuffix(".")
        return units(top, () if number.isdigit() else last_top)
    found = units(top)
    if looks_like_a_heading(found[0].text):
        found[0].kind = "heading"
        return found
    previous = before[-1].numbers if before else ()
    while previous and previous[-1] in BULLETS:
        previous = previous[:-1]
    return units(top, previous)


def resolution_units(root: Node) -> list[tuple[Unit, str, str]]:
    """(unit, kind, section) for every paragraph of a parsed resolution's body, in reading order."""
    found = []
    section = ""
    made: list[Unit] = []
    for part in body_parts(root):
        for top in part.children():
            for unit in main_body_units(top, made) if part.tag == "mainBody" else units(top):
                made.append(unit)
                kind = kind_of(unit)
                if kind == "heading":
                    section = unit.text
                found.append((unit, kind, section if kind == "operative" else ""))
    return found


def resolution_paragraphs(document) -> list[dict]:
    """The rows of the paragraphs table for one resolution document."""
    rows = []
    for sequence, (unit, kind, section) in enumerate(resolution_units(parse(document.source)), start=1):
        rows.append({
            "paragraph_id": f"{document.document_id}-p{sequence:03d}",
            "document_id": document.document_id,
            "sequence": sequence,
            "section": section,
            "kind": kind,
            "number": " ".join(unit.numbers),
            "eid": unit.node.attributes.get("eId", ""),
            "footnote_number": None,
            "footnote_markers": "",
            "first_line": unit.node.first_line,
            "last_line": unit.node.last_line,
            "text": unit.text,
        })
    return rows


SYMBOL = re.compile(r"S/RES/([0-9]+) \(([0-9]{4})\)")
VOTES = (("MS_in_favour", "in_favour"), ("MS_against", "against"), ("MS_abstaining", "abstaining"))


def vote_count(record: dict, key: str) -> int:
    """A vote count of the record, checked against the members it lists; the record leaves a count
    empty where no member voted so ("015", "", "" for a unanimous vote).

    >>> vote_count({"MS_against_count": "", "MS_against": []}, "MS_against")
    0
    """
    written, members = record[f"{key}_count"], record[key]
    count = int(written) if written else 0
    if count != len(members):
        raise ValueError(f"{record['symbol']}: {key}_count {written!r} but {len(members)} member(s) listed")
    return count


def resolution_rows(documents, root: Path) -> list[dict]:
    """The rows of the resolutions table: each resolution's adoption, from its JSON line."""
    rows = []
    for document in documents:
        # Fields its document.toml shows the record has wrong ([metadata.wrong]: field = reason) are left empty.
        wrong = document.meta["metadata"].get("wrong", {})
        record = {**document.adoption, **{field: [] if field.endswith("sponsors") else "" for field in wrong}}
        rows.append({
            "document_id": document.document_id,
            "symbol": record["symbol"],
            "number": int(SYMBOL.fullmatch(record["symbol"]).group(1)),
            "adoption_date": iso_date(record["adoption_date"]),
            "meeting": record["adoption_meeting"],
            "meeting_record": record["outcome_letter"],
            "agenda_item": record["agenda_item_name"],
            "draft_symbol": record["draft_resolution"],
            "adoption": record["adoption_type"],
            "chapter_vii": "true" if record["chapter_VII"] == "Chapter VII" else "false",
            "sponsors": PUBLISHER_SEPARATOR.join(name.strip() for name in record["sponsors"]),
            "additional_sponsors": PUBLISHER_SEPARATOR.join(name.strip() for name in record["additional_sponsors"]),
            "votes_in_favour": vote_count(record, "MS_in_favour"),
            "votes_against": vote_count(record, "MS_against"),
            "abstentions": vote_count(record, "MS_abstaining"),
            "technical_extension": "true" if document.mandate["technical_extension"] else "false",
            "keeps_mandate_of_id": document.mandate.get("keeps_mandate_of", ""),
            "metadata_file": document.metadata_file.relative_to(root / SOURCES_DIR).as_posix(),
            "metadata_sha256": document.meta["metadata"]["sha256"],
        })
    return rows


def vote_rows(documents) -> list[dict]:
    """The rows of the resolution_votes table: one per member and resolution, in the record's order."""
    return [{"document_id": document.document_id, "member": member, "vote": vote}
            for document in documents
            for key, vote in VOTES
            for member in document.adoption[key]]
