"""Data for the 'At a glance' charts, read through the canned queries that publish the same numbers."""

import datetime
from urllib.parse import quote

from datasette import hookimpl

DATABASE = "mandate_notes"


async def run(datasette, name):
    """Rows of a canned query, so a chart and the query behind its link never disagree."""
    query = await datasette.get_canned_query(DATABASE, name, None)
    return [dict(row) for row in await datasette.get_database(DATABASE).execute(query["sql"])]


def stacked(rows, bar, segment, legend, link):
    """Bars in first-seen order; each segment knows its legend position, count and filtered link."""
    bars = {}
    for row in rows:
        entry = bars.setdefault(row[bar[0]], {"label": row[bar[1]] or "", "segments": []})
        # A bar with nothing in it yet comes as one row without a segment.
        if row[segment[0]] is not None:
            entry["segments"].append({"index": legend.index(row[segment[0]]), "label": row[segment[1]],
                                      "count": row[segment[2]], "url": link(row)})
    for entry in bars.values():
        entry["segments"].sort(key=lambda s: s["index"])
        entry["total"] = sum(s["count"] for s in entry["segments"])
    return list(bars.values())


def year_fraction(partial):
    """An ISO date as precise as the note gives it, as a year with fraction; a bare year is mid-year."""
    parts = [int(p) for p in partial.split("-")]
    if len(parts) == 1:
        return parts[0] + 0.5
    day = datetime.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 15)
    return parts[0] + (day.timetuple().tm_yday - 1) / 366


@hookimpl
def extra_template_vars(template, datasette):
    if template != "pages/at-a-glance.html":
        return {}

    async def charts():
        urls, db = datasette.urls, datasette.get_database(DATABASE)
        table = lambda name, query="": urls.table(DATABASE, name) + (f"?{query}" if query else "")  # noqa: E731
        levels = [dict(row) for row in await db.execute("select code, label from support_levels order by rank is null, rank")]
        by_theme = stacked(
            await run(datasette, "recommendations_by_theme_and_support"),
            ("theme", "theme_label"), ("support_level", "support_label", "recommendations"),
            [level["code"] for level in levels],
            lambda r: table("recommendations", f"theme={r['theme']}&support_level={r['support_level']}"))
        by_outcome = stacked(
            await run(datasette, "outcomes_by_support"),
            ("outcome", "outcome_label"), ("support_level", "support_label", "recommendations"),
            [level["code"] for level in levels],
            # A _through filter beside a column filter gets the same parameter name in Datasette
            # 0.65 and finds nothing, so the outcome is given as a where clause.
            lambda r: table("recommendations", f"support_level={r['support_level']}&_where=" + quote(
                "recommendation_id in (select recommendation_id from recommendation_outcomes "
                f"where outcome = '{r['outcome']}')")))
        coding_rows = await run(datasette, "coding_by_section")
        tables = sorted({r["table_name"] for r in coding_rows if r["table_name"]},
                        key=list(datasette.plugin_config("mandate-notes")["content_tables"]).index)
        for row in coding_rows:
            row["bar"] = f"{row['document_id']}|{row['section_start']}"
            row["bar_label"] = row["section"] or "(cover, opening and back matter)"
        coding = stacked(coding_rows, ("bar", "bar_label"), ("table_name", "table_name", "coded_rows"), tables,
                         lambda r: table(r["table_name"]))
        events = await run(datasette, "events_timeline")
        for event in events:
            event["url"] = urls.row(DATABASE, "events", event["event_id"])
        # An event whose year the note does not give has no place on a time axis; it is listed instead.
        dated = [event for event in events if event["date"]]
        for event in dated:
            event["x"] = year_fraction(event["date"])
            event["x_end"] = year_fraction(event["date_end"]) if event["date_end"] else None
        years = [int(e[k]) for e in dated for k in ("x", "x_end") if e[k] is not None] or [0]
        return {
            "dataset_title": datasette.metadata("title"),
            "query_url": lambda name: urls.query(DATABASE, name),
            "by_theme": {"bars": by_theme, "legend": [level["label"] for level in levels],
                         "most": max([bar["total"] for bar in by_theme], default=0)},
            "by_outcome": {"bars": by_outcome, "legend": [level["label"] for level in levels],
                           "most": max([bar["total"] for bar in by_outcome], default=0)},
            "coding": {"bars": coding, "legend": tables, "most": max([bar["total"] for bar in coding], default=0)},
            "timeline": {"events": dated, "undated": [event for event in events if not event["date"]],
                         "first": min(years), "last": max(years) + 1,
                         "types": sorted({e["event_type"] for e in dated})},
        }

    return charts
