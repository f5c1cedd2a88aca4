"""What one request may still spend: seconds of SQL, characters of text rendered as markup, and its
client's share of the rows the server holds (mandate_notes/fair_share.py).

server/plugins/sql_limits.py opens a budget for each request (`opened`); every query the request makes,
through any view or plugin, takes its time limit from it and charges its time to it, and the cell
renderers charge the text they read for emphasis. A budget is a context variable, so the tasks a
request starts (Datasette runs facets side by side) share it, and an internal request made while
answering one (datasette.client) spends from the same budget. Outside a request nothing is bounded.

The rows a query fetches are counted in the SQL thread that fetches them (server/plugins/limits.py's
row factory, through `hold_rows`), for the request whose query runs there (`rows_held_by`), and the
request gives them back when it ends.

>>> with opened(sql_seconds=2.0, markup_chars=10) as budget:
...     budget.charge_markup(8), budget.charge_markup(8), current() is budget
(True, False, True)
>>> current() is None
True
>>> from mandate_notes.fair_share import HeldRows
>>> rows = HeldRows(most=100, most_per_client=100)
>>> with opened(2.0, 10, "a", rows) as budget:
...     budget.hold_rows(60), rows.held()
(None, 60)
>>> budget.hold_rows(60), rows.held()
(None, 0)
"""

from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from mandate_notes.fair_share import HeldRows

_CURRENT: contextvars.ContextVar[RequestBudget | None] = contextvars.ContextVar("request_budget", default=None)
# The budget of the request whose query runs in this thread (queries run in Datasette's threads).
_THREAD = threading.local()


@dataclass
class RequestBudget:
    sql_seconds: float
    markup_chars: int
    client: str = ""
    # The process's account of the rows held by the requests being answered (None: not counted).
    rows: HeldRows | None = None
    rows_held: int = 0
    # Queries run in Datasette's threads, several at once for one request.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def charge_sql(self, seconds: float) -> None:
        with self._lock:
            self.sql_seconds -= seconds

    def charge_markup(self, chars: int) -> bool:
        """Spend chars of markup rendering; False (and nothing spent) when they are not left."""
        if chars > self.markup_chars:
            return False
        self.markup_chars -= chars
        return True

    def hold_rows(self, amount: int) -> None:
        """Hold amount more bytes of fetched rows until the request ends; fair_share.ServerBusy when
        they do not fit in its client's share or in what the server holds."""
        with self._lock:  # with release_rows, so that nothing is taken once the request has given back
            if self.rows is not None:
                self.rows.take(self.client, amount)
                self.rows_held += amount

    def release_rows(self) -> None:
        """Give back every row held: the request has ended. A query of it still running (a facet
        beside one that failed) holds nothing more."""
        with self._lock:
            if self.rows is not None:
                self.rows.give_back(self.client, self.rows_held)
                self.rows, self.rows_held = None, 0


def current() -> RequestBudget | None:
    return _CURRENT.get()


@contextmanager
def opened(sql_seconds: float, markup_chars: int, client: str = "", rows: HeldRows | None = None):
    """A budget for the request being answered, from client, whose rows are counted in rows; an
    internal request inside it keeps the outer one."""
    outer = _CURRENT.get()
    if outer is not None:
        yield outer
        return
    budget = RequestBudget(sql_seconds, markup_chars, client, rows)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
        budget.release_rows()


@contextmanager
def rows_held_by(budget: RequestBudget | None):
    """The rows fetched in this thread meanwhile are held by budget's request."""
    _THREAD.budget = budget
    try:
        yield
    finally:
        _THREAD.budget = None


def hold_rows(amount: int) -> None:
    """Count amount bytes of rows just fetched in this thread against its request's budget, if any."""
    budget = getattr(_THREAD, "budget", None)
    if budget is not None:
        budget.hold_rows(amount)
