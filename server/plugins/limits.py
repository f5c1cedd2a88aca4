"""One request cannot take the server's memory or its event loop for long.

Datasette bounds a query's time (sql_time_limit_ms) and its row count (max_returned_rows) but not
its bytes: `select zeroblob(100000000)` made a 600 MB response, took 3.9 GB of memory and kept every
other visitor waiting. Three bounds, stated in mandate_notes/serve.py, close that:

- no SQL value may exceed MAX_VALUE_BYTES (SQLite's own length limit: "string or blob too big");
- one query's fetched rows may not exceed MAX_RESULT_BYTES, checked row by row as they are fetched;
- no response may send more than MAX_RESPONSE_BYTES, whatever produced it.
"""

import sqlite3
import weakref

from datasette import hookimpl

from mandate_notes.serve import MAX_RESPONSE_BYTES, MAX_RESULT_BYTES, MAX_VALUE_BYTES

RESULT_TOO_BIG = (f"result too big: a query may return at most {MAX_RESULT_BYTES:,} bytes; "
                  "ask for fewer rows or columns")
RESPONSE_TOO_BIG = f"response too big: at most {MAX_RESPONSE_BYTES:,} bytes are sent for one request"


def value_bytes(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else 8


def budgeted_rows():
    """A row factory building Datasette's sqlite3.Row while counting each cursor's bytes."""
    spent = weakref.WeakKeyDictionary()

    def row_factory(cursor, values):
        total = spent.get(cursor, 0) + sum(value_bytes(value) for value in values)
        if total > MAX_RESULT_BYTES:
            raise sqlite3.DataError(RESULT_TOO_BIG)
        spent[cursor] = total
        return sqlite3.Row(cursor, values)

    return row_factory


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.row_factory = budgeted_rows()


def too_big_response():
    body = f'{{"ok": false, "error": "{RESPONSE_TOO_BIG}"}}'.encode()
    start = {"type": "http.response.start", "status": 500,
             "headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-length", str(len(body)).encode())]}
    return start, {"type": "http.response.body", "body": body}


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
    return bound_responses
