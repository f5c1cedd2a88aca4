"""Ids link to their rows wherever Datasette shows them bare; search snippets show the matched words
(with their emphasis and footnote markers as every page shows them).

Table pages already turn foreign keys into labelled links (their values reach this hook as
dicts); row pages and query results show bare ids, which this hook links.
"""

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from mandate_notes.markup import document_of, footnote_pages, marked_up


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or value == "":
        return None
    config = datasette.plugin_config("mandate-notes")
    target = config["row_link_columns"].get(column)
    if table is None and column == "row_id" and "table_name" in row.keys():
        target = row["table_name"]
    if target:
        url = datasette.urls.row(database, target, tilde_encode(value))
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if table is None and column == "snippet":
        opening, closing = config["snippet_marks"]

        async def snippet():
            db = datasette.get_database(database)
            pages = await footnote_pages(datasette, db, await document_of(db, row))
            return Markup(str(marked_up(value, pages)).replace(opening, "<mark>").replace(closing, "</mark>"))

        return snippet
    return None
