"""CSV downloads that open cleanly: named files, values written as the published tables write them.

A table's `.csv` without filters is its published file, byte for byte (or, where that file is not
beside the server or differs from the database, the database's rows written the same way); a
filtered table's or a query's `.csv` is Datasette's export with true/false, numbers without ".0",
LF, and every cell a spreadsheet would run as a formula neutralised (mandate_notes/downloads.py).
Every one is an attachment named after its table or query. With `_sources=on`, every row also
carries its source as columns (server/plugins/csv_sources.py), in a file named NAME-with-sources.csv.
"""

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from mandate_notes.downloads import column_types, rewrite_datasette_csv, table_as_published, table_types
from mandate_notes.downloads import published_file_if_same
from mandate_notes.model import DATA
from mandate_notes.csv_sources import ARGUMENT as SOURCES, with_sources
from schemas.definitions import TABLES

DATABASE = "mandate_notes"
# Query arguments that change neither which rows a table's CSV holds nor how they are written.
WHOLE_TABLE_ARGUMENTS = {"_dl", "_stream", "_size"}


async def published_table(datasette, name: str) -> bytes:
    kept = datasette.__dict__.setdefault("_published_tables", {})
    if name not in kept:
        columns, rows = await datasette.get_database(DATABASE).execute_fn(
            lambda conn: whole_table(conn, name))
        exported = table_as_published(columns, rows, name)
        kept[name] = published_file_if_same(DATA, name, exported) or exported.encode("utf-8")
    return kept[name]


def whole_table(conn, name: str) -> tuple[list, list]:
    """A published table's columns and every row, read by the site itself: the bound on the values a
    visitor's query may return (server/plugins/limits.py) is for what a visitor asks, and the largest
    table holds more values than a page may."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(f"select * from [{name}] order by rowid")
    rows = cursor.fetchall()
    return [column[0] for column in cursor.description], rows


def csv_headers(name: str) -> list:
    return [(b"content-type", b"text/csv; charset=utf-8"),
            (b"content-disposition", f'attachment; filename="{name}.csv"'.encode())]


def downloads(datasette):
    tables = {spec.name for spec in TABLES}

    def wrap(app):
        async def wrapped(scope, receive, send):
            route = re.escape(datasette.get_database(DATABASE).route)
            match = re.fullmatch(rf"/{route}(?:/(?P<name>[^/]+))?\.csv", scope.get("path", "")) \
                if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") else None
            if match is None:
                await app(scope, receive, send)
                return
            name = match["name"] or DATABASE
            args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            if "_trace" in dict(args):  # Datasette's CSV debug page: HTML showing the CSV, no download
                await app(scope, receive, send)
                return
            sourced = (SOURCES, "on") in args
            if sourced:  # Datasette's export, without the argument it does not know, then the sources added
                args = [(key, value) for key, value in args if key != SOURCES]
                scope = {**scope, "query_string": urlencode(args).encode("latin-1")}
            if name in tables and not sourced and all(key in WHOLE_TABLE_ARGUMENTS and (key != "_size" or value == "max")
                                                      for key, value in args):
                body = await published_table(datasette, name)
                await send({"type": "http.response.start", "status": 200,
                            "headers": csv_headers(name) + [(b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                return
            kinds = table_types(name) if name in tables else column_types()
            state = {"start": None, "chunks": []}

            async def rewriting_send(message):
                if message["type"] == "http.response.start" and message["status"] == 200:
                    state["start"] = message
                    return
                if state["start"] is None:  # an error page, passed on as it is
                    await send(message)
                    return
                state["chunks"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                text = rewrite_datasette_csv(b"".join(state["chunks"]).decode("utf-8"), kinds)
                if sourced:
                    text = await with_sources(datasette.get_database(DATABASE), text)
                body = text.encode("utf-8")
                kept = [(key, value) for key, value in state["start"].get("headers", [])
                        if key.lower() not in (b"content-type", b"content-disposition", b"content-length")]
                await send({**state["start"], "headers": kept + csv_headers(f"{name}-with-sources" if sourced else name)
                            + [(b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, rewriting_send)

        return wrapped

    return wrap


# First in the hook order, so applied first: the innermost wrapper, beneath compression and the
# response limits, which then see the CSV as it is sent.
@hookimpl(tryfirst=True)
def asgi_wrapper(datasette):
    return downloads(datasette)
