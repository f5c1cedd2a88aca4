"""Split a meeting note's plain text into data/paragraphs.csv, re-joining page-broken paragraphs."""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
OUTPUT = ROOT / "data" / "paragraphs.csv"

# Source file name -> document id. A new note is a new line here (and a row in documents.csv).
DOCUMENT_SOURCES = {
    "ipi-2023-minusma": "ipi-2023-minusma-meeting-note.txt",
}

COLUMNS = [
    "paragraph_id",
    "document_id",
    "sequence",
    "section",
    "kind",
    "footnote_number",
    "footnote_markers",
    "first_line",
    "last_line",
    "text",
]

BULLET_MARKER = "- "
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
MARKER_RE = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
SUPERSCRIPT_FOOTNOTE_RE = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+) ")
PLAIN_FOOTNOTE_RE = re.compile(r"^(\d{1,3}) (?=\S)")
# A paragraph that ends without one of these was cut by a page break.
SENTENCE_END = (".", "?", "!", ":", ";", "”", '"', "’", "'", ")")
# The publishers' self-descriptions and addresses that close every note in the series.
BACK_MATTER_RE = re.compile(r"^The \*\*INTERNATIONAL PEACE INSTITUTE\*\*")
# The first block of at least this many words is the note's opening paragraph; blocks before it
# are the cover.
OPENING_MIN_WORDS = 40
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
        and not text.endswith(SENTENCE_END + (",",))
        and len(text.split()) <= HEADING_MAX_WORDS
        and text[0].isupper()
        and not text.startswith(BULLET_MARKER)
    )


def split_paragraphs(text: str, document_id: str) -> list[dict]:
    """Return the paragraphs of one note in reading order.

    >>> body = "A body paragraph that a page break cuts off in the middle of its last"
    >>> text = f"Intro\\n\\n{body}\\n\\n¹ A note.\\n\\nsentence.²"
    >>> [(r["kind"], r["text"][-15:], r["footnote_markers"]) for r in split_paragraphs(text, "d")]
    [('heading', 'Intro', ''), ('body', 'last sentence.²', '2'), ('footnote', '¹ A note.', '')]
    """
    blocks = read_blocks(text)
    rows: list[dict] = []
    section = ""
    stage = "cover" if any(len(b.text.split()) >= OPENING_MIN_WORDS for b in blocks) else "body"
    next_footnote = 1
    open_paragraph: dict | None = None  # a body paragraph cut by a page break
    for block in blocks:
        block_text = block.text
        if stage == "cover" and len(block_text.split()) >= OPENING_MIN_WORDS:
            stage = "body"
        if stage == "body" and BACK_MATTER_RE.match(block_text):
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
    return rows


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


def render(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "footnote_number": row["footnote_number"] or ""})
    return buffer.getvalue()


def build_all() -> str:
    rows: list[dict] = []
    for document_id, file_name in DOCUMENT_SOURCES.items():
        text = (SOURCES / file_name).read_text(encoding="utf-8")
        rows.extend(split_paragraphs(text, document_id))
    return render(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if data/paragraphs.csv differs from what the sources give, without writing",
    )
    args = parser.parse_args(argv)
    content = build_all()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != content:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run scripts/make_paragraphs.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(content, encoding="utf-8", newline="")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
