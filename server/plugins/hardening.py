"""What the server tells strangers: hardening headers on every response, and no filesystem paths.

Datasette 0.65 shows where its database lies in two places: the `path` of each database in
`/-/databases.json` (and the `/-/databases` page), and the `file` column of SQLite's
`pragma_database_list`, which any visitor can select. Neither helps a reader of the dataset, and
both tell an attacker where the server's files are. The first route is answered here without the
paths; the second column reads as NULL, through SQLite's authorizer, so queries that select it still run.

Every response carries a Content-Security-Policy, X-Frame-Options, X-Content-Type-Options and a
Referrer-Policy (no-referrer, as Datasette already sends on its query pages, whose URLs hold SQL).
Datasette's own templates hold inline scripts (menus, the SQL editor), so scripts and styles may be
inline; everything else must come from this site, nothing may frame it, and
nothing is loaded from elsewhere. Escaping remains the defence against injected markup.
"""

import json
import sqlite3

from datasette import Response, hookimpl

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}
# (table, column) pairs that hold a filesystem path; the authorizer makes them read as NULL.
PATH_COLUMNS = {("pragma_database_list", "file")}


def hide_paths(action, table, column, database, trigger):
    if action == sqlite3.SQLITE_READ and (table, column) in PATH_COLUMNS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    conn.set_authorizer(hide_paths)


def with_headers(headers) -> list:
    present = {name.lower() for name, _ in headers}
    return list(headers) + [(name, value) for name, value in HEADERS.items() if name not in present]


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


async def databases(datasette, request):
    """Datasette's /-/databases listing, each database without its path on disk."""
    listing = [{key: value for key, value in database.items() if key != "path"}
               for database in datasette._connected_databases()]
    if request.url_vars.get("format"):
        return Response.json(listing)
    html = await datasette.render_template(
        "show_json.html", {"filename": "databases.json", "data_json": json.dumps(listing, indent=4)},
        request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    # Plugin routes come before Datasette's own, so this one answers instead of Datasette's.
    return [(r"^/-/databases(?P<format>\.json)?$", databases)]


# Last in the hook order, so applied last: the outermost wrapper, whose headers reach every response the
# other plugins make (the read-only refusal, the size limits) as well as Datasette's own.
@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    return harden
