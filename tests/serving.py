"""A server process for the tests: `datasette serve` as scripts/serve.py runs it, started again when
it has died. A helper module, not a test module: the fixtures that hold one are in tests/conftest.py
and in the test modules that serve data of their own."""

from __future__ import annotations

from pathlib import Path


class Served:
    """A server of one database on a free local port, started when first asked for and again when it
    has died, so that one crash fails one test, not every test after it."""

    def __init__(self, database: Path, free_port, **options):
        """free_port gives a free port; options are running_server's (idle_timeout, workers, ...)."""
        self.database, self.free_port, self.options = database, free_port, options
        self.process = self.context = None
        self.port = 0
        self.base = ""

    def running(self) -> str:
        """The base address of a server that is running now: the same as before a restart where the
        port is free again, so that addresses a module keeps stay good."""
        if self.process is None or self.process.poll() is not None:
            from mandate_notes.serve import port_is_free, running_server

            self.stop()
            if not (self.port and port_is_free("127.0.0.1", self.port)):
                self.port = self.free_port()
            self.context = running_server(self.database, self.port, **self.options)
            self.process, self.base = self.context.__enter__()
        return self.base

    def stop(self) -> None:
        if self.context is not None:
            self.context.__exit__(None, None, None)
            self.context = None
