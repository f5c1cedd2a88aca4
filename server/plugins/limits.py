"""One request cannot take the server's memory or its event loop for long.

A request with more than MAX_QUERY_PARAMETERS query-string parameters is refused (400) before
Datasette reads them: its handling of repeated parameters grows with their square.

Datasette bounds a query's time (sql_time_limit_ms) and its row count (max_returned_rows) but not
its bytes: `select zeroblob(100000000)` made a 600 MB response, took 3.9 GB of memory and kept every
other visitor waiting. Three bounds, stated in mandate_notes/serve.py, close that:

- no SQL value may exceed MAX_VALUE_BYTES (SQLite's own length limit: "string or blob too big");
- one query's fetched rows may not exceed MAX_RESULT_BYTES, nor hold more than MAX_RESULT_CELLS
  values (each costs an HTML page microseconds of the event loop), checked row by row as they are fetched;
- no response may send more than MAX_RESPONSE_BYTES, whatever produced it.

And one client may not hold more than its share of the server (mandate_notes/fair_share.py): at most
MAX_CLIENT_REQUESTS requests answered at once, and the rows its requests fetch are held against its
share of MAX_HELD_ROW_BYTES (counted here, row by row, for the request whose query fetches them).
"""

import json
import sqlite3
import weakref

from datasette import hookimpl

from mandate_notes import request_budget
from mandate_notes.fair_share import ClientRequests, ServerBusy, client_of
from mandate_notes.serve import (
    MAX_CLIENT_REQUESTS, MAX_QUERY_PARAMETERS, MAX_RESPONSE_BYTES, MAX_RESULT_BYTES, MAX_RESULT_CELLS,
    MAX_VALUE_BYTES, RETRY_AFTER_SECONDS,
)

RESULT_TOO_BIG = (f"result too big: a query may return at most {MAX_RESULT_BYTES:,} bytes; "
                  "ask for fewer rows or columns")
TOO_MANY_CELLS = (f"result too big: a query may return at most {MAX_RESULT_CELLS:,} values; "
                  "ask for fewer rows or columns")
RESPONSE_TOO_BIG = f"response too big: at most {MAX_RESPONSE_BYTES:,} bytes are sent for one request"
TOO_MANY_PARAMETERS = f"too many query parameters: a request may have at most {MAX_QUERY_PARAMETERS}"


def value_bytes(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else 8


def budgeted_rows():
    """A row factory building Datasette's sqlite3.Row while counting each cursor's bytes and values."""
    spent = weakref.WeakKeyDictionary()

    def row_factory(cursor, values):
        size = sum(value_bytes(value) for value in values)
        total, cells = spent.get(cursor, (0, 0))
        total, cells = total + size, cells + len(values)
        if total > MAX_RESULT_BYTES:
            raise sqlite3.DataError(RESULT_TOO_BIG)
        if cells > MAX_RESULT_CELLS:
            raise sqlite3.DataError(TOO_MANY_CELLS)
        request_budget.hold_rows(size)
        spent[cursor] = total, cells
        return sqlite3.Row(cursor, values)

    return row_factory


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.row_factory = budgeted_rows()


def error_response(status: int, message: str, headers: tuple = ()):
    """The start and body messages of a JSON error response, as Datasette words its errors."""
    body = json.dumps({"ok": False, "error": message}).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode()), *headers]}
    return start, {"type": "http.response.body", "body": body}


def too_big_response():
    return error_response(500, RESPONSE_TOO_BIG)


def parameter_count(query_string: bytes) -> int:
    """How many parameters a query string holds (counted without decoding them).

    >>> parameter_count(b"_where=1&_where=2&_facet=kind&&x")
    4
    """
    return sum(1 for part in query_string.split(b"&") if part)


def bound_parameters(app):
    """Refuse a request with more query-string parameters than MAX_QUERY_PARAMETERS."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and parameter_count(scope.get("query_string", b"")) > MAX_QUERY_PARAMETERS:
            for part in error_response(400, TOO_MANY_PARAMETERS):
                await send(part)
            return
        await app(scope, receive, send)

    return wrapped


def bound_clients(app):
    """Refuse a request whose client has MAX_CLIENT_REQUESTS being answered already (503, Retry-After)."""
    requests = ClientRequests(MAX_CLIENT_REQUESTS)

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        client = client_of(scope)
        try:
            requests.enter(client)
        except ServerBusy as busy:
            for part in error_response(503, str(busy), [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]):
                await send(part)
            return
        try:
            await app(scope, receive, send)
        finally:
            requests.leave(client)

    return wrapped


def declared_length(start) -> int:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-length":
            return int(value)
    return 0


class ResponseTooBig(Exception):
    """Raised into the app from send(), to stop it producing a response that will not be sent."""


def stop_unless_finished(message) -> None:
    """Stop an app that has more to send; one that has finished is let return normally."""
    if message.get("more_body", False):
        raise ResponseTooBig()


def bound_responses(app):
    """Hold back each response's start until its first body part: a response known to be too big
    is replaced by an error; one that grows too big while streaming is cut off, its connection
    closed, so the client sees an incomplete response rather than a complete wrong one."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        state = {"start": None, "sent": 0, "refused": False}

        async def bounded_send(message):
            if state["refused"]:
                stop_unless_finished(message)
                return
            if message["type"] == "http.response.start":
                state["start"] = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            state["sent"] += len(message.get("body", b""))
            start, state["start"] = state["start"], None
            too_big = state["sent"] > MAX_RESPONSE_BYTES
            if start is not None and (too_big or declared_length(start) > MAX_RESPONSE_BYTES):
                for part in too_big_response():
                    await send(part)
                too_big = True
            elif start is not None:
                await send(start)
            if too_big:
                state["refused"] = True
                stop_unless_finished(message)
                return
            await send(message)

        try:
            await app(scope, receive, bounded_send)
        except ResponseTooBig:
            pass

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: bound_clients(bound_parameters(bound_responses(app)))
