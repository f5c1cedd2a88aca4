"""What the coding must cover: every number, capitalised name, recommendation cue and normative statement is
coded or excluded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mandate_notes.csvio import Problem, read_dicts
from mandate_notes.documents import coding_rows, discover
from mandate_notes.model import csv_path, table_file
from mandate_notes.paths import DATA_DIR, ROOT, SUPERSCRIPT_DIGITS

CODED_KINDS = ("body", "bullet", "footnote")

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion first second third fourth fifth sixth seventh "
    "eighth ninth tenth half halves quarter quarters third thirds dozen twice double triple"
).split()
_WORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
# Digits (with separators and ordinal suffixes) or number words, hyphenated compounds kept whole.
NUMBER_RE = re.compile(
    rf"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|\b{_WORD}(?:-{_WORD})*\b", re.IGNORECASE
)

# A capitalised word, and the lower-case words that may join capitalised words into one name.
_CAP = r"[A-Z][\w'’.-]*"
_JOIN = r"(?:of|the|for|and|in|on|de|des|du|la|le|les|sur|aux|au|à|wa|al|ul|et)"
NAME_RE = re.compile(rf"{_CAP}(?:\s+(?:{_JOIN}\s+)*{_CAP})+")
ACRONYM_RE = re.compile(r"\b[A-Z][A-Z]+s?\b")
# Capitalised only because they open a sentence: never the first word of a name.
SENTENCE_OPENERS = set(
    "The In As At On For While However This These That Regarding Despite Toward From By With A An "
    "To Over Most Many Some Several One Another Other Participants They It Its Ten See Similarly "
    "Movement Implementing Incidents Community Points Therefore Ultimately".split()
)

CUE_RE = re.compile(
    r"recommend|call(?:s|ed)? (?:on|for)|urg(?:e|ed|es|ing)\b|suggest|encourag|\bshould\b|"
    r"\bneeds? to\b|\bneed for\b|requir",
    re.IGNORECASE,
)
# Normative and evaluative statements that carry no cue word: words of priority, necessity or
# judgement, and what participants agreed. Each hit is coded or excluded like a cue.
NORMATIVE_RE = re.compile(
    r"\bpriorit|\bcritical\b|\bessential\b|\binadvisable\b|off the table|not an option|\bmust\b|"
    r"\bwill (?:need|have) to\b|\bwill require\b|\bimperative\b|\bcrucial\b|\bvital\b|\bnecessary\b|"
    r"\bimportan(?:t|ce)\b|\bkey\b|\bno (?:viable )?alternative\b|\bmore than ever\b|\bagreed\b|"
    r"\bagreement that\b|\binsist|\bunacceptabl[ey]\b|\bcannot afford\b|\b(?:discussed|considered) how\b",
    re.IGNORECASE,
)
SENTENCE_END_RE = re.compile(rf"([.!?][”\"’'{SUPERSCRIPT_DIGITS}]*)\s+(?=[A-Z“\"])")


@dataclass(frozen=True)
class Miss:
    """Something in a source the coding neither covers nor excludes; or an exclusion or a row
    (file, line) that covers nothing."""

    paragraph_id: str
    what: str
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.paragraph_id}: {self.what}"


UNCOVERED = "not coded (code it, or list it with a reason in the document's coding/ exclusions)"
STALE = "exclusion that points at no text of its paragraph, or gives no reason"


def coded_paragraphs(root: Path = ROOT) -> list[dict]:
    """The paragraphs coding must cover, of the documents that have a folder under sources/."""
    documents = {document.document_id for document in discover(root)}
    return [row for row in read_dicts(csv_path(root / DATA_DIR, "paragraphs"))
            if row["kind"] in CODED_KINDS and row["document_id"] in documents]


def _blank(text: str, phrases: list[str]) -> str:
    """Text with every occurrence of the phrases (longest first) replaced by spaces."""
    for phrase in sorted({p for p in phrases if p}, key=len, reverse=True):
        text = text.replace(phrase, " " * len(phrase))
    return text


def uncovered_numbers(root: Path = ROOT) -> list[Miss]:
    """Numbers in coded paragraphs that are neither part of a statistic nor an excluded occurrence.

    A footnote's own leading number is its marker, not a number of the text.
    """
    covering: dict[str, list[str]] = {}
    for row in read_dicts(csv_path(root / DATA_DIR, "statistics")):
        covering.setdefault(row["paragraph_id"], []).append(row["value_as_written"])
    for row in coding_rows(root, "number_exclusions.csv"):
        covering.setdefault(row["paragraph_id"], []).append(row["number_as_written"])
    misses = []
    for paragraph in coded_paragraphs(root):
        text = paragraph["text"]
        if paragraph["kind"] == "footnote":
            text = re.sub(r"^\S+", "", text)
        remaining = _blank(text, covering.get(paragraph["paragraph_id"], []))
        for match in NUMBER_RE.finditer(remaining):
            misses.append(Miss(paragraph["paragraph_id"], f"number {match.group(0)!r}"))
    return misses


def name_candidates(text: str) -> list[str]:
    """Multi-word capitalised names and acronyms, sentence openers dropped; a word that ends a
    sentence ends the name ("Sudan. Participants" is two sentences, not one name).

    >>> name_candidates("The mission left South Sudan. Participants met the U.N. Security Council.")
    ['South Sudan', 'U.N. Security Council']
    """
    found = []
    for match in NAME_RE.finditer(text):
        for words in _sentence_parts(match.group(0).split()):
            while words and words[0] in SENTENCE_OPENERS:
                words = words[1:]
            capitals = [w for w in words if w[0].isupper()]
            if len(capitals) >= 2:
                found.append(" ".join(words))
    found += [m.group(0) for m in ACRONYM_RE.finditer(text)]
    return found


def _sentence_parts(words: list[str]) -> list[list[str]]:
    """Words cut after each one that ends a sentence: a full stop after a word of two or more
    letters that is no abbreviation (U.N., St.)."""
    parts, current = [], []
    for word in words:
        current.append(word)
        stem = word.rstrip(".")
        if word.endswith(".") and len(stem) > 2 and "." not in stem:
            parts.append([w.rstrip(".") if w is word else w for w in current])
            current = []
    return parts + ([current] if current else [])


def uncovered_names(root: Path = ROOT) -> list[Miss]:
    """Capitalised names in coded paragraphs that are neither an alias of an actor in that note, the
    title of a work the note cites, nor excluded in the note's own coding/name_exclusions.csv: each
    note is read with its own names only, so an alias deleted from one note is missed there even
    when another note has the same alias."""
    known: dict[str, list[str]] = {}
    for row in read_dicts(csv_path(root / DATA_DIR, "actor_aliases")):
        known.setdefault(row["document_id"], []).append(row["alias"])
    for row in coding_rows(root, "name_exclusions.csv"):
        known.setdefault(row["_document"], []).append(row["name"])
    works = {work["work_id"]: work for work in read_dicts(csv_path(root / DATA_DIR, "works"))}
    for citation in read_dicts(csv_path(root / DATA_DIR, "citations")):
        work = works.get(citation["work_id"])
        if work is not None:
            known.setdefault(citation["document_id"], []).extend([work["title"], work["container_title"]])
    misses = []
    for paragraph in coded_paragraphs(root):
        remaining = _blank(paragraph["text"].replace("*", ""), known.get(paragraph["document_id"], []))
        for name in name_candidates(remaining):
            misses.append(Miss(paragraph["paragraph_id"], f"name {name!r}"))
    return misses


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph."""
    spans, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        spans.append((start, match.end(1)))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def uncoded_cues(root: Path = ROOT) -> list[Miss]:
    """Sentences with a recommendation cue, or a normative or evaluative statement, that overlap no
    recommendation quote and are not excluded; opening bullets without a recommendation."""
    quotes: dict[str, list[str]] = {}
    bullets_coded = set()
    for row in read_dicts(csv_path(root / DATA_DIR, "recommendations")):
        quotes.setdefault(row["paragraph_id"], []).append(row["quote"])
        if row["is_opening_bullet"] == "true":
            bullets_coded.add(row["paragraph_id"])
    excluded: dict[str, list[str]] = {}
    for row in coding_rows(root, "recommendation_cue_exclusions.csv"):
        excluded.setdefault(row["paragraph_id"], []).append(row["sentence_start"])
    misses = []
    for paragraph in coded_paragraphs(root):
        pid, text = paragraph["paragraph_id"], paragraph["text"]
        if paragraph["kind"] == "bullet":
            if pid not in bullets_coded:
                misses.append(Miss(pid, "opening bullet without a recommendation"))
            continue
        quote_spans = []
        for quote in quotes.get(pid, []):
            at = text.find(quote)
            if at >= 0:
                quote_spans.append((at, at + len(quote)))
        for start, end in sentences(text):
            sentence = text[start:end]
            kind = "cue" if CUE_RE.search(sentence) else "normative" if NORMATIVE_RE.search(sentence) else None
            if kind is None:
                continue
            if any(q_start < end and start < q_end for q_start, q_end in quote_spans):
                continue
            if any(sentence.startswith(prefix) for prefix in excluded.get(pid, [])):
                continue
            misses.append(Miss(pid, f"{kind} sentence {sentence[:60]!r}"))
    return misses


def stale_exclusions(root: Path = ROOT) -> list[Miss]:
    """Exclusions must each point at text that is really there and give a reason."""
    paragraphs = read_dicts(csv_path(root / DATA_DIR, "paragraphs"))
    text_of = {row["paragraph_id"]: row["text"] for row in paragraphs}
    texts_of: dict[str, list[str]] = {}
    for row in paragraphs:
        texts_of.setdefault(row["document_id"], []).append(row["text"])
    # Joined once per document (adding each paragraph to the text so far copied it again each time).
    document_text = {document_id: "\n" + "\n".join(texts) for document_id, texts in texts_of.items()}
    misses = []
    for row in coding_rows(root, "number_exclusions.csv"):
        if row["number_as_written"] not in text_of.get(row["paragraph_id"], "") or not row["reason"]:
            misses.append(Miss(row["paragraph_id"], f"number exclusion {row['number_as_written']!r}",
                               row["_file"], row["_line"]))
    for row in coding_rows(root, "name_exclusions.csv"):
        if row["name"] not in document_text.get(row["_document"], "") or not row["reason"]:
            misses.append(Miss("-", f"name exclusion {row['name']!r}", row["_file"], row["_line"]))
    for row in coding_rows(root, "recommendation_cue_exclusions.csv"):
        text = text_of.get(row["paragraph_id"], "")
        if not row["sentence_start"] or row["sentence_start"] not in text or not row["reason"]:
            misses.append(Miss(row["paragraph_id"], f"cue exclusion {row['sentence_start']!r}",
                               row["_file"], row["_line"]))
    return misses


def uncited_footnotes(root: Path = ROOT) -> list[Miss]:
    """Footnotes of the sources without a citation row."""
    cited = {(r["document_id"], r["footnote_number"]) for r in read_dicts(csv_path(root / DATA_DIR, "citations"))}
    return [Miss(row["paragraph_id"], f"footnote {row['footnote_number']} without a citation")
            for row in coded_paragraphs(root)
            if row["kind"] == "footnote" and (row["document_id"], row["footnote_number"]) not in cited]


def coverage_problems(root: Path = ROOT) -> list[Problem]:
    """Every miss of the checks above as a Problem: FILE:LINE: column: rule: value. A miss in a
    paragraph is placed on that paragraph's line of the paragraphs table."""
    paragraph_file = table_file("paragraphs")
    line_of = {row["paragraph_id"]: line
               for line, row in enumerate(read_dicts(csv_path(root / DATA_DIR, "paragraphs")), start=2)}
    problems = []
    for check in (uncovered_numbers, uncovered_names, uncoded_cues, uncited_footnotes):
        for miss in check(root):
            problems.append(Problem(paragraph_file, line_of.get(miss.paragraph_id, 0), "text", UNCOVERED,
                                    f"{miss.paragraph_id}: {miss.what}"))
    for miss in stale_exclusions(root):
        problems.append(Problem(miss.file, miss.line, "-", STALE, miss.what))
    return problems
