"""What one request may still spend: seconds of SQL, and characters of text rendered as markup.

server/plugins/limits.py opens a budget for each request (`opened`); every query the request makes,
through any view or plugin, takes its time limit from it and charges its time to it, and the cell
renderers charge the text they read for emphasis. A budget is a context variable, so the tasks a
request starts (Datasette runs facets side by side) share it, and an internal request made while
answering one (datasette.client) spends from the same budget. Outside a request nothing is bounded.

>>> with opened(sql_seconds=2.0, markup_chars=10) as budget:
...     budget.charge_markup(8), budget.charge_markup(8), current() is budget
(True, False, True)
>>> current() is None
True
"""

from __future__ import annotations

import contextvars
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

_CURRENT: contextvars.ContextVar[RequestBudget | None] = contextvars.ContextVar("request_budget", default=None)


@dataclass
class RequestBudget:
    sql_seconds: float
    markup_chars: int
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


def current() -> RequestBudget | None:
    return _CURRENT.get()


@contextmanager
def opened(sql_seconds: float, markup_chars: int):
    """A budget for the request being answered; an internal request inside it keeps the outer one."""
    outer = _CURRENT.get()
    if outer is not None:
        yield outer
        return
    token = _CURRENT.set(RequestBudget(sql_seconds, markup_chars))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)
