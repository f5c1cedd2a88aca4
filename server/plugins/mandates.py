"""The mandates in the browser: each mission's mandates one after another (pages/mandates.html, from the
mandate_timeline query), two consecutive mandates compared paragraph by paragraph with the changed
words marked (pages/mandate-changes.html), and on a catalogue note's page its mandate before and after."""

from datasette import hookimpl
from datasette.utils import urlsafe_components

from mandate_notes.markup import word_changes

DATABASE = "mandate_notes"
CHANGE_ORDER = ("unchanged", "amended", "new", "dropped", "kept_by_reference")
TIER_COLUMNS = (("strategic_priority", "strategic priority"), ("priority_tasks", "priority tasks"),
                ("other_tasks", "other tasks"), ("general_principles", "general principles"),
                ("not_mission_tasks", "not tasks of the mission"))

COMPARED_SQL = """
select c.change_id, c.change, c.similarity, c.reviewed, c.review_reason,
  p.paragraph_id, p.number, p.text, q.paragraph_id as previous_paragraph_id, q.number as previous_number,
  q.text as previous_text, ct.label as change_label
from paragraph_changes c
join change_types ct on ct.code = c.change
left join paragraphs p on p.paragraph_id = nullif(c.paragraph_id, '')
left join paragraphs q on q.paragraph_id = nullif(c.previous_paragraph_id, '')
where c.document_id = :document
order by c.change_id
"""

CHOICES_SQL = """
select r.document_id, r.symbol, r.adoption_date, d.mission, m.label as mission_label,
  (select previous_document_id from paragraph_changes c where c.document_id = r.document_id limit 1) as previous
from resolutions r join documents d on d.document_id = r.document_id join missions m on m.code = d.mission
order by d.mission, r.adoption_date
"""


async def rows(datasette, sql, params=None):
    return [dict(row) for row in await datasette.get_database(DATABASE).execute(sql, params or {})]


def compare_url(document_id):
    return f"/mandate-changes?resolution={document_id}"


async def timeline(datasette):
    """Each mission with its resolutions in adoption order and what each changed."""
    query = await datasette.get_canned_query(DATABASE, "mandate_timeline", None)
    resolutions = await rows(datasette, query["sql"], {"mission": ""})
    labels = {row["code"]: row["label"] for row in await rows(datasette, "select code, label from mandate_tasks")}
    missions = await rows(datasette, "select code, label, full_name, host_country_iso3, established, established_by, "
                                     "ended, ended_by from missions order by label")
    symbols = {row["document_id"]: row["symbol"] for row in resolutions}
    for row in resolutions:
        row["url"] = datasette.urls.row(DATABASE, "resolutions", row["document_id"])
        row["compare_url"] = compare_url(row["document_id"]) if row["previous_document_id"] else None
        row["previous_symbol"] = symbols.get(row["previous_document_id"])
        for side in ("tasks_gained", "tasks_lost"):
            row[side] = [labels[code] for code in (row[side] or "").split("; ") if code]
        row["tiers"] = [(title, row[column]) for column, title in TIER_COLUMNS]
    for mission in missions:
        mission["resolutions"] = [row for row in resolutions if row["mission"] == mission["code"]]
    return {"missions": [mission for mission in missions if mission["resolutions"]],
            "query_url": lambda name: datasette.urls.query(DATABASE, name)}


async def comparison(datasette, request):
    """One resolution's paragraphs against its previous mandate's, changed words marked."""
    resolutions = await rows(datasette, CHOICES_SQL)
    choices = [row for row in resolutions if row["previous"]]
    wanted = (request.args.get("resolution") or "").strip()
    chosen = next((row for row in choices if wanted and wanted in (row["document_id"], row["symbol"],
                                                                   row["symbol"].split(" ")[0].removeprefix("S/RES/"))),
                  None)
    found = {"choices": choices, "chosen": chosen, "asked": wanted}
    if chosen is None:
        return found
    previous = next(row for row in resolutions if row["document_id"] == chosen["previous"])
    pairs = await rows(datasette, COMPARED_SQL, {"document": chosen["document_id"]})
    counts = {code: 0 for code in CHANGE_ORDER}
    for pair in pairs:
        counts[pair["change"]] += 1
        if pair["change"] == "amended":
            pair["previous_marked"], pair["marked"] = word_changes(pair["previous_text"], pair["text"])
        if pair["paragraph_id"]:
            pair["url"] = datasette.urls.row(DATABASE, "paragraphs", pair["paragraph_id"])
        if pair["previous_paragraph_id"]:
            pair["previous_url"] = datasette.urls.row(DATABASE, "paragraphs", pair["previous_paragraph_id"])
    return {**found, "previous": previous, "pairs": pairs, "counts": counts,
            "resolution_url": datasette.urls.row(DATABASE, "resolutions", chosen["document_id"]),
            "previous_url": datasette.urls.row(DATABASE, "resolutions", previous["document_id"])}


async def note_sides(datasette, request):
    """A catalogue note's mandate in force and next decision, with the comparison between them."""
    [note_id] = urlsafe_components(request.url_vars["pks"])
    found = await rows(datasette, "select * from series_notes where note_id = :note", {"note": note_id})
    if not found:
        return {}
    note = found[0]
    sides = []
    for side, title in (("mandate_in_force", "Mandate in force on the workshop date"),
                        ("decision", "The Council's next decision")):
        document_id = note[f"{side}_id"]
        sides.append({"title": title, "symbol": note[f"{side}_symbol"], "adopted": note[f"{side}_adopted"],
                      "url": document_id and datasette.urls.row(DATABASE, "resolutions", document_id)})
    compared = note["decision_id"] and note["mandate_in_force_id"] and compare_url(note["decision_id"])
    return {"mandate_sides": {"sides": sides, "compare_url": compared, "notes": note["council_notes"]}
            if note["mission"] != "cross-mission" else None}


@hookimpl
def extra_template_vars(template, table, request, datasette):
    if template == "pages/mandates.html":
        return lambda: timeline(datasette)
    if template == "pages/mandate-changes.html" and request is not None:
        return lambda: comparison(datasette, request)
    if template == "row.html" and table == "series_notes" and request is not None:
        return lambda: note_sides(datasette, request)
    return {}
