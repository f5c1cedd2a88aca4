"""A recommendation's page shows the Council's side: the paragraphs of the mandate in force it
concerned and what the Council then decided, each paragraph in full with the quote highlighted."""

from datasette import hookimpl
from datasette.utils import urlsafe_components

from mandate_notes.markup import highlighted

LINKS = {
    "mandate": (
        "select l.mandate_link_id as row_id, l.paragraph_id, l.quote, l.reason, l.notes, c.label as code, "
        "s.symbol, p.number, p.text from mandate_links l "
        "join mandate_relations c on c.code = l.relation "
        "join resolutions s on s.document_id = l.document_id "
        "left join paragraphs p on p.paragraph_id = l.paragraph_id "
        "where l.recommendation_id = ? order by l.mandate_link_id",
        "mandate_links"),
    "outcomes": (
        "select o.outcome_id as row_id, o.paragraph_id, o.quote, o.reason, o.notes, c.label as code, "
        "s.symbol, p.number, p.text from recommendation_outcomes o "
        "join outcome_types c on c.code = o.outcome "
        "join resolutions s on s.document_id = o.document_id "
        "left join paragraphs p on p.paragraph_id = o.paragraph_id "
        "where o.recommendation_id = ? order by o.outcome_id",
        "recommendation_outcomes"),
}


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "row.html" or table != "recommendations" or request is None:
        return {}

    async def context():
        db = datasette.get_database(database)
        [recommendation_id] = urlsafe_components(request.url_vars["pks"])
        side = {}
        for name, (sql, link_table) in LINKS.items():
            side[name] = [{
                "url": datasette.urls.row(database, link_table, row["row_id"]),
                "code": row["code"], "symbol": row["symbol"], "number": row["number"],
                "paragraph_url": row["paragraph_id"] and datasette.urls.row(database, "paragraphs", row["paragraph_id"]),
                "text": row["text"] and highlighted(row["text"], row["quote"]),
                "reason": row["reason"], "notes": row["notes"],
            } for row in (await db.execute(sql, [recommendation_id])).rows]
        return {"council_side": side if any(side.values()) else None}

    return context
