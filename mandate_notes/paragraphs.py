"""Make the tables of the document folders: data/generated/documents.csv from each document.toml,
data/generated/paragraphs.csv by splitting each note's text into paragraphs (page-broken ones
re-joined) and each resolution's XML into its paragraphs (mandate_notes/resolutions.py), and the
resolutions and resolution_votes tables from each resolution's record of adoption."""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mandate_notes.documents import NOTE, RESOLUTION, discover, documents_rows
from mandate_notes.generated import stale as stale_outputs
from mandate_notes.generated import write_or_check
from mandate_notes.model import csv_path
from mandate_notes.paths import DATA_DIR, ROOT, SUPERSCRIPT_DIGITS
from mandate_notes.changes import change_rows
from mandate_notes.tiers import tier_rows
from mandate_notes.resolutions import resolution_paragraphs, resolution_rows, vote_rows
from schemas.definitions import table

BULLET_MARKER = "- "
TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
MARKER_RE = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
SUPERSCRIPT_FOOTNOTE_RE = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+) ")
PLAIN_FOOTNOTE_RE = re.compile(r"^(\d{1,3}) (?=\S)")
# A paragraph that ends without one of these was cut by a page break.
SENTENCE_END = (".", "?", "!", ":", ";", "”", '"', "’", "'", ")")
# Splitter defaults, which a document.toml may override in its [splitter] table. The first block
# of at least opening_min_words words is the note's opening paragraph (blocks before it are the
# cover); the block matching back_matter (the publishers' self-descriptions) ends the body.
OPENING_MIN_WORDS = 40
BACK_MATTER = r"^The \*\*INTERNATIONAL PEACE INSTITUTE\*\*"
HEADING_MAX_WORDS = 12


@dataclass
class Block:
    """Consecutive non-blank source lines (1-based line numbers)."""

    first_line: int
    last_line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


def read_blocks(text: str) -> list[Block]:
    """Group non-blank lines into blocks; each bullet line is a block of its own."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        if current is None or line.startswith(BULLET_MARKER):
            current = Block(number, number)
            blocks.append(current)
        current.lines.append(line)
        current.last_line = number
    return blocks


def footnote_number(block: Block, expected: int) -> int | None:
    """The footnote number a block starts with, if it is the next footnote expected.

    Plain digits count only when they continue the sequence, so a body paragraph that happens to
    start with a number is never taken for a footnote.
    """
    text = block.text
    match = SUPERSCRIPT_FOOTNOTE_RE.match(text)
    if match:
        return int(match.group(1).translate(TO_ASCII))
    match = PLAIN_FOOTNOTE_RE.match(text)
    if match and int(match.group(1)) == expected:
        return expected
    return None


def ends_sentence(text: str) -> bool:
    """True when a block ends a sentence, footnote markers after the punctuation aside."""
    return text.rstrip(SUPERSCRIPT_DIGITS).endswith(SENTENCE_END)


def is_heading(block: Block) -> bool:
    text = block.text
    return (
        len(block.lines) == 1
        # A sentence closed by a footnote marker ("… north.¹") is a sentence, not a heading.
        and not text.rstrip(SUPERSCRIPT_DIGITS).endswith(SENTENCE_END + (",",))
        and len(text.split()) <= HEADING_MAX_WORDS
        and text[0].isupper()
        and not text.startswith(BULLET_MARKER)
    )


def split_paragraphs(text: str, document_id: str, opening_min_words: int = OPENING_MIN_WORDS,
                     back_matter: str = BACK_MATTER) -> list[dict]:
    """Return the paragraphs of one note in reading order.

    >>> body = "A body paragraph that a page break cuts off in the middle of its last"
    >>> text = f"Intro\\n\\n{body}\\n\\n¹ A note.\\n\\nsentence.²"
    >>> [(r["kind"], r["text"][-15:], r["footnote_markers"]) for r in split_paragraphs(text, "d")]
    [('heading', 'Intro', ''), ('body', 'last sentence.²', '2'), ('footnote', '¹ A note.', '')]
    """
    blocks = read_blocks(text)
    back_matter_re = re.compile(back_matter)
    rows: list[dict] = []
    section = ""
    stage = "cover" if any(len(b.text.split()) >= opening_min_words for b in blocks) else "body"
    next_footnote = 1
    open_paragraph: dict | None = None  # a body paragraph cut by a page break
    for block in blocks:
        block_text = block.text
        if stage == "cover" and len(block_text.split()) >= opening_min_words:
            stage = "body"
        if stage == "body" and back_matter_re.match(block_text):
            stage = "back"
        number = footnote_number(block, next_footnote) if stage == "body" else None
        if number is not None:
            next_footnote = number + 1
            rows.append(_row(document_id, section, "footnote", block, number))
            continue
        if open_paragraph is not None:
            open_paragraph["text"] += " " + block_text
            open_paragraph["last_line"] = block.last_line
            if ends_sentence(block_text):
                open_paragraph = None
            continue
        if stage in ("cover", "back"):
            kind = "boilerplate"
        elif block_text.startswith(BULLET_MARKER):
            kind = "bullet"
        elif is_heading(block):
            kind = "heading"
            section = block_text
        else:
            kind = "body"
        row = _row(document_id, "" if kind == "boilerplate" else section, kind, block, None)
        if kind == "bullet":
            # The list marker is carried by the kind; a cell starting with '-' would be read
            # as a formula by spreadsheets.
            row["text"] = row["text"][len(BULLET_MARKER):]
        rows.append(row)
        if kind == "body" and not ends_sentence(block_text):
            open_paragraph = row
    for sequence, row in enumerate(rows, start=1):
        row["sequence"] = sequence
        row["paragraph_id"] = f"{document_id}-p{sequence:03d}"
        row["footnote_markers"] = _markers(row)
    _footnotes_in_their_markers_sections(rows)
    return rows


def _footnotes_in_their_markers_sections(rows: list[dict]) -> None:
    """A footnote stands in the section of the paragraph that first marks it, not of the page it
    was printed on (a footnote no paragraph marks keeps the section it was found in)."""
    marked_in: dict[str, str] = {}
    for row in rows:
        if row["kind"] != "footnote":
            for number in filter(None, row["footnote_markers"].split(";")):
                marked_in.setdefault(number, row["section"])
    for row in rows:
        if row["kind"] == "footnote":
            row["section"] = marked_in.get(str(row["footnote_number"]), row["section"])


def _row(document_id: str, section: str, kind: str, block: Block, number: int | None) -> dict:
    return {
        "document_id": document_id,
        "section": section,
        "kind": kind,
        "footnote_number": number,
        "first_line": block.first_line,
        "last_line": block.last_line,
        "text": block.text,
    }


def _markers(row: dict) -> str:
    """Footnote markers in a paragraph's text, as ascii numbers joined by ';'.

    A footnote's own leading number is not a marker.
    """
    text = row["text"]
    if row["kind"] == "footnote":
        text = text.split(" ", 1)[1] if " " in text else ""
    return ";".join(m.translate(TO_ASCII) for m in MARKER_RE.findall(text))


def render(name: str, rows: list[dict]) -> str:
    """One generated table as CSV, its columns in the table model's order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table(name).field_names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def paragraph_rows(root: Path = ROOT) -> list[dict]:
    rows: list[dict] = []
    for document in discover(root):
        if document.kind == NOTE:
            text = document.source.read_text(encoding="utf-8")
            rows.extend(split_paragraphs(text, document.document_id, **document.splitter))
        elif document.kind == RESOLUTION:
            rows.extend(resolution_paragraphs(document))
        else:
            raise ValueError(f"{document.document_id}: unknown kind of document {document.kind!r}")
    return rows


def outputs(root: Path = ROOT) -> dict[Path, str]:
    """Each generated table's file and content."""
    data = root / DATA_DIR
    paragraphs = paragraph_rows(root)
    as_text = [{key: "" if value is None else str(value) for key, value in row.items()} for row in paragraphs]
    return {
        csv_path(data, "documents"): render("documents", documents_rows(root)),
        csv_path(data, "paragraphs"): render("paragraphs", paragraphs),
        csv_path(data, "resolutions"): render("resolutions", resolution_rows(discover(root, RESOLUTION), root)),
        csv_path(data, "resolution_votes"): render("resolution_votes", vote_rows(discover(root, RESOLUTION))),
        csv_path(data, "paragraph_changes"): render("paragraph_changes", change_rows(root, as_text)),
        csv_path(data, "paragraph_tiers"): render("paragraph_tiers", tier_rows(root, as_text)),
    }


def stale(root: Path = ROOT) -> list[Path]:
    """The generated tables that differ from what the document folders give."""
    return stale_outputs(outputs(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a generated table differs from what the sources give, without writing")
    args = parser.parse_args(argv)
    return write_or_check(outputs(), args.check, "make paragraphs", ROOT)

if __name__ == "__main__":
    sys.exit(main())
