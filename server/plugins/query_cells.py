"""Ids link to their rows wherever Datasette shows them bare; search snippets show the matched words
(with their emphasis and footnote markers as every page shows them); a question's column that lists
rows one a line ("<id> <label>: <words>", mandate_notes/queries.py LINKED_LINES) shows each as a link
to its row, with its label in words.

Table pages already turn foreign keys into labelled links (their values reach this hook as
dicts); row pages and query results show bare ids, which this hook links.
"""

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from mandate_notes.markup import affordable, document_of, footnote_pages, marked_up, renderable


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
    lines_of = config["linked_line_columns"].get(column) if table is None else None
    if lines_of:
        return linked_lines(datasette, database, lines_of, value)
    if table is None and column == "snippet" and renderable(value):
        opening, closing = config["snippet_marks"]

        async def snippet():
            db = datasette.get_database(database)
            pages = await footnote_pages(datasette, db, await document_of(db, row))
            return Markup(str(marked_up(value, pages)).replace(opening, "<mark>").replace(closing, "</mark>"))

        return snippet
    return None


def linked_lines(datasette, database: str, table: str, value: str) -> Markup | None:
    """Each line "<id> <label>: <words>" as a list item: the label, and the words linked to the row
    (None, the value as written, once the request has written all the elements it may)."""
    lines = value.splitlines()
    if not affordable(len(lines), len(value)):
        return None
    items = []
    for line in lines:
        row_id, _, rest = line.partition(" ")
        label, _, words = rest.partition(": ")
        url = datasette.urls.row(database, table, tilde_encode(row_id))
        items.append(f'<li><span class="line-label">{escape(label)}</span>: '
                     f'<a href="{escape(url)}" title="{escape(row_id)}">{escape(words or row_id)}</a></li>')
    return Markup(f'<ul class="linked-lines">{"".join(items)}</ul>')
