"""A recommendation's page shows the Council's side: the paragraphs of the mandate in force it
concerned and what the Council then decided, each paragraph in full with the quote highlighted."""

from datasette import hookimpl
from datasette.utils import urlsafe_components

from mandate_notes.markup import highlighted
from schemas.definitions import CODE_LIST_NAMES, table

def rows_sql(name: str) -> str:
    """A recommendation's rows of a Council-side table, with code label, resolution and paragraph;
    the table's key and its code column (the one referring to a code list) come from the model."""
    spec = table(name)
    key = spec.primary_key[0]
    [code] = [k for k in spec.foreign_keys if k.table in CODE_LIST_NAMES]
    return (f"select t.{key} as row_id, t.paragraph_id, t.quote, t.reason, t.notes, c.label as code, "
            f"s.symbol, p.number, p.text from {name} t "
            f"join {code.table} c on c.code = t.{code.column} "
            "join resolutions s on s.document_id = t.document_id "
            "left join paragraphs p on p.paragraph_id = t.paragraph_id "
            f"where t.recommendation_id = ? order by t.{key}")


# (title on the page, table, what the page says when the recommendation has no row there)
PARTS = [
    ("The mandate in force", "mandate_links", "No link to the mandate in force is coded."),
    ("What the Council then decided", "recommendation_outcomes",
     "Not addressed to the Security Council: the Council's decision is not coded for it."),
]


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "row.html" or table != "recommendations" or request is None:
        return {}

    async def context():
        db = datasette.get_database(database)
        [recommendation_id] = urlsafe_components(request.url_vars["pks"])
        side = []
        for title, link_table, none in PARTS:
            rows = [{
                "url": datasette.urls.row(database, link_table, row["row_id"]),
                "code": row["code"], "symbol": row["symbol"], "number": row["number"],
                "paragraph_url": row["paragraph_id"] and datasette.urls.row(database, "paragraphs", row["paragraph_id"]),
                "text": row["text"] and highlighted(row["text"], row["quote"]),
                "reason": row["reason"], "notes": row["notes"],
            } for row in (await db.execute(rows_sql(link_table), [recommendation_id])).rows]
            side.append({"title": title, "rows": rows, "none": none})
        return {"council_side": side if any(part["rows"] for part in side) else None}

    return context
