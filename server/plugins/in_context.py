"""A coded row's page shows the paragraph it comes from, with the row's quote highlighted and its
footnote markers linked to the footnotes."""

from datasette import hookimpl
from datasette.utils import urlsafe_components

from mandate_notes.markup import footnote_pages, highlighted, marked_up


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "row.html" or table == "paragraphs" or request is None:
        return {}

    async def context():
        db = datasette.get_database(database)
        keys = [k for k in (await db.get_all_foreign_keys())[table]["outgoing"]
                if k["other_table"] == "paragraphs" and k["column"] == "paragraph_id"]
        if not keys:
            return {}
        pks = await db.primary_keys(table)
        has_quote = "quote" in await db.table_columns(table)
        where = " and ".join(f'r."{k}" = ?' for k in pks)
        row = (await db.execute(
            f'select p.paragraph_id, p.document_id, p.kind, p.section, p.text, {"r.quote" if has_quote else "null"} as quote '
            f'from "{table}" r join paragraphs p on p.paragraph_id = r.paragraph_id where {where}',
            urlsafe_components(request.url_vars["pks"]))).first()
        if row is None:
            return {}
        text = highlighted(row["text"], row["quote"])
        return {"in_context": {
            "paragraph_id": row["paragraph_id"], "section": row["section"],
            "url": datasette.urls.row(database, "paragraphs", row["paragraph_id"]),
            "text": marked_up(text, await footnote_pages(datasette, db, row["document_id"]),
                              footnote=row["kind"] == "footnote"),
        }}

    return context
