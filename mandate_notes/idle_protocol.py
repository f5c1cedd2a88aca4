"""uvicorn's h11 protocol, closing a connection that sends no complete request head in time.

uvicorn's own keep-alive timeout starts only after a first response and any byte resets it, so a
connection that never sends a request, or sends one a byte at a time, would stay open for ever.
The limit is the server's keep-alive timeout (`timeout_keep_alive`), which mandate_notes/serve.py
sets to its idle timeout. A module of its own, named in the server's configuration, so that every
worker process imports the same class.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class IdleClosingH11Protocol(H11Protocol):
    deadline = None

    def _await_request(self) -> None:
        self._stop_waiting()
        self.deadline = self.loop.call_later(self.timeout_keep_alive, self._close_if_still_waiting)

    def _stop_waiting(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _close_if_still_waiting(self) -> None:
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _request_started(self) -> None:
        if self.conn.their_state is not h11.IDLE:
            self._stop_waiting()

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._await_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._request_started()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_request()

    def connection_lost(self, exc) -> None:
        self._stop_waiting()
        super().connection_lost(exc)
