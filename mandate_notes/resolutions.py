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
    """One paragraph in the making: its element, its number parts and the text pieces it owns."""

    node: Node
    numbers: tuple[str, ...]
    pieces: list = field(default_factory=list)
    number_pieces: list = field(default_factory=list)


def units(node: Node, numbers: tuple[str, ...] = ()) -> list[Unit]:
    """node as a unit, then the units inside it, in reading order. Each text piece under node goes to
    exactly one unit: its own `num` to number_pieces, the text of a point or nested unit to that unit,
    everything else (lists, introductions, inline markup) to node's unit."""
    own = node.children("num")
    if own:
        numbers = numbers + (squeeze("".join(_all_text(own[0]))).removesuffix("."),)
    unit = Unit(node, numbers)
    found = [unit]

    def collect(container: Node, prefix: tuple[str, ...]) -> None:
        last_point = prefix
        for part in container.content:
            if isinstance(part, str):
                unit.pieces.append(part)
            elif part.tag == "num" and container is node:
                unit.number_pieces.extend(_all_text(part))
            elif part.tag == "point":
                inner = units(part, prefix)
                last_point = inner[0].numbers
                found.extend(inner)
            elif part.tag == "sublist":
                # A sublist follows the point it belongs to, as its sibling.
                collect(part, last_point)
            elif part.tag in UNIT_ELEMENTS:
                found.extend(units(part, numbers))
            else:
                collect(part, prefix)

    collect(node, numbers)
    return found


def kind_of(unit: Unit) -> str:
    tag = unit.node.tag
    if tag == "formula":
        return "formula"
    if tag == "container":
        return "preambular"
    if tag == "paragraph" and unit.node.find("subheading") is not None:
        return "heading"
    return "operative"


def resolution_units(root: Node) -> list[tuple[Unit, str, str]]:
    """(unit, kind, section) for every paragraph of a parsed resolution's body, in reading order."""
    found = []
    section = ""
    for part in body_parts(root):
        for top in part.children():
            for unit in units(top):
                kind = kind_of(unit)
                if kind == "heading":
                    section = squeeze("".join(unit.pieces))
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
            "text": squeeze("".join(unit.pieces)),
        })
    return rows


VOTES = (("MS_in_favour", "in_favour"), ("MS_against", "against"), ("MS_abstaining", "abstaining"))


def resolution_rows(documents, root: Path) -> list[dict]:
    """The rows of the resolutions table: each resolution's adoption, from its JSON line."""
    rows = []
    for document in documents:
        record = document.adoption
        rows.append({
            "document_id": document.document_id,
            "symbol": record["symbol"],
            "adoption_date": iso_date(record["adoption_date"]),
            "meeting": record["adoption_meeting"],
            "meeting_record": record["outcome_letter"],
            "agenda_item": record["agenda_item_name"],
            "draft_symbol": record["draft_resolution"],
            "adoption": record["adoption_type"],
            "chapter_vii": "true" if record["chapter_VII"] == "Chapter VII" else "false",
            "sponsors": PUBLISHER_SEPARATOR.join(record["sponsors"]),
            "additional_sponsors": PUBLISHER_SEPARATOR.join(record["additional_sponsors"]),
            "votes_in_favour": int(record["MS_in_favour_count"]),
            "votes_against": int(record["MS_against_count"]),
            "abstentions": int(record["MS_abstaining_count"]),
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
