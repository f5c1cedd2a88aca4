"""Start a new meeting note: make its folder sources/<document_id>/ with everything a command can
write, so that what is left is what only a reader can do.

Writes, and never overwrites: the source text (copied byte for byte, with --source); document.toml,
every key present (what is known filled in, the splitter's defaults written out, the rest empty for
you to fill); the note's paragraphs and documents row (as `make paragraphs`); coding/ with the three
exclusion files, the number exclusions pre-filled for the numbers that are parts of dates,
document symbols, web addresses and the pinpoints of footnotes (each with its reason: check them);
and a stub citation row for every footnote (its id, footnote, paragraphs and quotes filled in, its
role and work left for you). `make validate` then lists what remains, row by row.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import shutil
import sys
from pathlib import Path

from mandate_notes.completeness import CODED_KINDS, NUMBER_RE, sentences
from mandate_notes.csvio import read_dicts
from mandate_notes.documents import CODING_DIR, METADATA_FILE
from mandate_notes.model import csv_path
from mandate_notes.paragraphs import BACK_MATTER, OPENING_MIN_WORDS, outputs, split_paragraphs
from mandate_notes.paths import DATA_DIR, ROOT, SOURCES_DIR, SUPERSCRIPT_DIGITS
from schemas.definitions import ID_PATTERN

SERIES = "Prioritization and Sequencing of Security Council Mandates"
EXCLUSION_HEADERS = {
    "number_exclusions.csv": ["paragraph_id", "number_as_written", "reason"],
    "name_exclusions.csv": ["name", "reason"],
    "recommendation_cue_exclusions.csv": ["paragraph_id", "sentence_start", "reason"],
}
MONTH = ("January|February|March|April|May|June|July|August|September|October|November|December")
# The contexts in which a number is no figure of the note, each with the reason an exclusion gives.
NOT_FIGURES = [
    (re.compile(r"https?://\S+?(?=[.,;)]?(?:\s|$))"), "part of a web address ({})"),
    (re.compile(r"\b[A-Z]{1,4}(?:/[A-Z0-9.]+)+(?: \([0-9]{4}\))?"), "part of the document symbol {}"),
    (re.compile(rf"\b(?:[0-9]{{1,2}} )?(?:{MONTH})(?: [0-9]{{1,2}},?)?(?: [0-9]{{4}})?\b"), "part of a date ({})"),
    (re.compile(r"\b(?:pp?|paras?|paragraphs?|art|arts)\. ?[0-9]+(?:[–-][0-9]+)?"), "pinpoint ({})"),
    (re.compile(r"\b(?:19|20)[0-9]{2}\b"), "a year ({}), not a figure"),
]


class NewNoteError(Exception):
    """The note cannot be started as asked; the message says why."""


def document_toml(text_file: str, digest: str) -> str:
    """document.toml of a new note: what is known filled in, every other key present and empty."""
    back_matter = BACK_MATTER.replace("'", "\\'")
    return f'''# One document of the dataset (a meeting note). The folder's name is its document_id; everything
# known about the source is written here once, and data/generated/documents.csv is made from it.
# Fill in every empty value from the note itself, then run `make paragraphs`.
kind = "meeting_note"
title = ""                  # as printed on the note
series = "{SERIES}"
publishers = []             # as printed, e.g. ["International Peace Institute", "Stimson Center"]
publication_month = ""      # YYYY-MM, as printed on the note
url = ""                    # the publisher's page of the note (https://...)
copyright = ""              # e.g. "Text of the International Peace Institute; kept here only so that quotations can be verified."
language = "en"             # ISO 639-1
keywords = []               # words for the package's keywords, e.g. the mission's acronym and the host country

[source]
# The archived text, byte-identical to what is coded; the gate checks the hash.
file = "{text_file}"
sha256 = "{digest}"

[workshop]
# What the note itself states about its workshop.
mission = ""                # the mission's code in data/missions.csv (add its row if it is new)
mission_actor_id = ""       # the mission's id in data/actors.csv (add the actor if it is new)
host_country_iso3 = ""      # ISO 3166-1 alpha-3, e.g. SSD
date = ""                   # YYYY-MM-DD
expected_renewal = ""       # as precise as the note says: YYYY, YYYY-MM or YYYY-MM-DD; or leave empty
attribution_rule = ""       # as the note states it, e.g. "Chatham House rule of non-attribution"
paragraph_id = ""           # the paragraph stating the workshop (see data/generated/paragraphs.csv)

# [council]
# Once the resolutions on either side of the workshop are documents of the dataset (CONTRIBUTING.md):
# mandate_in_force = "s-res-NNNN-YYYY"   # adopted before the workshop
# decision = "s-res-NNNN-YYYY"           # the first adopted on the mandate after it

[splitter]
# The paragraph splitter's settings (mandate_notes/paragraphs.py), here at their defaults: the first
# block of at least opening_min_words words opens the note (blocks before it are the cover), and the
# block matching back_matter (a regular expression) starts the publishers' closing pages.
opening_min_words = {OPENING_MIN_WORDS}
back_matter = '{back_matter}'
'''


def number_exclusions(paragraphs: list[dict]) -> list[list[str]]:
    """(paragraph, number, reason) for each number of a coded paragraph that stands inside a date, a
    document symbol, a web address or a footnote's pinpoint; each number once per paragraph (an
    exclusion covers every occurrence of the number in its paragraph).

    >>> text = "On 18 May 2023 the Council (S/RES/2640 (2022)) met; 40 posts."
    >>> footnote = "³ UN, Report, para. 6, https://un.org/x/2023/5."
    >>> for row in number_exclusions([{"paragraph_id": "d-p1", "kind": "body", "text": text},
    ...                               {"paragraph_id": "d-p2", "kind": "footnote", "text": footnote}]):
    ...     print(row)
    ['d-p1', '18', 'part of a date (18 May 2023)']
    ['d-p1', '2023', 'part of a date (18 May 2023)']
    ['d-p1', '2640', 'part of the document symbol S/RES/2640 (2022)']
    ['d-p1', '2022', 'part of the document symbol S/RES/2640 (2022)']
    ['d-p2', '6', 'pinpoint (para. 6)']
    ['d-p2', '2023', 'part of a web address (https://un.org/x/2023/5)']
    ['d-p2', '5', 'part of a web address (https://un.org/x/2023/5)']
    """
    rows = []
    for paragraph in paragraphs:
        if paragraph["kind"] not in CODED_KINDS:
            continue
        text = paragraph["text"]
        if paragraph["kind"] == "footnote":
            text = re.sub(r"^\S+", lambda m: " " * len(m.group(0)), text)  # its own number is its marker
        spans = []
        for pattern, reason in NOT_FIGURES:
            spans += [(m.start(), m.end(), reason.format(m.group(0))) for m in pattern.finditer(text)]
        seen = set()
        for number in NUMBER_RE.finditer(text):
            inside = next((reason for start, end, reason in spans if start <= number.start() and number.end() <= end), None)
            if inside and number.group(0) not in seen:
                seen.add(number.group(0))
                rows.append([paragraph["paragraph_id"], number.group(0), inside])
    return rows


def citation_stubs(document_id: str, paragraphs: list[dict]) -> list[dict]:
    """One citation row per footnote, with what the text gives: its paragraph, the paragraph that
    marks it and the sentence there carrying the marker; role and work are left to the coder."""
    stubs = []
    for footnote in (p for p in paragraphs if p["kind"] == "footnote"):
        number = str(footnote["footnote_number"])
        marker = number.translate(str.maketrans("0123456789", SUPERSCRIPT_DIGITS))
        citing = next((p for p in paragraphs if p["kind"] != "footnote"
                       and number in p["footnote_markers"].split(";")), None)
        sentence = ""
        if citing is not None:
            sentence = next((citing["text"][start:end] for start, end in sentences(citing["text"])
                             if marker in citing["text"][start:end]), "")
        stubs.append({
            "citation_id": f"{document_id}-fn{int(number):02d}-1", "document_id": document_id,
            "footnote_number": number, "position": "1", "paragraph_id": footnote["paragraph_id"],
            "quote": footnote["text"].split(" ", 1)[1] if " " in footnote["text"] else "",
            "citing_paragraph_id": citing["paragraph_id"] if citing else "", "citing_sentence": sentence,
        })
    return stubs


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def append_rows(path: Path, rows: list[dict]) -> None:
    """Rows added at the end of a hand-edited table, in its columns' order, empty where not given."""
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=header, restval="", lineterminator="\n").writerows(rows)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def start(document_id: str, source: Path | None, root: Path = ROOT) -> list[str]:
    """Make the note's folder and its first rows; return what was written, for the message."""
    if not re.fullmatch(ID_PATTERN, document_id):
        raise NewNoteError(f"{document_id!r} is no document id: lower-case letters and digits joined by '-', "
                           "e.g. ipi-2024-unmiss (publishers, year, mission)")
    folder = root / SOURCES_DIR / document_id
    if (folder / METADATA_FILE).exists():
        raise NewNoteError(f"{folder.relative_to(root)}/{METADATA_FILE} exists already: this note is started")
    if source is not None:
        if not source.is_file():
            raise NewNoteError(f"{source}: no such file (the note's plain text)")
        folder.mkdir(parents=True, exist_ok=True)
        text_file = folder / f"{document_id}-meeting-note.txt"
        shutil.copyfile(source, text_file)
    else:
        texts = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if len(texts) != 1:
            raise NewNoteError(f"put the note's plain text in {SOURCES_DIR}/{document_id}/ (one .txt file), or give "
                               f"--source FILE; found {len(texts)}")
        text_file = texts[0]
    digest = hashlib.sha256(text_file.read_bytes()).hexdigest()
    (folder / METADATA_FILE).write_text(document_toml(text_file.name, digest), encoding="utf-8")
    coding = folder / CODING_DIR
    coding.mkdir(exist_ok=True)
    paragraphs = split_paragraphs(text_file.read_text(encoding="utf-8"), document_id)
    written = [text_file, folder / METADATA_FILE]
    for name, header in EXCLUSION_HEADERS.items():
        if not (coding / name).exists():
            _write_csv(coding / name, header, number_exclusions(paragraphs) if name == "number_exclusions.csv" else [])
            written.append(coding / name)
    for path, content in outputs(root).items():  # as `make paragraphs`
        path.write_text(content, encoding="utf-8")
    written += [csv_path(root / DATA_DIR, "documents"), csv_path(root / DATA_DIR, "paragraphs")]
    citations = csv_path(root / DATA_DIR, "citations")
    taken = {row["citation_id"] for row in read_dicts(citations)}
    stubs = [row for row in citation_stubs(document_id, paragraphs) if row["citation_id"] not in taken]
    append_rows(citations, stubs)
    if stubs:
        written.append(citations)
    return [path.relative_to(root).as_posix() for path in written]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("document_id", help="the note's id, e.g. ipi-2024-unmiss (publishers, year, mission)")
    parser.add_argument("--source", type=Path, help="the note's plain text, copied into its folder byte for byte "
                                                    "(default: the one .txt already in sources/DOCUMENT_ID/)")
    args = parser.parse_args(argv)
    try:
        written = start(args.document_id, args.source)
    except NewNoteError as error:
        print(f"make new-note: {error}", file=sys.stderr)
        return 1
    print("wrote " + "\n      ".join(written))
    print(f"next: fill in sources/{args.document_id}/{METADATA_FILE} and `make paragraphs`, code the note in data/*.csv, "
          f"check the pre-filled exclusions in its {CODING_DIR}/ and the stub citations, then `make generate` and "
          "`make validate` (CONTRIBUTING.md, recipe 1, steps 2 to 6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
