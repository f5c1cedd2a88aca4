"""uvicorn's h11 protocol, closing a connection that holds the server without using it, and putting
the hardening headers on the responses uvicorn writes itself.

A connection must begin a request within the server's keep-alive timeout (`timeout_keep_alive`,
which mandate_notes/serve.py sets to its idle timeout) of opening or of its last response, and
deliver the request whole within REQUEST_HEAD_SECONDS of its first byte; otherwise it is closed.
uvicorn's own keep-alive timeout starts only after a first response and any byte resets it, so a
connection that never sent a request, or sent its head or its body a byte at a time, stayed open for
ever and counted against the concurrency limit; with the idle timeout alone, a head sent a byte at a
time held its connection 10 s. (A request that announces a body is answered at once, and its
connection closed, by server/plugins/read_only.py: the site is read-only.) Likewise a
response the client stops reading (the server's writes stay paused) is abandoned after the same time,
with a reset, so that neither the server nor its kernel keeps the unsent bytes; and whenever the
responses left unread hold more than MAX_UNREAD_BYTES together, the connections that stopped
reading first are abandoned at once.

Beyond its concurrency limit uvicorn answers 503, and it counts open connections, idle ones too: a
thousand connections sending a byte now and then, each reopened when closed, kept every visitor on
503. So a connection that opens when the server holds as many as its limit allows makes room: the
connection that has waited longest for a request (one still sending its head or body, or one kept
alive after its response) is closed. A visitor's connection delivers its request at once, so it is
never the one that waited longest.

uvicorn answers some requests without the app: 400 to a malformed request, 503 beyond the
concurrency limit, 500 when the app fails before responding. Every response, the app's and these,
passes through the connection's h11 `send`, which adds the headers of mandate_notes/headers.py that
a response lacks.

h11 answers 400 to a request head beyond its size limit only if the head is incomplete when it
checks; data is handed to it in pieces one byte longer than that limit, so any longer head is refused.

A module of its own, named in the server's configuration, so that every worker process imports the
same class.
"""

from __future__ import annotations

import itertools
import socket
import struct

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from mandate_notes.headers import with_headers
from mandate_notes.serve import MAX_UNREAD_BYTES, REQUEST_HEAD_SECONDS

# Their states in which the client has not yet delivered a whole request.
RECEIVING = (h11.IDLE, h11.SEND_BODY)


def hardened(send):
    """h11's Connection.send, adding the hardening headers to every response head it writes."""
    def send_with_headers(event):
        if isinstance(event, h11.Response):
            event = h11.Response(status_code=event.status_code, headers=with_headers(event.headers),
                                 http_version=event.http_version, reason=event.reason)
        return send(event)

    return send_with_headers


class IdleClosingH11Protocol(H11Protocol):
    deadline = None
    request_begun = False
    write_deadline = None
    # This process's connections waiting for a request, longest waiting first (one server a process).
    waiting: dict[IdleClosingH11Protocol, None] = {}
    # Its connections whose client has stopped reading (writing paused), the first to stop first.
    unread: dict[IdleClosingH11Protocol, None] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conn.send = hardened(self.conn.send)

    def _await_request(self) -> None:
        self._stop_waiting()
        self.deadline = self.loop.call_later(self.timeout_keep_alive, self._close_if_still_waiting)
        self.request_begun = False
        self.waiting[self] = None

    def _request_begins(self) -> None:
        """The first bytes of a request: the rest must follow within REQUEST_HEAD_SECONDS."""
        self.request_begun = True
        if self.deadline is not None and self.deadline.when() - self.loop.time() > REQUEST_HEAD_SECONDS:
            self.deadline.cancel()
            self.deadline = self.loop.call_later(REQUEST_HEAD_SECONDS, self._close_if_still_waiting)

    def _stop_waiting(self) -> None:
        self.waiting.pop(self, None)
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _make_room(self) -> None:
        """Close the connections that have waited longest for a request, so that this one, counted,
        leaves the server below its concurrency limit."""
        if self.limit_concurrency is None:
            return
        excess = len(self.connections) - (self.limit_concurrency - 1)
        for longest in list(itertools.islice(self.waiting, max(excess, 0))):
            if longest is not self and longest.conn.their_state in RECEIVING:
                longest._stop_waiting()
                longest._abandon()
                # Uncounted at once, as its connection_lost will: a request read before that runs
                # (in the same turn of the event loop) would otherwise still find the server full.
                self.connections.discard(longest)

    def _close_if_still_waiting(self) -> None:
        if self.conn.their_state in RECEIVING and not self.transport.is_closing():
            self.transport.close()

    def _request_received(self) -> None:
        if self.conn.their_state not in RECEIVING:
            self._stop_waiting()

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._make_room()
        self._await_request()

    def data_received(self, data: bytes) -> None:
        if self.deadline is not None and not self.request_begun:
            self._request_begins()
        # h11 refuses a request head longer than its size limit only while the head is incomplete, so a
        # head of 200 KB that arrived in one read was read whole. Fed in pieces one byte longer than
        # that limit, a head longer than a piece is incomplete, and too long, after its first piece.
        limit = self.config.h11_max_incomplete_event_size
        step = limit + 1 if limit else len(data)
        for start in range(0, len(data), step):
            if self.transport.is_closing():
                return
            super().data_received(data[start:start + step])
        self._request_received()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_request()

    def _abandon(self) -> None:
        connection = self.transport.get_extra_info("socket")
        if connection is not None:  # close with a reset: the unsent bytes are dropped, not kept to send
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.write_deadline is None:
            self.write_deadline = self.loop.call_later(self.timeout_keep_alive, self._abandon)
        self.unread[self] = None
        self._bound_unread()

    def _bound_unread(self) -> None:
        """Abandon the connections that stopped reading first while the responses left unread hold
        more than MAX_UNREAD_BYTES of the server's memory together."""
        held = sum(connection.transport.get_write_buffer_size() for connection in self.unread)
        for first in list(self.unread):
            if held <= MAX_UNREAD_BYTES:
                break
            held -= first.transport.get_write_buffer_size()
            first._stop_unread()
            first._abandon()

    def _stop_unread(self) -> None:
        self.unread.pop(self, None)
        if self.write_deadline is not None:
            self.write_deadline.cancel()
            self.write_deadline = None

    def resume_writing(self) -> None:
        super().resume_writing()
        self._stop_unread()

    def connection_lost(self, exc) -> None:
        self._stop_waiting()
        self._stop_unread()
        super().connection_lost(exc)
