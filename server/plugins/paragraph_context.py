"""A paragraph's page: its text with footnote markers linked, its footnotes, and the rows coded from it."""

from datasette import hookimpl
from datasette.utils import path_from_row_pks, urlsafe_components
from mandate_notes.markup import footnote_marker, footnote_pages, marked_up, on_this_page

ROWS_SHOWN = 100


async def coded_rows(datasette, db, paragraph_id):
    """Rows of every table with a key to paragraphs that points at this paragraph, by table."""
    groups = []
    for key in (await db.get_all_foreign_keys())["paragraphs"]["incoming"]:
        table, column = key["other_table"], key["other_column"]
        pks = await db.primary_keys(table)
        label = await db.label_column_for_table(table)
        has_quote = "quote" in await db.table_columns(table)
        shown = ", ".join(f'"{c}"' for c in pks + ([label] if label else []) + (["quote"] if has_quote else []))
        order = ", ".join(f'"{c}"' for c in pks)
        rows = (await db.execute(
            f'select {shown} from "{table}" where "{column}" = ? order by {order} limit {ROWS_SHOWN + 1}',
            [paragraph_id])).rows
        if rows:
            groups.append({
                "table": table, "column": column, "more": len(rows) > ROWS_SHOWN,
                "title": datasette.table_metadata(db.name, table).get("title", table),
                "rows": [{"url": datasette.urls.row(db.name, table, path_from_row_pks(row, pks, False)),
                          "key": ", ".join(str(row[k]) for k in pks),
                          "label": row[label] if label and label not in pks else None,
                          "quote": marked_up(row["quote"], on_this_page) if has_quote and row["quote"] else None}
                         for row in rows[:ROWS_SHOWN]],
            })
    return groups


def numbered(text, marker):
    """A footnote's text led by its marker (as printed, or added where the text lacks it)."""
    return text if text.startswith(marker) else marker + " " + text


async def footnotes(datasette, db, paragraph):
    notes = []
    for number in filter(None, (paragraph["footnote_markers"] or "").split(";")):
        note = (await db.execute(
            "select paragraph_id, text from paragraphs where document_id = ? and kind = 'footnote' "
            "and footnote_number = ?", [paragraph["document_id"], int(number)])).first()
        citations = (await db.execute(
            "select c.citation_id, c.pinpoint, w.work_id, coalesce(w.title, w.un_symbol, w.work_id) as work "
            "from citations c left join works w on w.work_id = c.work_id "
            "where c.document_id = ? and c.footnote_number = ? order by c.position",
            [paragraph["document_id"], int(number)])).rows
        url = note and datasette.urls.row(db.name, "paragraphs", note["paragraph_id"])
        notes.append({
            "number": number,
            # A footnote begins with its own number, shown as every marker is (linked to its page).
            "marker": footnote_marker(number, url),
            "paragraph": note and {"url": url, "id": note["paragraph_id"],
                                   "text": numbered(marked_up(note["text"], lambda n, url=url: url, footnote=True),
                                                    footnote_marker(number, url))},
            "citations_url": datasette.urls.table(db.name, "citations")
            + f"?document_id={paragraph['document_id']}&footnote_number={number}",
            "citations": [{"url": datasette.urls.row(db.name, "citations", c["citation_id"]),
                           "id": c["citation_id"], "pinpoint": c["pinpoint"], "work": c["work"],
                           "work_url": c["work_id"] and datasette.urls.row(db.name, "works", c["work_id"])}
                          for c in citations],
        })
    return notes


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    if template != "row.html" or table != "paragraphs" or request is None:
        return {}

    async def context():
        db = datasette.get_database(database)
        paragraph_id = urlsafe_components(request.url_vars["pks"])[0]
        paragraph = (await db.execute("select * from paragraphs where paragraph_id = ?", [paragraph_id])).first()
        if paragraph is None:
            return {}
        marked_in = []
        if paragraph["kind"] == "footnote":
            marked_in = [{"id": row[0], "url": datasette.urls.row(database, "paragraphs", row[0])}
                         for row in (await db.execute(
                             "select paragraph_id from paragraphs where document_id = ? "
                             "and ';' || footnote_markers || ';' like ? order by sequence",
                             [paragraph["document_id"], f"%;{paragraph['footnote_number']};%"])).rows]
        return {"paragraph": {
            "id": paragraph_id, "section": paragraph["section"], "kind": paragraph["kind"],
            "number": paragraph["number"], "document_id": paragraph["document_id"],
            "document_kind": (await db.execute("select kind from documents where document_id = ?",
                                               [paragraph["document_id"]])).first()["kind"],
            # A body paragraph's markers lead to its footnotes below; a footnote's own number, to itself.
            "text": marked_up(paragraph["text"], footnote=True,
                              footnote_url=await footnote_pages(datasette, db, paragraph["document_id"]))
            if paragraph["kind"] == "footnote" else marked_up(paragraph["text"], on_this_page),
            "footnotes": await footnotes(datasette, db, paragraph),
            "marked_in": marked_in,
            "coded": await coded_rows(datasette, db, paragraph_id),
            "document_url": datasette.urls.row(database, "documents", paragraph["document_id"]),
        }}

    return context
