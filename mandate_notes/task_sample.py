"""The sample of operative paragraphs coded a second time, blind: a stratified random draw from the
paragraphs whose mandate tasks were coded on their own text (not inherited), in the resolutions that
hold no second coding yet; every mission represented, at least SHARE of each mission's paragraphs.

The draw is seeded, so the same data give the same sample. The units file gives a second coder what
the first had (the paragraph, its number and section, the paragraph that introduces it), never a code.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from pathlib import Path

from mandate_notes.csvio import read_dicts
from mandate_notes.documents import RESOLUTION, discover
from mandate_notes.model import csv_path
from mandate_notes.paths import DATA_DIR, ROOT

SHARE = 0.15
SEED = 2026
SECOND_CODER = "second_coder"
UNIT_COLUMNS = ["paragraph_id", "document_id", "mission", "number", "section", "parent_text", "text"]


def parent_text(row: dict, before: list[dict]) -> str:
    """The text of the paragraph that introduces row: the nearest one before it numbered as row's parent
    (for a heading inside a list, the item numbered as itself)."""
    parts = row["number"].split(" ")
    wanted = row["number"] if not row["eid"] else " ".join(parts[:-1])
    if not wanted:
        return ""
    return next((other["text"] for other in reversed(before) if other["number"] == wanted), "")


def units(root: Path = ROOT, share: float = SHARE, seed: int = SEED) -> list[dict]:
    """The sample, in paragraph order: per mission, ceil(share × the mission's newly coded paragraphs)."""
    documents = {d.document_id: d for d in discover(root, RESOLUTION) if not (d.coding / SECOND_CODER).is_dir()}
    own = {row["paragraph_id"] for row in read_dicts(csv_path(root / DATA_DIR, "paragraph_tasks"))
           if not row["inherited_from"]}
    paragraphs = [row for row in read_dicts(csv_path(root / DATA_DIR, "paragraphs")) if row["document_id"] in documents]
    by_document: dict[str, list[dict]] = {}
    for row in paragraphs:
        by_document.setdefault(row["document_id"], []).append(row)
    candidates: dict[str, list[dict]] = {}
    for document_id, rows in by_document.items():
        mission = documents[document_id].meta["mission"]
        for index, row in enumerate(rows):
            if row["kind"] == "operative" and row["paragraph_id"] in own:
                candidates.setdefault(mission, []).append(
                    {**{key: row[key] for key in ("paragraph_id", "document_id", "number", "section", "text")},
                     "mission": mission, "parent_text": parent_text(row, rows[:index])})
    drawn = []
    generator = random.Random(seed)
    for mission in sorted(candidates):
        pool = sorted(candidates[mission], key=lambda unit: unit["paragraph_id"])
        drawn += generator.sample(pool, math.ceil(share * len(pool)))
    return sorted(drawn, key=lambda unit: unit["paragraph_id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="the units file to write (CSV)")
    parser.add_argument("--share", type=float, default=SHARE, help=f"share of each mission's paragraphs (default {SHARE})")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the draw (default {SEED})")
    args = parser.parse_args(argv)
    sample = units(ROOT, args.share, args.seed)
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=UNIT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sample)
    counts: dict[str, int] = {}
    for unit in sample:
        counts[unit["mission"]] = counts.get(unit["mission"], 0) + 1
    print(f"wrote {len(sample)} units to {args.output}: " + ", ".join(f"{m} {n}" for m, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
