"""One search syntax for every search box: the site-wide search question and each table's box.

The canned search calls fts_query() in SQL. A table's box goes through the SQL function
escape_fts, which Datasette 0.65 defines so that it keeps quotes but turns `elect*` and `OR` into
plain words and a lone `"` into an FTS5 syntax error; here escape_fts is fts_query too (defined
after Datasette's own, so it wins), and no search ends on an "Invalid SQL" page.
"""

from datasette import hookimpl

from mandate_notes.search import fts_query


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
