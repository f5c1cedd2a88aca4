"""Agreement with a blind second coding of a whole note, table by table, before adjudication.

The blind coder had the note's paragraphs, the code lists and the coding rules up to "Decisions
on hard cases" (principles with invented examples), never the first coding or its ids. Its raw
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

from mandate_notes.agreement import cohen_kappa, match_recommendations, match_statistics
from mandate_notes.csvio import read_dicts
from mandate_notes.model import csv_path
from mandate_notes.paths import DATA_DIR

BLIND_CODER = "blind_coder"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("*", "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def actor_map(theirs: list[dict], ours: list[dict], aliases: list[dict]) -> dict[str, str]:
    """Their actor name → our actor id, by name, acronym or alias (normalised)."""
    known: dict[str, str] = {}
    for row in ours:
        known.setdefault(_norm(row["name"]), row["actor_id"])
        if row["acronym"]:
            known.setdefault(_norm(row["acronym"]), row["actor_id"])
    for row in aliases:
        known.setdefault(_norm(row["alias"]), row["actor_id"])
    found = {}
    for row in theirs:
        for form in (row["name"], row.get("acronym", "")):
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


def compare(root: Path, document_id: str, folder: Path) -> list[dict]:
    """One section per table: units of each coder, paired units, and field measures."""
    data = root / DATA_DIR
    ours = {name: read_dicts(csv_path(data, name)) for name in (
        "recommendations", "recommendation_themes", "recommendation_links", "statistics", "actors", "actor_aliases",
        "actor_relations", "works", "citations", "events", "document_actors", "paragraphs")}
    theirs = {path.stem: read_dicts(path) for path in sorted(folder.glob("*.csv"))}
    text_of = {row["paragraph_id"]: row["text"] for row in ours["paragraphs"]}
    mine = lambda table: [r for r in ours[table] if r.get("document_id", document_id) == document_id]  # noqa: E731
    actors = actor_map(theirs["actors"], ours["actors"], ours["actor_aliases"])
    actor = lambda name: actors.get(name, f"unmatched: {name}" if name else "")  # noqa: E731
    sections = []

    def section(table, n_first, n_second, pairs, fields):
        sections.append({"table": table, "first": n_first, "second": n_second, "paired": len(pairs),
                         "measures": _measure(pairs, fields)})

    # Recommendations.
    recs = mine("recommendations")
    matched = match_recommendations(recs, theirs["recommendations"], text_of)
    rec_pairs = [(a, theirs["recommendations"][j]) for a, j in matched if a is not None and j is not None]
    further = {}
    for row in ours["recommendation_themes"]:
        further.setdefault(row["recommendation_id"], set()).add(row["theme"])
    section("recommendations", len(recs), len(theirs["recommendations"]), rec_pairs, {
        "is_opening_bullet": (lambda a: a["is_opening_bullet"], lambda b: b["is_opening_bullet"]),
        "addressee_actor_id": (lambda a: a["addressee_actor_id"], lambda b: actor(b["addressee"])),
        "addressee_is_inferred": (lambda a: a["addressee_is_inferred"], lambda b: b["addressee_is_inferred"]),
        "theme": (lambda a: a["theme"], lambda b: b["theme"]),
        "further themes": (lambda a: "; ".join(sorted(further.get(a["recommendation_id"], ()))),
                           lambda b: "; ".join(sorted(filter(None, b["further_themes"].split("; "))))),
        "support_level": (lambda a: a["support_level"], lambda b: b["support_level"]),
        "priority_signal": (lambda a: a["priority_signal"], lambda b: b["priority_signal"]),
    })
    ours_of = {b["local_id"]: a["recommendation_id"] for a, b in rec_pairs}
    links_first = {(r["bullet_recommendation_id"], r["body_recommendation_id"]) for r in ours["recommendation_links"]
                   if r["bullet_recommendation_id"].startswith(document_id)}
    links_second = {(ours_of.get(r["bullet_local_id"], r["bullet_local_id"]), ours_of.get(r["body_local_id"], r["body_local_id"]))
                    for r in theirs["recommendation_links"]}
    section("recommendation_links", len(links_first), len(links_second),
            [(link, link) for link in links_first & links_second], {})

    # Statistics: citations named by footnote and position.
    citation_of = {(r["footnote_number"], r["position"]): r["citation_id"] for r in mine("citations")}
    stats = mine("statistics")
    matched = match_statistics(stats, theirs["statistics"], text_of)
    stat_pairs = [(a, theirs["statistics"][j]) for a, j in matched if a is not None and j is not None]
    number = lambda v: repr(float(v)) if v else ""  # noqa: E731
    section("statistics", len(stats), len(theirs["statistics"]), stat_pairs, {
        "value": (lambda a: number(a["value"]), lambda b: number(b["value"])),
        "unit": (lambda a: a["unit"], lambda b: b["unit"]),
        "comparator": (lambda a: a["comparator"], lambda b: b["comparator"]),
        "reference_period": (lambda a: a["reference_period"], lambda b: b["reference_period"]),
        "geography": (lambda a: _norm(a["geography"]), lambda b: _norm(b["geography"])),
        "producer_actor_id": (lambda a: a["producer_actor_id"], lambda b: actor(b["producer"])),
        "citation_id": (lambda a: a["citation_id"],
                        lambda b: citation_of.get((b["footnote_number"], b["citation_position"]), "")),
    })

    # Actors (every actor of the dataset that this note names: those with an alias in it).
    named_here = {r["actor_id"] for r in ours["actor_aliases"] if r["document_id"] == document_id}
    our_actors = [r for r in ours["actors"] if r["actor_id"] in named_here]
    by_id = {r["actor_id"]: r for r in our_actors}
    actor_pairs = [(by_id[actors[r["name"]]], r) for r in theirs["actors"] if actors.get(r["name"]) in by_id]
    section("actors", len(our_actors), len(theirs["actors"]), actor_pairs, {
        "actor_type": (lambda a: a["actor_type"], lambda b: b["actor_type"]),
        "parent_actor_id": (lambda a: a["parent_actor_id"], lambda b: actor(b["parent"])),
        "country_iso3": (lambda a: a["country_iso3"], lambda b: b["country_iso3"]),
    })
    aliases = [r for r in ours["actor_aliases"] if r["document_id"] == document_id]
    alias_pairs = _pair_by_key(aliases, theirs["actor_aliases"], lambda r: (r["actor_id"], r["alias"]),
                               lambda r: (actor(r["actor"]), r["alias"]))
    section("actor_aliases", len(aliases), len(theirs["actor_aliases"]), alias_pairs, {
        "paragraph_id": (lambda a: a["paragraph_id"], lambda b: b["paragraph_id"])})
    relations = mine("actor_relations")
    relation_pairs = _pair_by_key(relations, theirs["actor_relations"],
                                  lambda r: (r["subject_actor_id"], r["relation"], r["object_actor_id"]),
                                  lambda r: (actor(r["subject"]), r["relation"], actor(r["object"])))
    section("actor_relations", len(relations), len(theirs["actor_relations"]), relation_pairs, {})
    roles = mine("document_actors")
    role_pairs = _pair_by_key(roles, theirs["document_actors"], lambda r: (r["actor_id"], r["role"]),
                              lambda r: (actor(r["actor"]), r["role"]))
    section("document_actors", len(roles), len(theirs["document_actors"]), role_pairs, {})

    # Works (those cited in this note) and citations.
    cited = {r["work_id"] for r in mine("citations")}
    works = [r for r in ours["works"] if r["work_id"] in cited]
    work_key = lambda r: r["un_symbol"].upper() if r["un_symbol"] else _norm(r["title"])  # noqa: E731
    work_pairs = _pair_by_key(works, theirs["works"], work_key, work_key)
    work_of = {b["local_id"]: a["work_id"] for a, b in work_pairs}
    section("works", len(works), len(theirs["works"]), work_pairs, {
        "work_type": (lambda a: a["work_type"], lambda b: b["work_type"]),
        "issuing_actor_id": (lambda a: a["issuing_actor_id"], lambda b: actor(b["issuer"])),
        "date_published": (lambda a: a["date_published"], lambda b: b["date_published"]),
    })
    citations = mine("citations")
    citation_pairs = _pair_by_key(citations, theirs["citations"], lambda r: (r["footnote_number"], r["position"]),
                                  lambda r: (r["footnote_number"], r["position"]))
    section("citations", len(citations), len(theirs["citations"]), citation_pairs, {
        "citation_role": (lambda a: a["citation_role"], lambda b: b["citation_role"]),
        "work_id": (lambda a: a["work_id"], lambda b: work_of.get(b["work_local_id"], b["work_local_id"])),
        "pinpoint": (lambda a: a["pinpoint"], lambda b: b["pinpoint"]),
    })

    # Events.
    events = mine("events")
    matched = match_recommendations(events, theirs["events"], text_of)
    event_pairs = [(a, theirs["events"][j]) for a, j in matched if a is not None and j is not None]
    section("events", len(events), len(theirs["events"]), event_pairs, {
        "event_type": (lambda a: a["event_type"], lambda b: b["event_type"]),
        "date": (lambda a: a["date"], lambda b: b["date"]),
        "date_end": (lambda a: a["date_end"], lambda b: b["date_end"]),
        "is_planned": (lambda a: a["is_planned"], lambda b: b["is_planned"]),
    })
    return sections


def render_sections(document_id: str, sections: list[dict]) -> list[str]:
    lines = [f"### {document_id}, before adjudication", "",
             "| table | first coding | blind coding | paired | unitizing agreement |", "|---|---|---|---|---|"]
    for s in sections:
        union = s["first"] + s["second"] - s["paired"]
        share = f"{100 * s['paired'] / union:.1f}%" if union else "n/a"
        lines.append(f"| `{s['table']}` | {s['first']} | {s['second']} | {s['paired']} | {share} |")
    lines += ["", "| table | field | agreement | paired units | Cohen's kappa |", "|---|---|---|---|---|"]
    for s in sections:
        for field, (agree, total, kappa) in s["measures"].items():
            percent = f"{100 * agree / total:.1f}%" if total else "n/a"
            lines.append(f"| `{s['table']}` | `{field}` | {percent} | {agree}/{total} | "
                         f"{'n/a' if kappa is None else f'{kappa:.2f}'} |")
    return lines + [""]
