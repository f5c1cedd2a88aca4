"""No SQL a visitor writes, or makes Datasette write, runs much past its time limit, and one request's
queries together stop at a budget.

SQLite checks a query's time limit only at the jumps of its program, and Datasette 0.65 asks for the
check every 1,000 instructions, so up to 1,000 instructions, and every function call among them, run
to their end past the limit: 40 calls of `printf('%.*c', 999000, 'a')` in a row ran 2 s past it.
This plugin bounds what runs between two checks (mandate_notes/sql_guard.py):

- the guarded LIKE, GLOB, instr, replace, trim, ltrim, rtrim, json_patch, printf and format on every
  connection;
- before a statement runs, its program (what EXPLAIN lists, asked once per SQL text) is checked for
  too many function calls and for full-text queries not bounded by construction;
- the time is checked every CHECK_EVERY instructions instead of 1,000.

Every query of a request (its page, count, facets, the plugins' queries) takes its time limit from what
is left of the request's SQL budget and charges what it used (mandate_notes/request_budget.py, opened
for each request here); a request that has spent it gets "SQL query took too long" for its next query,
as a query past its own limit does. Datasette's SQL threads take the clients' queries in turn, and the
rows a request's queries fetch are held against its client's share (mandate_notes/fair_share.py).

Datasette 0.65 has no hook around a query, so the databases it serves are given a subclass whose
`execute` (its documented internal API, same signature) runs the statement as Datasette's does, with
those checks; tests/test_hostile_http.py fails if the signature changes.
"""

import sqlite3
import sys
import time
from contextlib import contextmanager

from datasette import hookimpl
from datasette.database import QueryInterrupted, Results
from datasette.tracer import trace

from mandate_notes import request_budget
from mandate_notes.fair_share import FairExecutor, HeldRows, client_of
from mandate_notes.serve import (
    CLIENT_SQL_QUERIES, CLIENT_SQL_WAIT_SECONDS, MAX_CLIENT_ROW_BYTES, MAX_FUNCTION_CALLS, MAX_HELD_ROW_BYTES,
    MAX_LENGTH_PRODUCT, MAX_MARKUP_CHARS, MAX_SEARCH_CHARS, MAX_VALUE_BYTES, REQUEST_SQL_SECONDS,
)
from mandate_notes.sql_guard import install_guards, program_problem

# SQLite instructions between two checks of the time: about 10 microseconds of ordinary work.
CHECK_EVERY = 100
# Programs already checked, by SQL text: pages ask the same statements again and again.
CHECKED_LIMIT = 1024
# The rows this process's requests hold.
HELD_ROWS = HeldRows(MAX_HELD_ROW_BYTES, MAX_CLIENT_ROW_BYTES)


class QueryRefused(sqlite3.OperationalError):
    """A statement refused before it runs; Datasette shows its message as a SQL error (400)."""


@hookimpl
def prepare_connection(conn):
    install_guards(conn, MAX_VALUE_BYTES, MAX_LENGTH_PRODUCT)


@contextmanager
def time_limit(conn, seconds: float):
    deadline = time.perf_counter() + seconds
    conn.set_progress_handler(lambda: 1 if time.perf_counter() >= deadline else 0, CHECK_EVERY)
    try:
        yield
    finally:
        conn.set_progress_handler(None, CHECK_EVERY)


def program_check(checked: dict, conn, sql, params) -> str | None:
    """Why sql may not run (None if it may), from its program; asked once per SQL text unless it holds
    a full-text query, whose parameters are checked each time."""
    if sql in checked:
        return checked[sql]
    try:
        rows = conn.execute("explain " + sql, params if params is not None else {}).fetchall()
    except sqlite3.Error:
        return None  # running it gives the real error
    problem = program_problem(rows, params, MAX_FUNCTION_CALLS, MAX_SEARCH_CHARS)
    if not any(row[1] == "VFilter" for row in rows):
        if len(checked) >= CHECKED_LIMIT:
            checked.clear()
        checked[sql] = problem
    return problem


def bounded(database_class: type) -> type:
    """A subclass of database_class whose queries are checked before they run, checked for time
    often, and charged to the budget of the request that makes them."""

    class Bounded(database_class):
        async def execute(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                          log_sql_errors=True):
            limit_ms = self.ds.sql_time_limit_ms
            if custom_time_limit and custom_time_limit < limit_ms:
                limit_ms = custom_time_limit
            budget = request_budget.current()
            if budget is not None:
                if budget.sql_seconds <= 0:
                    raise QueryInterrupted(sqlite3.OperationalError("interrupted"), sql, params)
                limit_ms = min(limit_ms, budget.sql_seconds * 1000)
            page_size = page_size or self.ds.page_size
            checked = self.__dict__.setdefault("_checked_programs", {})

            def in_thread(conn):
                problem = program_check(checked, conn, sql, params)
                if problem:
                    raise QueryRefused(problem)
                started = time.perf_counter()
                try:
                    with time_limit(conn, limit_ms / 1000), request_budget.rows_held_by(budget):
                        cursor = conn.cursor()
                        cursor.execute(sql, params if params is not None else {})
                        most = self.ds.max_returned_rows
                        if most == page_size:
                            most += 1
                        if most and truncate:
                            rows = cursor.fetchmany(most + 1)
                            return Results(rows[:most], len(rows) > most, cursor.description)
                        return Results(cursor.fetchall(), False, cursor.description)
                except sqlite3.DatabaseError as error:
                    if error.args == ("interrupted",):
                        raise QueryInterrupted(error, sql, params) from error
                    if log_sql_errors:
                        print(f"ERROR: conn={conn}, sql = {sql!r}, params = {params}: {error}", file=sys.stderr,
                              flush=True)
                    raise
                finally:
                    if budget is not None:
                        budget.charge_sql(time.perf_counter() - started)

            with trace("sql", database=self.name, sql=sql.strip(), params=params):
                return await self.execute_fn(in_thread)

    return Bounded


def current_client() -> str:
    """The client of the request being answered ("" outside a request)."""
    budget = request_budget.current()
    return budget.client if budget is not None else ""


@hookimpl
def startup(datasette):
    # Datasette's SQL threads (its `executor`, a ThreadPoolExecutor) shared between clients in turn.
    if datasette.executor is not None and not isinstance(datasette.executor, FairExecutor):
        datasette.executor = FairExecutor(datasette.setting("num_sql_threads"), CLIENT_SQL_QUERIES,
                                          CLIENT_SQL_WAIT_SECONDS, current_client)
    for database in datasette.databases.values():
        if database.name != "_internal" and not type(database).__name__.startswith("Bounded"):
            database.__class__ = bounded(type(database))


def budgeted(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        with request_budget.opened(REQUEST_SQL_SECONDS, MAX_MARKUP_CHARS, client_of(scope), HELD_ROWS):
            await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return budgeted
