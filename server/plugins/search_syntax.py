"""One search syntax for every search box: the site-wide search question and each table's box.

The canned search calls fts_query() in SQL. A table's box goes through the SQL function
escape_fts, which Datasette 0.65 defines so that it keeps quotes but turns `elect*` and `OR` into
plain words and a lone `"` into an FTS5 syntax error; here escape_fts is fts_query too (defined
after Datasette's own, so it wins), and no search ends on an "Invalid SQL" page.

A full-text query's time grows with its terms, so fts_query (under both its names) refuses a text
longer than MAX_SEARCH_CHARS (an OverflowError, which SQLite reports as "string or blob too big"):
the server runs an FTS5 query only when its text is bounded by construction (server/plugins/sql_limits.py).

resolution_number() reads a resolution's symbol or number in what was typed, for the search question.
Each connection to the dataset also holds FTS5's vocabulary table of each full-text index
(temp.NAME_fts_vocab), the index's own words, which server/plugins/did_you_mean.py reads.
"""

from datasette import hookimpl

from mandate_notes.search import fts_query, resolution_number
from mandate_notes.serve import MAX_SEARCH_CHARS


def bounded_fts_query(text):
    if text is not None and len(str(text)) > MAX_SEARCH_CHARS:
        raise OverflowError(f"a search may be at most {MAX_SEARCH_CHARS} characters")
    return fts_query(text)


@hookimpl(trylast=True)
def prepare_connection(conn, database):
    conn.create_function("fts_query", 1, bounded_fts_query, deterministic=True)
    conn.create_function("escape_fts", 1, bounded_fts_query, deterministic=True)
    conn.create_function("resolution_number", 1, resolution_number, deterministic=True)
    if database == "_internal":
        return
    indexes = [row[0] for row in conn.execute(
        "select name from sqlite_master where type = 'table' and name like '%\\_fts' escape '\\' "
        "and sql like '%using fts5%'")]
    for index in indexes:
        conn.execute(f'create virtual table if not exists temp."{index}_vocab" using fts5vocab(main, "{index}", row)')
