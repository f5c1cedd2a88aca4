"""Inter-coder agreement between the published coding and the independent second coding.

Writes docs/generated/agreement.md (percent agreement and Cohen's kappa per field, before and after
adjudication) over every document whose folder holds a second coding (sources/<document>/coding/
second_coder/), and checks that every disagreement is decided in that folder's coding/adjudication.csv
and every decision applied to data/. --check writes nothing and exits 1 on a stale report or a gap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mandate_notes import blind_agreement
from mandate_notes.agreement_measures import (REVISIONS, cohen_kappa, match_recommendations, match_statistics,
                                              percent, undo_rows)
from mandate_notes.csvio import read_dicts
from mandate_notes.written_numbers import number_or_none
from mandate_notes.documents import discover
from mandate_notes.model import csv_path
from mandate_notes.paths import AGREEMENT as REPORT
from mandate_notes.paths import DATA_DIR, ROOT

SECOND_CODER = "second_coder"
ADJUDICATION = "adjudication.csv"
# The blind coding of the Council's side by the 1.2 linking and outcome rules, and its adjudication.
BLIND_LINKS = "blind_links_coder"
BLIND_LINKS_ADJUDICATION = "blind_links_adjudication.csv"
# The version in which each second coding was compared with the first.
COMPARED_IN = {SECOND_CODER: "1.1.0", "blind_coder": "1.1.0", BLIND_LINKS: "1.2.0"}

# The Council's side: each unit's coding is a set (of paragraph=code pairs, or of task codes),
# written as one sorted '; '-joined value so that a decision records it whole.
# (table, unit column, the item a row adds to its unit's set, field name)
SET_CODINGS = [
    ("mandate_links", "recommendation_id", lambda row: f"{row['paragraph_id'] or '-'}={row['relation']}", "links"),
    ("recommendation_outcomes", "recommendation_id", lambda row: f"{row['paragraph_id'] or '-'}={row['outcome']}",
     "answers"),
    ("recommendation_tasks", "recommendation_id", lambda row: row["task"], "tasks"),
    ("paragraph_tasks", "paragraph_id", lambda row: row["task"], "tasks"),
]
SEPARATOR = "; "

RECOMMENDATION_FIELDS = ["support_level", "addressee_actor_id", "theme", "addressee_is_inferred", "priority_signal"]
STATISTIC_FIELDS = ["value", "unit", "comparator", "reference_period", "producer_actor_id"]



def normalise(field: str, value: str) -> str:
    if field == "value" and number_or_none(value) is not None:
        return repr(float(value))
    return value


def compare(table: str, id_column: str, pairs: list[tuple], second: list[dict], fields: list[str]):
    """Per-field agreement over matched units, and every disagreement (fields and unmatched units)."""
    stats, disagreements = {}, []
    matched = [(a, second[j], j) for a, j in pairs if a is not None and j is not None]
    for field in fields:
        first_values = [normalise(field, a[field]) for a, _, _ in matched]
        second_values = [normalise(field, b[field]) for _, b, _ in matched]
        agree = sum(x == y for x, y in zip(first_values, second_values))
        stats[field] = (agree, len(matched), cohen_kappa(first_values, second_values))
        for (a, b, j), x, y in zip(matched, first_values, second_values):
            if x != y:
                disagreements.append({"table": table, "first_id": a[id_column], "second_row": str(j + 2),
                                      "field": field, "first_value": a[field], "second_value": b[field]})
    for a, j in pairs:
        if a is None:
            row = second[j]
            disagreements.append({"table": table, "first_id": "", "second_row": str(j + 2), "field": "unit",
                                  "first_value": "", "second_value": row["quote"]})
        elif j is None:
            disagreements.append({"table": table, "first_id": a[id_column], "second_row": "", "field": "unit",
                                  "first_value": a["quote"], "second_value": ""})
    units = (len(matched), sum(a is not None and j is None for a, j in pairs),
             sum(a is None for a, j in pairs))
    return stats, units, disagreements


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def revisions(document, coder: str | None = None) -> list[dict]:
    """The document's revisions, or those made after the version in which `coder`'s coding was compared."""
    record = document.coding / REVISIONS
    rows = read_dicts(record) if record.is_file() else []
    if coder is None:
        return rows
    return [row for row in rows if _version(row["version"]) > _version(COMPARED_IN[coder])]


def undo_sets(values: dict[str, str], table: str, field: str, revised: list[dict]) -> dict[str, str]:
    """Units' sets as they stood before the revisions (latest undone first)."""
    values = dict(values)
    for row in reversed(revised):
        if (row["table"], row["field"]) == (table, field):
            values[row["unit"]] = row["before"]
    return {unit: value for unit, value in values.items() if value}



def set_values(tables: dict[str, list[dict]]) -> dict:
    """(table, unit) → {field: the unit's set of links, answers or tasks}, for every unit of every
    document (made once, not once per document)."""
    found: dict = {}
    for table, unit, item, field in SET_CODINGS:
        for key, value in unit_values(tables[table], unit, item, {row[unit] for row in tables[table]}).items():
            found.setdefault((table, key), {})[field] = value
    return found


def current_values(tables: dict[str, list[dict]], document_id: str, sets: dict | None = None) -> dict:
    """(table, unit) → the unit's values by field, for every unit a revision may name: rows of
    recommendations and statistics, bullet links ('bullet|body'), and each unit's set of links,
    answers or tasks (sets: set_values(tables), where already made)."""
    current = {}
    for table, id_column in (("recommendations", "recommendation_id"), ("statistics", "statistic_id")):
        current.update({(table, row[id_column]): row for row in tables[table] if row["document_id"] == document_id})
    for row in tables["recommendation_links"]:
        current[("recommendation_links", f"{row['bullet_recommendation_id']}|{row['body_recommendation_id']}")] = {}
    current.update(set_values(tables) if sets is None else sets)
    return current


def revision_problems(revised: list[dict], current: dict) -> list[str]:
    """Every revision gives its reason and a version, and its value after is the data's value now
    (for a unit: whether the unit exists); current maps (table, unit) to the unit's values by field."""
    problems = []
    for row in revised:
        key = (row["table"], row["unit"], row["field"])
        if not row["reason"] or not row["version"]:
            problems.append(f"revision without a reason or version: {key}")
        values = current.get((row["table"], row["unit"]))
        now = ("added" if values is not None else "") if row["field"] == "unit" else (values or {}).get(row["field"], "")
        later = [r for r in revised if (r["table"], r["unit"], r["field"]) == key]
        if later[-1] is row and now != row["after"]:
            problems.append(f"revision not what the data hold: {key} is {now!r}, the record says {row['after']!r}")
    return problems


def _key(row: dict) -> tuple:
    return (row["table"], row["first_id"], row["second_row"], row["field"])


def first_coding(table: str, id_column: str, published: list[dict], decisions: list[dict]) -> list[dict]:
    """The first coder's codes before adjudication: published rows with each adjudicated field reverted."""
    original = {(d["first_id"], d["field"]): d["first_value"] for d in decisions
                if d["table"] == table and d["field"] != "unit"}
    return [{**row, **{field: value for (rid, field), value in original.items() if rid == row[id_column]}}
            for row in published]


def later_decisions(document) -> list[dict]:
    """The blind coding's decisions on fields, in the form of this round's decisions."""
    record = document.coding / blind_agreement.BLIND_ADJUDICATION
    if not record.is_file():
        return []
    return [{"table": d["table"], "first_id": d["unit"], "field": d["field"], "first_value": d["first_value"]}
            for d in read_dicts(record) if d["field"] != "unit" and d["decision"] != "first"]


def adjudication_problems(disagreements: list[dict], decisions: list[dict], published: dict) -> list[str]:
    """Every disagreement has a decision recorded with both coders' values; every decision is applied."""
    problems = []
    recorded = {_key(d): d for d in decisions}
    for row in disagreements:
        decision = recorded.get(_key(row))
        if decision is None:
            problems.append(f"not adjudicated: {row}")
        elif (decision["first_value"], decision["second_value"]) != (row["first_value"], row["second_value"]):
            problems.append(f"adjudication records other values than the codings hold: {_key(row)}")
    keys = {_key(row) for row in disagreements}
    for decision in decisions:
        if _key(decision) not in keys:
            problems.append(f"adjudication of a disagreement that no longer exists: {_key(decision)}")
        if not decision["reason"]:
            problems.append(f"adjudication without a reason: {_key(decision)}")
        if decision["field"] == "unit":
            continue
        current = published.get((decision["table"], decision["first_id"]), {}).get(decision["field"])
        if current != decision["final_value"]:
            problems.append(f"decision not applied to the published data: {_key(decision)} is {current!r}")
    return problems


def unit_values(rows: list[dict], unit: str, item, units: set[str]) -> dict[str, str]:
    """Each unit's set of items, sorted and joined; only units of the document compared."""
    sets: dict[str, set[str]] = {}
    for row in rows:
        if row[unit] in units:
            sets.setdefault(row[unit], set()).add(item(row))
    return {key: SEPARATOR.join(sorted(values)) for key, values in sets.items()}


def _items(value: str) -> list[str]:
    return value.split(SEPARATOR) if value else []


def _pairs(value: str) -> dict[str, str]:
    """paragraph → code, from a links or answers value."""
    return dict(item.split("=", 1) for item in _items(value))


def set_measures(field: str, first: dict[str, str], second: dict[str, str]) -> dict[str, tuple]:
    """(agree, total, kappa) per measure, over the units either coding holds.

    A set of paragraph=code pairs is measured whole, by its paragraphs alone (Jaccard-free: the
    same set or not; no kappa, as the paragraphs not chosen are too many to count as decisions),
    and by its codes: on the paragraphs both chose (links) or as the set of codes (answers). A set
    of tasks is measured whole, with kappa over every unit-and-task decision, yes or no.
    """
    units = sorted(set(first) | set(second))
    a = [first.get(u, "") for u in units]
    b = [second.get(u, "") for u in units]
    agree = lambda xs, ys: sum(x == y for x, y in zip(xs, ys))  # noqa: E731
    if field == "tasks":
        codes = sorted({code for value in a + b for code in _items(value)})
        yes_a = [str(code in _items(x)) for x in a for code in codes]
        yes_b = [str(code in _items(y)) for y in b for code in codes]
        return {"tasks": (agree(a, b), len(units), cohen_kappa(yes_a, yes_b))}
    pa, pb = [_pairs(x) for x in a], [_pairs(y) for y in b]
    paragraphs_a = [SEPARATOR.join(sorted(x)) for x in pa]
    paragraphs_b = [SEPARATOR.join(sorted(y)) for y in pb]
    measures = {field: (agree(a, b), len(units), None),
                "paragraphs": (agree(paragraphs_a, paragraphs_b), len(units), None)}
    if field == "links":
        shared = [(x[key], y[key]) for x, y in zip(pa, pb) for key in sorted(set(x) & set(y))]
        codes_a, codes_b = [x for x, _ in shared], [y for _, y in shared]
        measures["relation on shared paragraphs"] = (agree(codes_a, codes_b), len(shared), cohen_kappa(codes_a, codes_b))
    else:
        codes_a = [SEPARATOR.join(sorted(set(x.values()))) for x in pa]
        codes_b = [SEPARATOR.join(sorted(set(y.values()))) for y in pb]
        measures["outcome"] = (agree(codes_a, codes_b), len(units), cohen_kappa(codes_a, codes_b))
    return measures


def compare_sets(table: str, field: str, first: dict, second: dict, published: dict):
    """Measures before and after adjudication, and every unit whose sets differ."""
    disagreements = [{"table": table, "first_id": unit, "second_row": "", "field": field,
                      "first_value": first.get(unit, ""), "second_value": second.get(unit, "")}
                     for unit in sorted(set(first) | set(second)) if first.get(unit, "") != second.get(unit, "")]
    return set_measures(field, first, second), set_measures(field, published, second), disagreements


def set_comparisons(document, coder: str, tables: dict, units: set[str], decisions: list[dict], revised: list[dict],
                    pooled: dict | None = None):
    """The Council's-side tables a coder coded for a document, compared unit by unit as sets: the
    report's sections, the disagreements, and the published value of every unit compared. A resolution's
    mandate tasks coded twice by sample are also added to pooled (first, second, after)."""
    sections, disagreements, published_index = [], [], {}
    for table, unit, item, field in SET_CODINGS:
        second_file = document.coding / coder / f"{table}.csv"
        if not second_file.is_file():
            continue
        published = undo_sets(unit_values(tables[table], unit, item, units), table, field, revised)
        reverted = {d["first_id"]: d["first_value"] for d in decisions if d["table"] == table and d["field"] == field}
        second = unit_values(read_dicts(second_file), unit, item, units)
        # Only the units the second coder was given (all coded then) are compared; units
        # coded later are counted, not compared.
        later = len(set(published) - set(second))
        published = {key: value for key, value in published.items() if key in second}
        first = {key: value for key, value in {**published, **reverted}.items() if value and key in second}
        stats, stats_after, found = compare_sets(table, field, first, second, published)
        if pooled is not None and table == "paragraph_tasks" and later:
            pooled["first"].update(first)
            pooled["second"].update(second)
            pooled["after"].update(published)
        published_index.update({(table, key): {field: published.get(key, "")}
                                for key in set(first) | set(second) | set(published)})
        sections.append((f"{table} ({document.document_id})", stats, stats_after,
                         (len(set(first) & set(second)), len(set(first) - set(second)), len(set(second) - set(first))),
                         len(first), len(second), later))
        disagreements += found
    return sections, disagreements, published_index


def _table_lines(stats: dict, stats_after: dict) -> list[str]:
    lines = ["| field | agreement | paired units | Cohen's kappa | after adjudication |", "|---|---|---|---|---|"]
    for field, (agree, total, kappa) in stats.items():
        kappa_text = "n/a" if kappa is None else f"{kappa:.2f}"
        after, after_total, _ = stats_after[field]
        lines.append(f"| `{field}` | {percent(agree, total)} | {agree}/{total} | {kappa_text} | {after}/{after_total} |")
    return lines


def render(root: Path = ROOT) -> tuple[str, list[str]]:
    """The agreement report, and the problems with the adjudication record."""
    paragraph_rows = read_dicts(csv_path(root / DATA_DIR, "paragraphs"))
    text_of = {row["paragraph_id"]: row["text"] for row in paragraph_rows}
    tables = {table: read_dicts(csv_path(root / DATA_DIR, table))
              for table in ["recommendations", "statistics", "recommendation_links"] + [coding[0] for coding in SET_CODINGS]}
    # Only documents coded twice are compared, each with its own second coding and adjudication.
    twice = [d for d in discover(root) if (d.coding / SECOND_CODER).is_dir()]
    sections, count, problems = [], 0, []
    sets = set_values(tables)
    for document in discover(root):
        problems += [f"{document.relative(document.coding / REVISIONS, root)}: {problem}"
                     for problem in revision_problems(revisions(document), current_values(tables, document.document_id, sets))]
    pooled: dict[str, dict[str, str]] = {"first": {}, "second": {}, "after": {}}
    for document in twice:
        adjudication = document.coding / ADJUDICATION
        decisions = read_dicts(adjudication) if adjudication.is_file() else []
        revised = revisions(document, SECOND_CODER)
        disagreements, published_index = [], {}
        for table, id_column, matcher, fields in (
            ("recommendations", "recommendation_id", match_recommendations, RECOMMENDATION_FIELDS),
            ("statistics", "statistic_id", match_statistics, STATISTIC_FIELDS),
        ):
            if not (document.coding / SECOND_CODER / f"{table}.csv").is_file():
                continue
            published = undo_rows([row for row in tables[table] if row["document_id"] == document.document_id],
                                  table, lambda row, column=id_column: row[column], revised)
            published_index.update({(table, row[id_column]): row for row in published})
            # The first coding before any adjudication: a field decided after the blind coding
            # is reverted too.
            first = first_coding(table, id_column, published, decisions + later_decisions(document))
            second = read_dicts(document.coding / SECOND_CODER / f"{table}.csv")
            pairs = matcher(first, second, text_of)
            stats, units, found = compare(table, id_column, pairs, second, fields)
            stats_after, _, _ = compare(table, id_column, matcher(published, second, text_of), second, fields)
            sections.append((f"{table} ({document.document_id})", stats, stats_after, units, len(first), len(second), 0))
            disagreements += found
        units = ({row["recommendation_id"] for row in tables["recommendations"] if row["document_id"] == document.document_id}
                 | {row["paragraph_id"] for row in paragraph_rows if row["document_id"] == document.document_id})
        found_sections, found, index = set_comparisons(document, SECOND_CODER, tables, units, decisions, revised,
                                                       pooled)
        sections += found_sections
        disagreements += found
        published_index.update(index)
        count += len(disagreements)
        where = document.relative(adjudication, root)
        problems += [f"{where}: {problem}" for problem in adjudication_problems(disagreements, decisions, published_index)]
    lines = [
        "# Inter-coder agreement",
        "",
        "Recommendations and statistics were coded a second time, independently, from the source",
        "text and the coding rules alone, by a coder who had not seen the first coding. The second",
        "coder's raw codes are in each document's `coding/second_coder/`. `scripts/agreement.py` pairs the two",
        "codings (recommendations by overlapping quotes in the same paragraph, statistics by value in",
        "the same paragraph) and computes, over the paired units, the share of identical codes and",
        "Cohen's kappa between the first coding as it stood before adjudication and the second",
        "coding. Every disagreement, and every unit only one coder found, is decided in",
        "the document's `coding/adjudication.csv` with its reason; the last column counts agreement of the second",
        "coding with the published, adjudicated data. A correction made in a later version (each",
        "document's `coding/revisions.csv`, with the value before and after it and the reason) is undone",
        "for these comparisons, so that they show the codings as they were compared and decided.",
        "",
        "Both coders worked from the same detailed rules (support-level phrase table, addressee and",
        "priority rules), which explains most of the agreement; with 16 to 37 paired units, one",
        "disagreement moves a field by 3 to 6 points.",
        "",
        "The Council's side (mandate links, outcomes, mandate tasks) was coded blind in the same way:",
        "the second coder had the recommendations as units (id, paragraph, quote, and whether each is",
        "addressed to the Security Council), the resolutions' paragraphs and the rules, never the first",
        "coding of these tables. Each unit's coding is compared as a whole: a recommendation's links",
        "(paragraph and relation pairs) or answers (paragraph and outcome pairs), a recommendation's or",
        "an operative paragraph's tasks. `links` and `answers` count units coded identically, `paragraphs`",
        "units with the same paragraphs whatever their codes; the relation is compared on the paragraphs",
        "both coders linked, the outcome as each unit's set of outcome codes. Kappa is not given for",
        "paragraph sets (the paragraphs not chosen are too many to count as decisions); for tasks it is",
        "computed over every unit-and-category decision, yes or no.",
        "",
    ]
    for table, stats, stats_after, (both, only_first, only_second), n_first, n_second, later in sections:
        after = f" {later} more, coded after the second coding, are not compared." if later else ""
        lines += [
            f"## {table}",
            "",
            f"Units: {n_first} in the first coding, {n_second} in the second; {both} paired, "
            f"{only_first} only in the first, {only_second} only in the second.{after}",
            "",
        ]
        lines += _table_lines(stats, stats_after)
        lines.append("")
    lines += pooled_task_lines(pooled)
    lines.append(f"Disagreements adjudicated: {count} (see each document's `coding/adjudication.csv`).")
    links_lines, links_problems = blind_links_report(root, tables, paragraph_rows, sections)
    lines += links_lines
    problems += links_problems
    blind_lines, blind_problems = blind_report(root)
    lines += blind_lines
    problems += blind_problems
    return "\n".join(lines) + "\n", problems


# The measures set beside each other: (table, measure, label).
LINK_MEASURES = [("mandate_links", "paragraphs", "mandate links: the same paragraphs (set agreement)"),
                 ("mandate_links", "links", "mandate links: the same paragraphs and relations"),
                 ("mandate_links", "relation on shared paragraphs", "relation, on the paragraphs both linked"),
                 ("recommendation_outcomes", "paragraphs", "outcomes: the same answering paragraphs"),
                 ("recommendation_outcomes", "answers", "outcomes: the same paragraphs and outcomes"),
                 ("recommendation_outcomes", "outcome", "outcome codes")]


def blind_links_report(root: Path, tables: dict, paragraph_rows: list[dict], earlier: list[tuple]) -> tuple[list[str], list[str]]:
    """The blind coding of mandate links and outcomes by the 1.2 rules (coding/blind_links_coder/),
    before and after its adjudication, beside the figures of the earlier second coding."""
    coded = [d for d in discover(root) if (d.coding / BLIND_LINKS).is_dir()]
    if not coded:
        return [], []
    lines = ["", "## Blind coding of the Council's side, 1.2", "",
             "The mandate links and outcomes were coded again, blind, once the 1.2 rules for them were",
             "final: the coder had the rules a coder is given (principles with invented examples), the",
             "recommendations as units (id, paragraph, quote, the paragraph's text, whether addressed to the",
             "Security Council), the note's text and the two resolutions' paragraphs, never a row of ours.",
             "Its raw codes are in the note's `coding/blind_links_coder/`, every disagreement is decided in",
             "`coding/blind_links_adjudication.csv`. The measures are those of the Council's side above; the",
             "first coding is the data before this adjudication. The earlier second coding's figures (rules of",
             "1.1, before adjudication) stand beside them.", ""]
    problems = []
    earlier_of = {title: stats for title, stats, *_ in earlier}
    for document in coded:
        record = document.coding / BLIND_LINKS_ADJUDICATION
        decisions = read_dicts(record) if record.is_file() else []
        units = {row["recommendation_id"] for row in tables["recommendations"] if row["document_id"] == document.document_id}
        sections, found, index = set_comparisons(document, BLIND_LINKS, tables, units, decisions,
                                                 revisions(document, BLIND_LINKS))
        where = document.relative(record, root)
        problems += [f"{where}: {problem}" for problem in adjudication_problems(found, decisions, index)]
        mine = {title: (stats, after) for title, stats, after, *_ in sections}
        lines += [f"### {document.document_id}", "",
                  "| measure | second coding, 1.1 rules | blind coding, 1.2 rules | after adjudication |",
                  "|---|---|---|---|"]
        for table, measure, label in LINK_MEASURES:
            title = f"{table} ({document.document_id})"
            if title not in mine:
                continue
            stats, after = mine[title]
            before_11 = earlier_of.get(title, {}).get(measure)
            agree, total, _ = stats[measure]
            after_agree, after_total, _ = after[measure]
            old = f"{percent(*before_11[:2])} ({before_11[0]}/{before_11[1]})" if before_11 else "n/a"
            lines.append(f"| {label} | {old} | {percent(agree, total)} ({agree}/{total}) | "
                         f"{percent(after_agree, after_total)} ({after_agree}/{after_total}) |")
        lines.append("")
        for title, stats, stats_after, (both, only_first, only_second), n_first, n_second, _later in sections:
            lines += [f"#### {title}", "",
                      f"Units: {n_first} in the first coding, {n_second} in the blind coding; {both} paired, "
                      f"{only_first} only in the first, {only_second} only in the blind coding.", ""]
            lines += _table_lines(stats, stats_after)
            lines.append("")
        lines.append(f"Disagreements adjudicated: {len(found)} (the note's `coding/{BLIND_LINKS_ADJUDICATION}`).")
    return lines, problems


def task_kappas(first: dict[str, str], second: dict[str, str]) -> dict[str, tuple]:
    """(units both coded it, units either coded it, kappa) per task code, over the units of both codings:
    each unit a yes or no for the code from each coder."""
    units = sorted(set(first) | set(second))
    codes = sorted({code for value in list(first.values()) + list(second.values()) for code in _items(value)})
    found = {}
    for code in codes:
        a = [str(code in _items(first.get(unit, ""))) for unit in units]
        b = [str(code in _items(second.get(unit, ""))) for unit in units]
        both = sum(x == y == "True" for x, y in zip(a, b))
        either = sum("True" in (x, y) for x, y in zip(a, b))
        found[code] = (both, either, cohen_kappa(a, b))
    return found


def pooled_task_lines(pooled: dict[str, dict[str, str]]) -> list[str]:
    """The mandate tasks of the resolutions coded twice by sample, pooled: kappa per task and overall."""
    first, second, after = pooled["first"], pooled["second"], pooled["after"]
    if not second:
        return []
    overall = set_measures("tasks", first, second)["tasks"]
    adjudicated = set_measures("tasks", after, second)["tasks"]
    kappa = lambda value: "n/a" if value is None else f"{value:.2f}"  # noqa: E731
    lines = ["## paragraph_tasks, the resolutions coded twice by sample, pooled", "",
             f"A blind second coder coded a stratified random sample of {len(second)} operative paragraphs (at least 15% "
             "of each mission's paragraphs coded on their own text; `scripts/draw_task_sample.py` draws it, seeded) "
             "from the paragraphs, their numbers, sections and introducing paragraphs and the coding rules. "
             f"Paragraphs coded identically: {percent(overall[0], overall[1])} ({overall[0]}/{overall[1]}); "
             f"Cohen's kappa over every paragraph-and-task decision: {kappa(overall[2])}; after adjudication "
             f"{adjudicated[0]}/{adjudicated[1]} identical, kappa {kappa(adjudicated[2])}.", "",
             "| task | coded by both | coded by either | Cohen's kappa |", "|---|---|---|---|"]
    for code, (both, either, value) in task_kappas(first, second).items():
        lines.append(f"| `{code}` | {both} | {either} | {kappa(value)} |")
    return lines + [""]


def blind_report(root: Path) -> tuple[list[str], list[str]]:
    """The blind second codings of whole notes (mandate_notes/blind_agreement.py), before and after
    adjudication, and the problems with their adjudication records."""
    coded = [d for d in discover(root) if (d.coding / blind_agreement.BLIND_CODER).is_dir()]
    if not coded:
        return [], []
    lines = ["", "## Blind second coding, whole note", "",
             "A second coder coded each note below again, every content table, from the paragraphs, the",
             "code lists and the rules a coder is given (principles with invented examples, never a coded",
             "row, id or decision), without seeing the first coding. Its raw codes are in the note's",
             "`coding/blind_coder/`. Unitizing agreement is paired units over all distinct units; fields are",
             "compared over the paired units. The first coding is the data as they stood before adjudication",
             "(each decided field at its first value, units adopted from the blind coding left out); the last",
             "column compares the blind coding with the published, adjudicated data. Every disagreement is",
             "decided, with its reason, in the note's `coding/blind_adjudication.csv`; a decision for the first",
             "coding leaves a disagreement in the last column.", ""]
    problems = []
    for document in coded:
        folder = document.coding / blind_agreement.BLIND_CODER
        record = document.coding / blind_agreement.BLIND_ADJUDICATION
        decisions = read_dicts(record) if record.is_file() else []
        revised = revisions(document, blind_agreement.BLIND_CODER)
        before, found = blind_agreement.compare(root, document.document_id, folder,
                                                blind_agreement.first_coding(root, decisions, revised))
        after, remaining = blind_agreement.compare(root, document.document_id, folder,
                                                   blind_agreement.first_coding(root, (), revised))
        where = document.relative(record, root)
        problems += [f"{where}: {p}" for p in blind_agreement.adjudication_problems(found, remaining, decisions)]
        lines += blind_agreement.render_sections(document.document_id, before, after, len(decisions))
    return lines[:-1], problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/generated/agreement.md is stale or the adjudication record is incomplete")
    args = parser.parse_args(argv)
    report, problems = render()
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check:
        stale = not REPORT.exists() or REPORT.read_text(encoding="utf-8") != report
        if stale:
            print(f"{REPORT.relative_to(ROOT)} is stale: run `make agreement`", file=sys.stderr)
        return 1 if stale or problems else 0
    REPORT.write_text(report, encoding="utf-8", newline="")
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
