"""Agreement with a blind second coding of a whole note, table by table, before adjudication.

The blind coder had the note's paragraphs, the code lists and the coding rules of
docs/coding-rules.md (principles with invented examples), never the note's decisions on its hard
cases (its coding/decisions.md), the first coding or its ids. Its raw
codes are in sources/<document>/coding/blind_coder/; it names actors by name and gives rows its
own local ids, so units are paired here: recommendations and events by overlapping quotes in
the same paragraph, statistics by value in the same paragraph, actors by name, alias or acronym,
works by UN symbol or title, citations by footnote and position, and the link tables by the
pairs they name once their ends are paired. For each table: how many units each coder found
and how many pair (unitizing agreement, paired over all distinct units), and for each field the
share of identical codes and Cohen's kappa over the paired units.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from mandate_notes.agreement_measures import cohen_kappa, match_recommendations, match_statistics, percent, undo_rows
from mandate_notes.csvio import read_dicts
from mandate_notes.model import csv_path
from mandate_notes.paths import DATA_DIR
from schemas.definitions import table

BLIND_CODER = "blind_coder"
BLIND_ADJUDICATION = "blind_adjudication.csv"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("*", "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def actor_map(theirs: list[dict], ours: list[dict], aliases: list[dict],
              their_aliases: list[dict] = ()) -> dict[str, str]:
    """Their actor name → our actor id, by name, acronym or alias (normalised), theirs or ours."""
    known: dict[str, str] = {}
    for row in ours:
        known.setdefault(_norm(row["name"]), row["actor_id"])
        if row["acronym"]:
            known.setdefault(_norm(row["acronym"]), row["actor_id"])
    for row in aliases:
        known.setdefault(_norm(row["alias"]), row["actor_id"])
    forms: dict[str, list[str]] = {}
    for row in their_aliases:
        forms.setdefault(row["actor"], []).append(row["alias"])
    found = {}
    for row in theirs:
        for form in (row["name"], row.get("acronym", ""), *forms.get(row["name"], [])):
            if form and _norm(form) in known:
                found[row["name"]] = known[_norm(form)]
                break
    return found


def _measure(pairs: list[tuple[dict, dict]], fields: dict) -> dict[str, tuple]:
    """(agree, paired, kappa) per field; fields maps a name to (our value, their value) getters."""
    measures = {}
    for name, (ours, theirs) in fields.items():
        a = [ours(x) for x, _ in pairs]
        b = [theirs(y) for _, y in pairs]
        measures[name] = (sum(x == y for x, y in zip(a, b)), len(pairs), cohen_kappa(a, b))
    return measures


def _pair_by_key(first: list[dict], second: list[dict], key_first, key_second) -> list[tuple[dict, dict]]:
    index = {}
    for row in second:
        index.setdefault(key_second(row), row)
    return [(row, index[key_first(row)]) for row in first if key_first(row) in index]


def _joined(key) -> str:
    return "|".join(key) if isinstance(key, tuple) else key


class _Tables:
    """Sections and disagreements, table by table."""

    def __init__(self):
        self.sections: list[dict] = []
        self.disagreements: list[dict] = []

    def add(self, table, first, second, pairs, key_first, key_second, fields, label_first=None, label_second=None):
        self.sections.append({"table": table, "first": len(first), "second": len(second), "paired": len(pairs),
                              "measures": _measure(pairs, fields)})
        paired_first = {id(a) for a, _ in pairs}
        paired_second = {id(b) for _, b in pairs}
        for row in first:
            if id(row) not in paired_first:
                self.disagreements.append({"table": table, "unit": _joined(key_first(row)), "field": "unit",
                                           "first_value": (label_first or key_first)(row) if label_first else "coded",
                                           "second_value": ""})
        for row in second:
            if id(row) not in paired_second:
                self.disagreements.append({"table": table, "unit": _joined(key_second(row)), "field": "unit",
                                           "first_value": "", "second_value": label_second(row) if label_second else "coded"})
        for a, b in pairs:
            for name, (ours, theirs) in fields.items():
                if ours(a) != theirs(b):
                    self.disagreements.append({"table": table, "unit": _joined(key_first(a)), "field": name,
                                               "first_value": ours(a), "second_value": theirs(b)})


def compare(root: Path, document_id: str, folder: Path, ours: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Sections (one per table: units of each coder, paired units, field measures) and every
    disagreement (a unit one coder has and the other not, or a field of a paired unit)."""
    data = root / DATA_DIR
    ours = ours or first_coding(root)
    theirs = {path.stem: read_dicts(path) for path in sorted(folder.glob("*.csv"))}
    text_of = {row["paragraph_id"]: row["text"] for row in read_dicts(csv_path(data, "paragraphs"))}
    mine = lambda table: [r for r in ours[table] if r.get("document_id", document_id) == document_id]  # noqa: E731
    actors = actor_map(theirs["actors"], ours["actors"], ours["actor_aliases"], theirs["actor_aliases"])
    actor = lambda name: actors.get(name, f"unmatched: {name}" if name else "")  # noqa: E731
    quote_of = lambda r: r["quote"][:60]  # noqa: E731
    out = _Tables()

    recs = mine("recommendations")
    matched = match_recommendations(recs, theirs["recommendations"], text_of)
    rec_pairs = [(a, theirs["recommendations"][j]) for a, j in matched if a is not None and j is not None]
    further = {}
    for row in ours["recommendation_themes"]:
        further.setdefault(row["recommendation_id"], set()).add(row["theme"])
    out.add("recommendations", recs, theirs["recommendations"], rec_pairs,
            unit_key("recommendations"), lambda r: r["local_id"], {
                "is_opening_bullet": (lambda a: a["is_opening_bullet"], lambda b: b["is_opening_bullet"]),
                "addressee_actor_id": (lambda a: a["addressee_actor_id"], lambda b: actor(b["addressee"])),
                "addressee_is_inferred": (lambda a: a["addressee_is_inferred"], lambda b: b["addressee_is_inferred"]),
                "theme": (lambda a: a["theme"], lambda b: b["theme"]),
                "further themes": (lambda a: "; ".join(sorted(further.get(a["recommendation_id"], ()))),
                                   lambda b: "; ".join(sorted(filter(None, b["further_themes"].split("; "))))),
                "support_level": (lambda a: a["support_level"], lambda b: b["support_level"]),
                "priority_signal": (lambda a: a["priority_signal"], lambda b: b["priority_signal"]),
            }, quote_of, quote_of)
    ours_of = {b["local_id"]: a["recommendation_id"] for a, b in rec_pairs}
    links = [r for r in ours["recommendation_links"] if r["bullet_recommendation_id"].startswith(document_id)]
    link_key = unit_key("recommendation_links")
    their_link = lambda r: (ours_of.get(r["bullet_local_id"], r["bullet_local_id"]),  # noqa: E731
                            ours_of.get(r["body_local_id"], r["body_local_id"]))
    out.add("recommendation_links", links, theirs["recommendation_links"],
            _pair_by_key(links, theirs["recommendation_links"], link_key, their_link), link_key, their_link, {})

    citation_of = {(r["footnote_number"], r["position"]): r["citation_id"] for r in mine("citations")}
    stats = mine("statistics")
    matched = match_statistics(stats, theirs["statistics"], text_of)
    stat_pairs = [(a, theirs["statistics"][j]) for a, j in matched if a is not None and j is not None]
    number = lambda v: repr(float(v)) if v else ""  # noqa: E731
    out.add("statistics", stats, theirs["statistics"], stat_pairs, unit_key("statistics"), lambda r: r["local_id"], {
        "value": (lambda a: number(a["value"]), lambda b: number(b["value"])),
        "unit": (lambda a: a["unit"], lambda b: b["unit"]),
        "comparator": (lambda a: a["comparator"], lambda b: b["comparator"]),
        "reference_period": (lambda a: a["reference_period"], lambda b: b["reference_period"]),
        "geography": (lambda a: _norm(a["geography"]), lambda b: _norm(b["geography"])),
        "producer_actor_id": (lambda a: a["producer_actor_id"], lambda b: actor(b["producer"])),
        "citation_id": (lambda a: a["citation_id"],
                        lambda b: citation_of.get((b["footnote_number"], b["citation_position"]), "")),
    }, quote_of, quote_of)

    named_here = {r["actor_id"] for r in ours["actor_aliases"] if r["document_id"] == document_id}
    our_actors = [r for r in ours["actors"] if r["actor_id"] in named_here]
    by_id = {r["actor_id"]: r for r in our_actors}
    actor_pairs = [(by_id[actors[r["name"]]], r) for r in theirs["actors"] if actors.get(r["name"]) in by_id]
    out.add("actors", our_actors, theirs["actors"], actor_pairs, unit_key("actors"), lambda r: r["name"], {
        "actor_type": (lambda a: a["actor_type"], lambda b: b["actor_type"]),
        "parent_actor_id": (lambda a: a["parent_actor_id"], lambda b: actor(b["parent"])),
        "country_iso3": (lambda a: a["country_iso3"], lambda b: b["country_iso3"]),
    })
    aliases = [r for r in ours["actor_aliases"] if r["document_id"] == document_id]
    alias_key, their_alias = unit_key("actor_aliases"), (lambda r: (actor(r["actor"]), r["alias"]))
    out.add("actor_aliases", aliases, theirs["actor_aliases"],
            _pair_by_key(aliases, theirs["actor_aliases"], alias_key, their_alias), alias_key, their_alias,
            {"paragraph_id": (lambda a: a["paragraph_id"], lambda b: b["paragraph_id"])})
    relations = mine("actor_relations")
    relation_key = unit_key("actor_relations")
    their_relation = lambda r: (actor(r["subject"]), r["relation"], actor(r["object"]))  # noqa: E731
    out.add("actor_relations", relations, theirs["actor_relations"],
            _pair_by_key(relations, theirs["actor_relations"], relation_key, their_relation), relation_key, their_relation,
            {}, quote_of, quote_of)
    roles = mine("document_actors")
    role_key, their_role = unit_key("document_actors"), (lambda r: (actor(r["actor"]), r["role"]))
    out.add("document_actors", roles, theirs["document_actors"],
            _pair_by_key(roles, theirs["document_actors"], role_key, their_role), role_key, their_role, {})

    cited = {r["work_id"] for r in mine("citations")}
    works = [r for r in ours["works"] if r["work_id"] in cited]
    work_key = lambda r: r["un_symbol"].upper() if r["un_symbol"] else _norm(r["title"])  # noqa: E731
    work_pairs = _pair_by_key(works, theirs["works"], work_key, work_key)
    work_of = {b["local_id"]: a["work_id"] for a, b in work_pairs}
    out.add("works", works, theirs["works"], work_pairs, unit_key("works"), lambda r: r["local_id"], {
        "work_type": (lambda a: a["work_type"], lambda b: b["work_type"]),
        "issuing_actor_id": (lambda a: a["issuing_actor_id"], lambda b: actor(b["issuer"])),
        "date_published": (lambda a: a["date_published"], lambda b: b["date_published"]),
    })
    citations = mine("citations")
    footnote_key = lambda r: (r["footnote_number"], r["position"])  # noqa: E731
    out.add("citations", citations, theirs["citations"],
            _pair_by_key(citations, theirs["citations"], footnote_key, footnote_key), footnote_key, footnote_key, {
                "citation_role": (lambda a: a["citation_role"], lambda b: b["citation_role"]),
                "work_id": (lambda a: a["work_id"], lambda b: work_of.get(b["work_local_id"], b["work_local_id"])),
                "pinpoint": (lambda a: a["pinpoint"], lambda b: b["pinpoint"]),
            })

    events = mine("events")
    matched = match_recommendations(events, theirs["events"], text_of)
    event_pairs = [(a, theirs["events"][j]) for a, j in matched if a is not None and j is not None]
    out.add("events", events, theirs["events"], event_pairs, unit_key("events"),
            lambda r: f"{r['paragraph_id']}: {r['quote'][:40]}", {
                "event_type": (lambda a: a["event_type"], lambda b: b["event_type"]),
                "date": (lambda a: a["date"], lambda b: b["date"]),
                "date_end": (lambda a: a["date_end"], lambda b: b["date_end"]),
                "is_planned": (lambda a: a["is_planned"], lambda b: b["is_planned"]),
            }, quote_of, quote_of)
    return out.sections, out.disagreements


TABLES = ("recommendations", "recommendation_themes", "recommendation_links", "statistics", "actors", "actor_aliases",
          "actor_relations", "works", "citations", "events", "document_actors")


def unit_key(table_name: str):
    """A row's unit in the comparison: its primary key within the note (document_id left out)."""
    columns = [c for c in table(table_name).primary_key if c != "document_id"]
    if len(columns) == 1:
        return lambda row: row[columns[0]]
    return lambda row: tuple(row[c] for c in columns)


def first_coding(root: Path, decisions: list[dict] = (), revised: list[dict] = ()) -> dict[str, list[dict]]:
    """The published tables, or, given the adjudication's decisions, the first coding before them:
    each decided field back to its first value, each unit adopted from the blind coding left out.
    Revisions made after the blind coding was compared (agreement.revisions) are undone first: a
    unit they added is left out, a field they changed goes back to its value before."""
    tables = {name: [dict(row) for row in read_dicts(csv_path(root / DATA_DIR, name))] for name in TABLES}
    for name in tables:
        key = unit_key(name)
        tables[name] = undo_rows(tables[name], name, lambda row, key=key: _joined(key(row)), revised)
    for decision in decisions:
        if decision["decision"] == "first":
            continue
        name, unit, field = decision["table"], decision["unit"], decision["field"]
        key = unit_key(name)
        if field == "unit":
            tables[name] = [row for row in tables[name] if _joined(key(row)) != unit]
        else:
            for row in tables[name]:
                if _joined(key(row)) == unit and field in row:
                    row[field] = decision["first_value"]
    return tables


def adjudication_problems(before: list[dict], after: list[dict], decisions: list[dict]) -> list[str]:
    """Every disagreement before adjudication decided, with a reason; every decision applied: what
    remains after it is exactly what was decided for the first coding."""
    key = lambda d: (d["table"], d["unit"], d["field"], d["first_value"], d["second_value"])  # noqa: E731
    recorded = {key(d): d for d in decisions}
    problems = [f"not adjudicated: {d}" for d in before if key(d) not in recorded]
    found = {key(d) for d in before}
    problems += [f"adjudication of a disagreement that does not arise: {key(d)}" for d in decisions if key(d) not in found]
    problems += [f"adjudication without a reason: {key(d)}" for d in decisions if not d["reason"]]
    kept = {key(d) for d in decisions if d["decision"] == "first"}
    remaining = {key(d) for d in after}
    problems += [f"decision not applied to the published data: {k}" for k in remaining - kept]
    return problems


def render_sections(document_id: str, sections: list[dict], after: list[dict], decided: int) -> list[str]:
    """Before adjudication, with the figures after it beside them."""
    later = {s["table"]: s for s in after}
    lines = [f"### {document_id}", "",
             "| table | first coding | blind coding | paired | unitizing agreement | after adjudication |",
             "|---|---|---|---|---|---|"]
    for s in sections:
        union = s["first"] + s["second"] - s["paired"]
        a = later[s["table"]]
        lines.append(f"| `{s['table']}` | {s['first']} | {s['second']} | {s['paired']} | {percent(s['paired'], union)} | "
                     f"{percent(a['paired'], a['first'] + a['second'] - a['paired'])} |")
    lines += ["", "| table | field | agreement | paired units | Cohen's kappa | after adjudication |",
              "|---|---|---|---|---|---|"]
    for s in sections:
        for field, (agree, total, kappa) in s["measures"].items():
            after_agree, after_total, _ = later[s["table"]]["measures"][field]
            lines.append(f"| `{s['table']}` | `{field}` | {percent(agree, total)} | {agree}/{total} | "
                         f"{'n/a' if kappa is None else f'{kappa:.2f}'} | {after_agree}/{after_total} |")
    return lines + ["", f"Disagreements adjudicated: {decided} (the note's `coding/blind_adjudication.csv`).", ""]
