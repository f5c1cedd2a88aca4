"""What the server tells strangers: hardening headers on every response, and no filesystem paths.

Datasette 0.65 shows where its files lie in three places: the `path` of each database in
`/-/databases.json` (and the `/-/databases` page), the code each running task stands at in
`/-/threads.json` (and `/-/threads`: Python's own files, the plugins'), and the `file` column of
SQLite's `pragma_database_list`, which any visitor can select. None helps a reader of the dataset,
and each tells an attacker where the server's files are. The two routes are answered here without
the paths (a file is named by its name alone); the column reads as NULL, through SQLite's
authorizer, so queries that select it still run.

Every response carries the headers of mandate_notes/headers.py (Content-Security-Policy,
X-Frame-Options, X-Content-Type-Options, Referrer-Policy); the responses the HTTP server writes
itself get them from its protocol (mandate_notes/idle_protocol.py). Escaping remains the defence
against injected markup.
"""

import json
import re
import sqlite3

from datasette import Response, hookimpl

from mandate_notes.headers import with_headers

# (table, column) pairs that hold a filesystem path; the authorizer makes them read as NULL.
PATH_COLUMNS = {("pragma_database_list", "file")}


def hide_paths(action, table, column, database, trigger):
    if action == sqlite3.SQLITE_READ and (table, column) in PATH_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    conn.set_authorizer(hide_paths)


def harden(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_headers(message.get("headers", []))}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


async def json_listing(datasette, request, filename: str, listing):
    """A /-/ listing as Datasette shows it: JSON where the address asks for it, else its page."""
    if request.url_vars.get("format"):
        return Response.json(listing)
    html = await datasette.render_template(
        "show_json.html", {"filename": filename, "data_json": json.dumps(listing, indent=4)}, request=request)
    return Response.html(html)


async def databases(datasette, request):
    """Datasette's /-/databases listing, each database without its path on disk."""
    listing = [{key: value for key, value in database.items() if key != "path"}
               for database in datasette._connected_databases()]
    return await json_listing(datasette, request, "databases.json", listing)


# A path of folders ending in a file's name, as Python writes where code stands ("/usr/lib/x/y.py").
# Each repetition ends at the next separator, which the repeated part cannot hold: linear time.
FOLDERS = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?[/\\](?:[^\s/\\:<>()\[\]'\"]*[/\\])+")


def without_folders(text: str) -> str:
    """text with every file named by its name alone.

    >>> without_folders("cb=[_run() at /usr/lib/python3.11/asyncio/base_events.py:180]")
    'cb=[_run() at base_events.py:180]'
    """
    return FOLDERS.sub("", text)


async def threads(datasette, request):
    """Datasette's /-/threads listing, each task's code named by its file's name alone."""
    listing = json.loads(without_folders(json.dumps(datasette._threads())))
    return await json_listing(datasette, request, "threads.json", listing)


@hookimpl
def register_routes():
    # Plugin routes come before Datasette's own, so these answer instead of Datasette's.
    return [(r"^/-/databases(?P<format>\.json)?$", databases), (r"^/-/threads(?P<format>\.json)?$", threads)]


# Last in the hook order, so applied last: the outermost wrapper, whose headers reach every response the
# other plugins make (the read-only refusal, the size limits) as well as Datasette's own.
@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    return harden
