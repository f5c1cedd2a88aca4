"""Data for the 'At a glance' charts, read through the canned queries that publish the same numbers."""

import calendar
import datetime
from urllib.parse import quote

from datasette import hookimpl

from mandate_notes.conditions import outcome_condition, section_condition

DATABASE = "mandate_notes"


async def run(datasette, name):
    """Rows of a canned query, so a chart and the query behind its link never disagree."""
    query = await datasette.get_canned_query(DATABASE, name, None)
    return [dict(row) for row in await datasette.get_database(DATABASE).execute(query["sql"])]


def counted(number, noun):
    """'1 recommendation', '12 recommendations': a count with its noun (a regular plural)."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def scale(most, ticks=5):
    """A bar chart's axis: the fewest of steps 1, 2, 5, 10, 20, 50 … giving at most `ticks` steps up
    to `most`; the axis ends on the first tick at or above it.

    >>> scale(37)
    {'end': 40, 'ticks': [0, 10, 20, 30, 40]}
    >>> scale(1)
    {'end': 1, 'ticks': [0, 1]}
    """
    step = 1
    while most > step * ticks:
        step = next_step(step)
    end = max(step, -(-most // step) * step)
    return {"end": end, "ticks": list(range(0, end + 1, step))}


def next_step(step):
    """1, 2, 5, 10, 20, 50, …"""
    head = int(str(step)[0])
    return step * 5 // 2 if head == 2 else step * 2


def stacked(rows, bar, segment, legend, link, bar_link, noun):
    """Bars, longest first, each with its segments in legend order; a bar and each segment know
    their count in words and the link that opens exactly the rows counted (bar_link may give None)."""
    bars = {}
    for row in rows:
        entry = bars.setdefault(row[bar[0]], {"label": row[bar[1]] or "", "segments": [], "url": bar_link(row)})
        # A bar with nothing in it yet comes as one row without a segment.
        if row[segment[0]] is not None:
            entry["segments"].append({"index": legend.index(row[segment[0]]), "label": row[segment[1]],
                                      "count": row[segment[2]], "url": link(row)})
    for entry in bars.values():
        entry["segments"].sort(key=lambda s: s["index"])
        entry["total"] = sum(s["count"] for s in entry["segments"])
        entry["total_text"] = counted(entry["total"], noun)
        for part in entry["segments"]:
            part["text"] = f"{entry['label']} · {part['label']}: {counted(part['count'], noun)}"
    ordered = sorted(bars.values(), key=lambda entry: -entry["total"])
    axis = scale(max([entry["total"] for entry in ordered], default=0))
    for entry in ordered:
        for part in entry["segments"]:
            part["percent"] = 100 * part["count"] / axis["end"]
    return {"bars": ordered, "axis": [{"value": tick, "percent": 100 * tick / axis["end"]} for tick in axis["ticks"]]}


def year_start(partial):
    """Where an ISO date as precise as the note gives it begins, in years with a fraction."""
    parts = [int(p) for p in partial.split("-")]
    day = datetime.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    return parts[0] + (day.timetuple().tm_yday - 1) / (366 if calendar.isleap(parts[0]) else 365)


def year_end(partial):
    """Where it ends: the end of its year, month or day.

    >>> year_start("2015"), year_end("2015"), round(year_end("2023-06") - year_start("2023-06"), 3)
    (2015.0, 2016.0, 0.082)
    """
    parts = [int(p) for p in partial.split("-")]
    if len(parts) == 1:
        return parts[0] + 1.0
    if len(parts) == 2:
        year, month = (parts[0] + 1, 1) if parts[1] == 12 else (parts[0], parts[1] + 1)
        return year_start(f"{year}-{month:02d}") if year == parts[0] else year + 0.0
    day = datetime.date(*parts) + datetime.timedelta(days=1)
    return day.year + (day.timetuple().tm_yday - 1) / (366 if calendar.isleap(day.year) else 365)


def timeline(events):
    """Dated events in date order, each placed on a shared axis of years: a dot where the note gives
    the day, a span over the month or year where it gives no more, or from start to end."""
    dated = [event for event in events if event["date"]]
    for event in dated:
        event["start"] = year_start(event["date"])
        event["end"] = year_end(event["date_end"] or event["date"])
        event["precision"] = ("range" if event["date_end"] else
                              {1: "year", 2: "month", 3: "day"}[len(event["date"].split("-"))])
    first = int(min([e["start"] for e in dated], default=0))
    last = int(-(-max([e["end"] for e in dated], default=1) // 1))
    span = max(last - first, 1)
    for event in dated:
        event["left"] = 100 * (event["start"] - first) / span
        event["width"] = 100 * (event["end"] - event["start"]) / span
    years = list(range(first, last + 1))
    return {"events": dated, "undated": [event for event in events if not event["date"]],
            "axis": [{"value": year, "percent": 100 * (year - first) / span,
                      "minor": len(years) > 7 and (year - first) % 2 == 1} for year in years]}


@hookimpl
def extra_template_vars(template, datasette):
    if template != "pages/at-a-glance.html":
        return {}

    async def charts():
        urls, db = datasette.urls, datasette.get_database(DATABASE)
        table = lambda name, query="": urls.table(DATABASE, name) + (f"?{query}" if query else "")  # noqa: E731
        levels = [dict(row) for row in await db.execute("select code, label from support_levels order by rank is null, rank")]
        level_codes = [level["code"] for level in levels]
        by_theme = stacked(
            await run(datasette, "recommendations_by_theme_and_support"),
            ("theme", "theme_label"), ("support_level", "support_label", "recommendations"), level_codes,
            lambda r: table("recommendations", f"theme={r['theme']}&support_level={r['support_level']}"),
            lambda r: table("recommendations", f"theme={r['theme']}"), "recommendation")
        # A _through filter beside a column filter gets the same parameter name in Datasette 0.65 and
        # finds nothing, so the outcome is given as a where clause.
        with_outcome = lambda r: "_where=" + quote(outcome_condition(r["outcome"]))  # noqa: E731
        by_outcome = stacked(
            await run(datasette, "outcomes_by_support"),
            ("outcome", "outcome_label"), ("support_level", "support_label", "recommendations"), level_codes,
            lambda r: table("recommendations", f"support_level={r['support_level']}&{with_outcome(r)}"),
            lambda r: table("recommendations", with_outcome(r)), "recommendation")
        coding_rows = await run(datasette, "coding_by_section")
        tables = sorted({r["table_name"] for r in coding_rows if r["table_name"]},
                        key=list(datasette.plugin_config("mandate-notes")["content_tables"]).index)
        titles = {name: datasette.table_metadata(DATABASE, name).get("title", name) for name in tables}
        for row in coding_rows:
            row["table_title"] = titles.get(row["table_name"])
            row["bar"] = f"{row['document_id']}|{row['section_start']}"
            row["bar_label"] = row["section"] or "(cover, opening and back matter)"
        in_section = lambda r: "_where=" + quote(section_condition(r["document_id"], r["section"]))  # noqa: E731
        # A bar spans several tables: only its segments open rows.
        coding = stacked(coding_rows, ("bar", "bar_label"), ("table_name", "table_title", "coded_rows"), tables,
                         lambda r: table(r["table_name"], in_section(r)), lambda r: None, "row")
        events = await run(datasette, "events_timeline")
        for event in events:
            event["url"] = urls.row(DATABASE, "events", event["event_id"])
        return {
            "dataset_title": datasette.metadata("title"),
            "query_url": lambda name: urls.query(DATABASE, name),
            "by_theme": {**by_theme, "legend": [level["label"] for level in levels]},
            "by_outcome": {**by_outcome, "legend": [level["label"] for level in levels]},
            "coding": {**coding, "legend": [titles[name] for name in tables]},
            "timeline": timeline(events),
        }

    return charts
