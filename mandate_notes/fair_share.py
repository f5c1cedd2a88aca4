"""What one client may hold of a serving process at once, so that no client, however many requests it
sends together, takes the server's memory or keeps the other visitors waiting.

A client is the address a request comes from (the ASGI scope's `client`). Three shares, whose sizes
mandate_notes/serve.py states, applied by server/plugins/limits.py and sql_limits.py:

- requests at once: beyond its share a client's request is refused at once (ServerBusy);
- turns at SQL: Datasette's SQL threads take the clients' queries in turn, each client's from a
  queue of its own, and run a few of one client's at a time, fewer than the threads, so that another
  client's query finds a thread free (in Datasette's own pool, first come first served, one client's
  hundreds of queries stood before every other visitor's); a query that waits too long is refused;
- rows held: the rows a request fetches stay in memory until its response is written (200 requests
  for a 19 MB result, none read, took 2.2 GB); the requests being answered may hold so many bytes of
  rows together, one client a part of them, and a request whose next row does not fit is refused.

A refused request is answered 503 with Retry-After (server/plugins/errors.py).

>>> rows = HeldRows(most=10, most_per_client=6)
>>> rows.take("a", 6), rows.take("b", 4)
(None, None)
>>> rows.take("b", 1)
Traceback (most recent call last):
...
mandate_notes.fair_share.ServerBusy: server busy: the requests being answered hold as many rows as this server keeps at once (10 bytes, 6 for one client); try again in a moment
>>> rows.give_back("a", 6), rows.take("b", 1), rows.held()
(None, None, 5)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Executor, Future


def client_of(scope) -> str:
    """The address an ASGI request comes from ("" where the server does not know it)."""
    return (scope.get("client") or ("",))[0]


class ServerBusy(Exception):
    """A request refused because its client, or all the clients together, hold their share already."""


class ByClient(dict):
    """An amount for each client; a client whose amount is back to 0 is forgotten, so that the map
    holds only the clients being answered.

    >>> held = ByClient()
    >>> held.add("a", 2), held.add("a", 1), held.remove("a", 3), held
    (None, None, None, {})
    """

    def add(self, client: str, amount: int = 1) -> None:
        self[client] = self.get(client, 0) + amount

    def remove(self, client: str, amount: int = 1) -> None:
        left = self[client] - amount
        if left:
            self[client] = left
        else:
            del self[client]


class ClientRequests:
    """How many requests each client has being answered; at most `most` at once."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.running = ByClient()

    def enter(self, client: str) -> None:
        if self.running.get(client, 0) >= self.most:
            raise ServerBusy(f"server busy: a client may have at most {self.most} requests answered at once; "
                             "try again in a moment")
        self.running.add(client)

    def leave(self, client: str) -> None:
        self.running.remove(client)


class FairExecutor(Executor):
    """Datasette's SQL threads, shared between clients: each client's queries wait in a queue of its
    own, the threads take the clients in turn, one client's queries run at most `turns` at a time, and
    a query that has waited `patience` seconds is refused (ServerBusy) instead of run. The client of a
    query is `client()` where it is submitted, in the event loop (a context variable there)."""

    def __init__(self, threads: int, turns: int, patience: float, client) -> None:
        self.turns = turns
        self.patience = patience
        self._client = client
        self._ready = threading.Condition()
        # Clients with queries waiting, in the order they are served; each a queue of (since, future, call).
        self._waiting: OrderedDict[str, deque] = OrderedDict()
        self._running = ByClient()
        self._threads = threads
        self._started = False

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._ready:
            if not self._started:  # on the first query, as Python's own pool does
                for number in range(self._threads):
                    threading.Thread(target=self._work, name=f"sql-{number}", daemon=True).start()
                self._started = True
            self._waiting.setdefault(self._client(), deque()).append(
                (time.monotonic(), future, lambda: fn(*args, **kwargs)))
            self._ready.notify()
        return future

    def _next(self):
        """The first waiting query of the first client in turn with a turn free (under the lock)."""
        for client, queue in self._waiting.items():
            if self._running.get(client, 0) < self.turns:
                task = queue.popleft()
                if queue:
                    self._waiting.move_to_end(client)
                else:
                    del self._waiting[client]
                self._running.add(client)
                return client, task
        return None

    def _work(self) -> None:
        while True:
            with self._ready:
                while (picked := self._next()) is None:
                    self._ready.wait()
            client, (since, future, call) = picked
            try:
                if not future.set_running_or_notify_cancel():
                    continue
                if time.monotonic() - since > self.patience:
                    future.set_exception(ServerBusy(
                        f"server busy: this client's queries run {self.turns} at a time, and this one waited "
                        f"{self.patience:g} seconds for its turn; try again in a moment"))
                    continue
                try:
                    future.set_result(call())
                except BaseException as error:  # handed to the query's caller, as ThreadPoolExecutor does
                    future.set_exception(error)
            finally:
                with self._ready:
                    self._running.remove(client)
                    self._ready.notify_all()


class HeldRows:
    """The bytes of rows the requests being answered hold, in all and by client (taken in Datasette's
    SQL threads, given back in the event loop)."""

    def __init__(self, most: int, most_per_client: int) -> None:
        self.most = most
        self.most_per_client = most_per_client
        self._lock = threading.Lock()
        self._total = 0
        self._by_client = ByClient()

    def take(self, client: str, amount: int) -> None:
        with self._lock:
            mine = self._by_client.get(client, 0)
            if self._total + amount > self.most or mine + amount > self.most_per_client:
                raise ServerBusy(f"server busy: the requests being answered hold as many rows as this server keeps "
                                 f"at once ({self.most:,} bytes, {self.most_per_client:,} for one client); "
                                 "try again in a moment")
            self._total += amount
            self._by_client.add(client, amount)

    def give_back(self, client: str, amount: int) -> None:
        if not amount:
            return
        with self._lock:
            self._total -= amount
            self._by_client.remove(client, amount)

    def held(self) -> int:
        return self._total
