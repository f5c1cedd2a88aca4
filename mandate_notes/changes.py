"""Mandate evolution: each operative paragraph of a mission's resolution aligned with its counterpart in
the mission's previous mandate (data/generated/paragraph_changes.csv).

The previous mandate of a resolution is the latest earlier resolution of the same mission that is not
a technical extension (a technical extension keeps the mandate before it by reference, so the next
renewal is compared with that mandate). A mission's first resolution in the dataset has no previous
mandate here (the one before it predates 2020 and has no text in the dataset).

Alignment, for one resolution and its previous mandate:

1. Texts are compared normalised: whitespace collapsed; a separator and a conjunction ending the text
   ("; and", ";", ".") dropped; numbers in references to the resolution's own paragraphs ("paragraph 34
   above", "paragraphs 12 (a) and 13") replaced by "#", since a renumbering moves them though no word
   changes (a reference to another resolution's paragraph, "paragraph 1 of resolution 2368", is kept).
2. Every paragraph whose normalised text equals a paragraph of the previous mandate is `unchanged`
   (similarity 1), paired in reading order; a second copy of the same text pairs with the same paragraph.
3. The others are paired by similarity: the share of words the two texts have in common in the same
   order (Ratcliff/Obershelp over word tokens, lower case, as Python's difflib computes it: twice the
   matched words over the words of both). Pairs are taken greedily, most similar first (then nearest in
   reading order), each paragraph at most once; a pair of similarity THRESHOLD or more is `amended`.
   Only the CANDIDATES old paragraphs sharing most words with a paragraph (Dice over word sets, at
   least PREFILTER) are compared with it.
4. A paragraph left without a counterpart is `new`; a paragraph of the previous mandate left without
   one is `dropped`, or `kept_by_reference` when the resolution keeps the previous mandate by
   reference (a technical extension, or a resolution whose text extends the mandate "as set out in"
   the previous mandate's resolution).

Every `amended` pair whose similarity is below THRESHOLD + REVIEW_BAND is reviewed by a coder, whose
decision and reason are in the resolution's coding/alignment_review.csv: `amended` (the same provision,
reworded) or `separate` (different provisions: the paragraph is `new` and its counterpart `dropped`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from mandate_notes.csvio import Problem, read_dicts
from mandate_notes.documents import RESOLUTION, coding_rows, discover, iso_date
from mandate_notes.downloads import published_number
from mandate_notes.paths import ROOT

THRESHOLD = 0.5
REVIEW_BAND = 0.1
PREFILTER = 0.3
CANDIDATES = 4
REVIEW_FILE = "alignment_review.csv"
REVIEW_COLUMNS = ["paragraph_id", "previous_paragraph_id", "similarity", "decision", "reason"]
DECISIONS = ("amended", "separate")

SEPARATORS = " ;,.:"
CONJUNCTIONS = (" and", " or")
OWN_REFERENCE = re.compile(
    r"\b(paragraphs?)\s+(\d+(?:\s*\([a-z]+\))*(?:(?:\s*,\s*|\s+and\s+|\s+to\s+|\s*-\s*)\d+(?:\s*\([a-z]+\))*)*)"
    r"(?!\s+of\s+(?:its\s+)?resolution)")
DIGITS = re.compile(r"\d+")
WORD = re.compile(r"\w+")


def normalised(text: str) -> str:
    """A paragraph's text as alignment compares it.

    >>> normalised("Requests  the Secretary-General, as in paragraph 34 (a) above, to report; and")
    'Requests the Secretary-General, as in paragraph # (a) above, to report'
    >>> normalised("Recalls paragraph 1 of resolution 2368 (2017);")
    'Recalls paragraph 1 of resolution 2368 (2017)'
    """
    text = " ".join(text.split())
    if "paragraph" in text:
        text = OWN_REFERENCE.sub(lambda match: f"{match.group(1)} {DIGITS.sub('#', match.group(2))}", text)
    text = text.rstrip(SEPARATORS)
    for conjunction in CONJUNCTIONS:
        text = text.removesuffix(conjunction)
    return text.rstrip(SEPARATORS)


def words(text: str) -> list[str]:
    return WORD.findall(normalised(text).lower())


def similarity(first: list[str], second: list[str]) -> float:
    """Twice the words matched in order over the words of both (1 for equal texts).

    >>> round(similarity("to protect civilians in the north".split(), "to protect civilians".split()), 3)
    0.667
    """
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


@dataclass
class Mandate:
    """One resolution of a mission, with what alignment needs of it."""

    document_id: str
    mission: str
    adopted: str
    technical: bool
    keeps: str
    paragraphs: list[dict]


def mandates(root: Path, paragraph_rows: list[dict]) -> list[Mandate]:
    """Every resolution, with its operative paragraphs in reading order, by mission and adoption date."""
    operative: dict[str, list[dict]] = {}
    for row in paragraph_rows:
        if row["kind"] == "operative":
            operative.setdefault(row["document_id"], []).append(row)
    found = [Mandate(document.document_id, document.meta["mission"], iso_date(document.adoption["adoption_date"]),
                     bool(document.mandate.get("technical_extension")), document.mandate.get("keeps_mandate_of", ""),
                     operative.get(document.document_id, []))
             for document in discover(root, RESOLUTION)]
    return sorted(found, key=lambda mandate: (mandate.mission, mandate.adopted, mandate.document_id))


def previous_mandates(found: list[Mandate]) -> list[tuple[Mandate, Mandate]]:
    """(resolution, its previous mandate) for every resolution that has one in the dataset: the latest
    earlier resolution of its mission that is not a technical extension."""
    pairs, last_full = [], {}
    for mandate in found:
        previous = last_full.get(mandate.mission)
        if previous is not None:
            pairs.append((mandate, previous))
        if not mandate.technical:
            last_full[mandate.mission] = mandate
    return pairs


def review_decisions(root: Path) -> dict[tuple[str, str], dict]:
    """Every review decision, by (paragraph, previous paragraph); each row knows its file and line."""
    return {(row["paragraph_id"], row["previous_paragraph_id"]): row for row in coding_rows(root, REVIEW_FILE)}


def align(new: list[dict], old: list[dict]) -> tuple[list[tuple[int, int | None, float]], set[int]]:
    """(new index, old index or None, similarity) for each new paragraph, and the old indexes paired."""
    new_text = [normalised(row["text"]) for row in new]
    old_text = [normalised(row["text"]) for row in old]
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    first_with: dict[str, list[int]] = {}
    for j, text in enumerate(old_text):
        first_with.setdefault(text, []).append(j)
    for i, text in enumerate(new_text):
        same = first_with.get(text, [])
        free = [j for j in same if j not in used]
        if same:
            pairs[i] = (free[0] if free else same[0], 1.0)
            used.add(pairs[i][0])
    new_words = {i: WORD.findall(new_text[i].lower()) for i in range(len(new)) if i not in pairs}
    old_words = {j: WORD.findall(old_text[j].lower()) for j in range(len(old)) if j not in used}
    old_sets = {j: set(tokens) for j, tokens in old_words.items()}
    candidates = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for i, tokens in new_words.items():
        token_set = set(tokens)
        nearest = sorted(((2 * len(token_set & old_sets[j]) / ((len(token_set) + len(old_sets[j])) or 1), j)
                          for j in old_words), reverse=True)[:CANDIDATES]
        matcher.set_seq2(tokens)
        for dice, j in nearest:
            if dice < PREFILTER:
                break
            matcher.set_seq1(old_words[j])
            # quick_ratio bounds ratio from above: a pair it puts below the threshold cannot reach it.
            if matcher.real_quick_ratio() < THRESHOLD or matcher.quick_ratio() < THRESHOLD:
                continue
            score = matcher.ratio()
            if score >= THRESHOLD:
                distance = abs(i / max(len(new), 1) - j / max(len(old), 1))
                candidates.append((-score, distance, i, j))
    for score, _, i, j in sorted(candidates):
        if i in pairs or j in used:
            continue
        pairs[i] = (j, -score)
        used.add(j)
    return [(i, *pairs.get(i, (None, 0.0))) for i in range(len(new))], used


def change_rows(root: Path, paragraph_rows: list[dict]) -> list[dict]:
    """The rows of the paragraph_changes table, with each review decision applied."""
    decisions = review_decisions(root)
    rows = []
    for mandate, previous in previous_mandates(mandates(root, paragraph_rows)):
        aligned, paired = align(mandate.paragraphs, previous.paragraphs)
        keeps = mandate.technical or mandate.keeps == previous.document_id
        found = []
        for i, j, score in aligned:
            row, counterpart = mandate.paragraphs[i], previous.paragraphs[j] if j is not None else None
            decision = decisions.get((row["paragraph_id"], counterpart["paragraph_id"])) if counterpart else None
            change = "new" if counterpart is None else "unchanged" if score == 1.0 else "amended"
            if decision and decision["decision"] == "separate":
                found.append((row["paragraph_id"], "", "new", None, decision["reason"]))
                found.append(("", counterpart["paragraph_id"], "kept_by_reference" if keeps else "dropped", None, ""))
                continue
            found.append((row["paragraph_id"], counterpart["paragraph_id"] if counterpart else "", change,
                          round(score, 3) if counterpart else None, decision["reason"] if decision else ""))
        for j, row in enumerate(previous.paragraphs):
            if j not in paired:
                found.append(("", row["paragraph_id"], "kept_by_reference" if keeps else "dropped", None, ""))
        for sequence, (paragraph_id, previous_id, change, score, reason) in enumerate(found, start=1):
            rows.append({"change_id": f"{mandate.document_id}-c{sequence:03d}", "document_id": mandate.document_id,
                         "previous_document_id": previous.document_id, "paragraph_id": paragraph_id,
                         "previous_paragraph_id": previous_id, "change": change,
                         "similarity": "" if score is None else published_number(score),
                         "reviewed": "true" if reason else "false", "review_reason": reason})
    return sorted(rows, key=lambda row: row["change_id"])


def needs_review(row: dict) -> bool:
    return row["change"] == "amended" and float(row["similarity"]) < THRESHOLD + REVIEW_BAND


def review_problems(root: Path, paragraph_rows: list[dict], rows: list[dict]) -> list[Problem]:
    """Every amended pair near the threshold has a decision with a reason; every decision is about a
    pair alignment proposes; no pair of identical texts is classed other than unchanged."""
    problems = []
    decisions = review_decisions(root)
    text = {row["paragraph_id"]: normalised(row["text"]) for row in paragraph_rows}
    texts_of: dict[str, set[str]] = {}
    for row in paragraph_rows:
        if row["kind"] == "operative":
            texts_of.setdefault(row["document_id"], set()).add(text[row["paragraph_id"]])
    proposed = set()
    for row in rows:
        if row["change"] == "new" and text[row["paragraph_id"]] in texts_of.get(row["previous_document_id"], ()):
            problems.append(Problem("data/generated/paragraph_changes.csv", 0, "change",
                                    "a paragraph whose text the previous mandate holds is not new", row["change_id"]))
        pair = (row["paragraph_id"], row["previous_paragraph_id"])
        if row["change"] == "amended" or row["reviewed"] == "true" and row["paragraph_id"]:
            proposed.add(pair)
        if row["change"] == "amended" and needs_review(row) and pair not in decisions:
            problems.append(Problem(f"sources/{row['document_id']}/coding/{REVIEW_FILE}", 0, "paragraph_id",
                                    f"amended pair of similarity {row['similarity']} not reviewed", " ".join(pair)))
        if all(pair) and row["change"] != "unchanged" and text[pair[0]] == text[pair[1]]:
            problems.append(Problem("data/generated/paragraph_changes.csv", 0, "change",
                                    "identical texts classed other than unchanged", row["change_id"]))
    separated = {(row["paragraph_id"], "") for row in rows if row["reviewed"] == "true" and row["change"] == "new"}
    for pair, decision in decisions.items():
        where = (decision["_file"], decision["_line"])
        if decision["decision"] not in DECISIONS:
            problems.append(Problem(*where, "decision", f"one of {', '.join(DECISIONS)} expected", decision["decision"]))
        if not decision["reason"].strip():
            problems.append(Problem(*where, "reason", "a decision needs its reason", ""))
        if pair not in proposed and (pair[0], "") not in separated:
            problems.append(Problem(*where, "paragraph_id", "a decision on a pair alignment does not propose",
                                    " ".join(pair)))
    return problems


def gate_problems(root: Path = ROOT) -> list[Problem]:
    """review_problems over the package's paragraphs and paragraph_changes as published."""
    from mandate_notes.model import csv_path
    from mandate_notes.paths import DATA_DIR

    if not (root / "sources").is_dir():
        return []
    data = root / DATA_DIR
    return review_problems(root, read_dicts(csv_path(data, "paragraphs")), read_dicts(csv_path(data, "paragraph_changes")))
