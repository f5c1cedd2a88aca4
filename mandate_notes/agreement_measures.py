"""The measures both agreement reports share: Cohen's kappa, percent agreement, the pairing of two
codings' recommendations and statistics, and the first coding as it stood before its revisions.

A leaf of the agreement layer: mandate_notes/agreement.py (the second coding, and the report) and
mandate_notes/blind_agreement.py (the blind coding of a whole note) both import it, and neither
imports the other back.
"""

from __future__ import annotations

from collections import Counter

from mandate_notes.written_numbers import number_or_none

# A document's coding/REVISIONS: changes made to the coding after a second coding was compared and
# adjudicated, each with the value before and after it, the version that made it and why. A
# comparison undoes the revisions made after its own version, so it shows the codings as they were
# compared and decided.
REVISIONS = "revisions.csv"


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa for two raters over the same units; None when chance agreement is total.

    >>> round(cohen_kappa(["a", "a", "b", "b"], ["a", "b", "b", "b"]), 3)
    0.5
    """
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    counts_first, counts_second = Counter(first), Counter(second)
    expected = sum(counts_first[c] * counts_second[c] for c in counts_first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _span(text: str, quote: str) -> tuple[int, int] | None:
    at = text.find(quote)
    return None if at < 0 else (at, at + len(quote))


def match_recommendations(first: list[dict], second: list[dict], text_of: dict) -> list[tuple]:
    """Pair rows of the two coders that quote overlapping text of the same paragraph.

    Pairs are taken greedily by overlap (share of the shorter quote), at least half.
    Returns (first_row | None, second_index | None) for every row of either coder.
    """
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            if a["paragraph_id"] != b["paragraph_id"]:
                continue
            text = text_of[a["paragraph_id"]]
            sa, sb = _span(text, a["quote"]), _span(text, b["quote"])
            if not sa or not sb:
                continue
            overlap = min(sa[1], sb[1]) - max(sa[0], sb[0])
            share = overlap / min(sa[1] - sa[0], sb[1] - sb[0])
            if share >= 0.5:
                # Prefer the pair whose quotes start closest, then the larger overlap.
                candidates.append((-share, abs(sa[0] - sb[0]), i, j))
    used_first, used_second, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates):
        if i in used_first or j in used_second:
            continue
        used_first.add(i)
        used_second.add(j)
        pairs.append((first[i], j))
    pairs += [(row, None) for i, row in enumerate(first) if i not in used_first]
    pairs += [(None, j) for j in range(len(second)) if j not in used_second]
    return pairs


def match_statistics(first: list[dict], second: list[dict], text_of: dict) -> list[tuple]:
    """Pair statistics of the same paragraph with the same value (or overlapping figure as written)."""
    used_second, pairs = set(), []
    for row in first:
        found = None
        for j, other in enumerate(second):
            if j in used_second or other["paragraph_id"] != row["paragraph_id"]:
                continue
            same_value = number_or_none(other["value"]) == number_or_none(row["value"]) and number_or_none(row["value"]) is not None
            if same_value or other["value_as_written"] in row["value_as_written"] or \
                    row["value_as_written"] in other["value_as_written"]:
                found = j
                break
        if found is not None:
            used_second.add(found)
        pairs.append((row, found))
    pairs += [(None, j) for j in range(len(second)) if j not in used_second]
    return pairs


def undo_rows(rows: list[dict], table: str, key, revised: list[dict]) -> list[dict]:
    """Rows as they stood before the revisions (key(row) names a row's unit): a field back to its
    value before, an added unit left out."""
    rows = [dict(row) for row in rows]
    for revision in reversed(revised):
        if revision["table"] != table:
            continue
        if revision["field"] == "unit":
            if revision["before"]:
                raise ValueError(f"{REVISIONS}: a removed {table} row cannot be restored from its record: {revision['unit']}")
            rows = [row for row in rows if key(row) != revision["unit"]]
        else:
            for row in rows:
                if key(row) == revision["unit"]:
                    row[revision["field"]] = revision["before"]
    return rows


def percent(agree: int, total: int) -> str:
    return f"{100 * agree / total:.1f}%" if total else "n/a"
