"""Error responses that are cheap to make and say whose fault they are.

Datasette 0.65's default error handler prints a `rich` traceback with every local variable for every
error, a 404 included, whenever `rich` is importable (here it is, through frictionless). On this
dataset that takes a second or more of the server's single event loop per error, so a visitor sending
bad URLs could stall every other visitor. The plain `traceback.print_exc()` Datasette also does for a
real 500 is kept.

Datasette also answers 500 to some malformed query parameters: an unknown `_sort` column, `_sort`
beside `_sort_desc`, a non-numeric `_timelimit`, `_through`, `_facet` or `__in` values that are not
the JSON it expects (or nest too deeply to read), a number too large for SQLite, a value or result
beyond the server's limits in a table's filters, a `_where` that Python's sqlite3 refuses to run (two
statements, a parameter without a value, a NUL character). Those are the client's error: once such a request
has failed, it gets 400 with a message saying what to fix. Requests that succeed are never touched.
Every DatasetteError Datasette 0.65 raises with its default status 500 reports a bad request (an
unknown sort column, both sort orders, a `_through` without its foreign key), so each is a 400.

An error page is a page of the site: Datasette's own handler renders error.html with none of what
every other page gets (the site's stylesheet, the request, the plugins' template variables), so the
page is rendered here through Datasette's render_template, as every other page is. JSON errors stay
Datasette's.

A request refused because its client, or the clients together, hold their share of the server
(mandate_notes/fair_share.py) is answered 503 ("Server busy") with Retry-After.
"""

import json
import sqlite3
import traceback

import datasette.handle_exception as default_handler
from datasette import Response, hookimpl
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

from mandate_notes.fair_share import ServerBusy
from mandate_notes.serve import RETRY_AFTER_SECONDS

default_handler.rich = None

SQLITE_MAX_INTEGER = 2**63 - 1


def _json(value: str):
    try:
        return json.loads(value)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's stack allows
        return None


def _parameter_error(key: str, value: str) -> str | None:
    digits = value.isascii() and value.isdigit()
    if key == "_timelimit" and not digits:
        return "_timelimit must be a whole number of milliseconds"
    if key == "_through":
        through = _json(value)
        if not isinstance(through, dict) or not {"table", "column", "value"} <= set(through):
            return '_through must be a JSON object with "table", "column" and "value"'
    if key.startswith("_facet") and value.startswith("{"):
        config = _json(value)
        if not isinstance(config, dict) or "simple" not in config:
            return f'{key} given as JSON must be an object with "simple"'
    if key.endswith(("__in", "__notin")) and value.startswith("[") and not isinstance(_json(value), list):
        return f"{key} given as JSON must be a list"
    # Python's isdigit(), which Datasette relies on, is true for digits that int() refuses, such as ².
    if value.isdigit() and not digits:
        return f"{key}: numbers must be written with the digits 0-9"
    if not key.startswith("_") and digits and int(value) > SQLITE_MAX_INTEGER:
        return f"{key}: a number in a filter must be no larger than {SQLITE_MAX_INTEGER}"
    return None


def client_error(request, exception) -> str | None:
    """The message for an exception caused by a malformed parameter, or None."""
    if isinstance(exception, DatasetteError) and exception.status == 500:
        if str(exception.message).startswith("Cannot sort table by"):
            return f"{exception.message}: _sort and _sort_desc take a sortable column of the table"
        return str(exception.message)
    if isinstance(exception, sqlite3.DataError):  # a value or result beyond the limits (limits.py)
        return str(exception)
    if isinstance(exception, sqlite3.ProgrammingError) and "_where" in request.args:
        # SQL the visitor wrote that Python's sqlite3 refuses before SQLite reads it: two statements,
        # a parameter with no value, a NUL character.
        return f"_where: {exception}"
    for key in request.args.keys():
        for value in request.args.getlist(key):
            error = _parameter_error(key, value)
            if error is not None:
                return error
    return None


def status_title_message(exception) -> tuple[int, str | None, str]:
    """What Datasette's own handler says of an exception: its status, title and message."""
    if isinstance(exception, Base400):
        return exception.status, None, exception.args[0]
    if isinstance(exception, DatasetteError):
        # Datasette escapes what an HTML message holds (a timed-out query's SQL) itself.
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, exception.title, message
    traceback.print_exc()
    return 500, None, str(exception)


def error_page(datasette, request, exception):
    async def page():
        status, title, message = status_title_message(exception)
        html = await datasette.render_template(
            [f"{status}.html", "error.html"], {"ok": False, "error": message, "status": status, "title": title},
            request=request)
        return Response.html(html, status=status)

    return page


# Not an error page: datasette-sitemap answers /robots.txt from the NotFound it raises.
ANSWERED_BY_OTHER_PLUGINS = {"/robots.txt"}


def retry_later(page):
    async def busy_page():
        response = await page()
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    return busy_page


@hookimpl
def handle_exception(datasette, request, exception):
    if request.path in ANSWERED_BY_OTHER_PLUGINS:
        return None
    if isinstance(exception, ServerBusy):
        busy = DatasetteError(str(exception), status=503, title="Server busy")
        return retry_later(handle_exception(datasette, request, busy))
    message = client_error(request, exception)
    if message is not None:
        exception = DatasetteError(message, status=400, title="Bad request")
    if request.path.split("?")[0].endswith(".json"):
        # Datasette's own handler answers in JSON.
        return default_handler.handle_exception(datasette, request, exception)
    return error_page(datasette, request, exception)
