"""Text cells of table and question pages as the source wrote them: Markdown emphasis rendered,
footnote markers in the one form of mandate_notes/markup.py (linked to the row's document's
footnotes), and columns of footnote numbers shown as markers. CSV and JSON stay as published."""

from datasette import hookimpl
from markupsafe import escape

from mandate_notes.markup import MARKER, document_of, emphasised, footnote_pages, marked_up, markers, renderable
from schemas.definitions import TABLES

# Columns, by table, that are prose: strings without a pattern (ids, codes and dates have one).
PROSE = {spec.name: {f.name for f in spec.fields if f.type == "string"
                     and f.constraints.pattern is None and "footnote_markers" != f.name}
         for spec in TABLES}
# Columns of footnote numbers a row marks or cites; by this name in the questions' results too.
MARKERS = {spec.name: {f.name for f in spec.fields if f.footnote_of or f.name == "footnote_markers"}
           for spec in TABLES}
QUESTION_MARKERS = set().union(*MARKERS.values())


def is_prose(value):
    return MARKER.search(value) is not None or str(emphasised(value)) != str(escape(value))


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value in (None, "") or isinstance(value, (dict, bytes)):
        return None
    if isinstance(value, str) and not renderable(value):
        return None  # the request has rendered all the markup it may: Datasette shows the text
    config = datasette.plugin_config("mandate-notes")
    number_column = column in (MARKERS.get(table, ()) if table else QUESTION_MARKERS)
    if table is None and (column in config["row_link_columns"] or column in config["linked_line_columns"]
                          or column == "snippet"):
        return None  # ids and search snippets: server/plugins/query_cells.py
    prose = isinstance(value, str) and (column in PROSE.get(table, ()) if table else True)
    if not number_column and not (prose and not value.startswith(("https://", "http://")) and is_prose(value)):
        return None

    async def cell():
        db = datasette.get_database(database)
        pages = await footnote_pages(datasette, db, await document_of(db, row))
        if number_column:
            return markers(value, pages)
        footnote = "kind" in row.keys() and row["kind"] == "footnote"
        return marked_up(value, pages, footnote=footnote)

    return cell

