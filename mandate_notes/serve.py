"""Serve the built database read-only through Datasette (immutable, inspected, time-limited).

The server serves a content-addressed snapshot of the build, so a rebuild never changes what a running
server answers; it runs uvicorn itself, so idle connections are closed and concurrency is capped.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from mandate_notes.archive import RELEASE_MOUNT
from mandate_notes.partial_files import partial_path, remove_abandoned
from mandate_notes.paths import DEFAULT_DATABASE as DATABASE
from mandate_notes.paths import RELEASES, ROOT, SERVER_METADATA

INSPECT = ROOT / "build" / "inspect.json"
SERVER = ROOT / "server"
# Written by `make generate` (mandate_notes/generate.py), read by the server.
METADATA = SERVER_METADATA

# Read-only and bounded: every query stops after one second; a page holds at most 1,000 rows.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    # Fifty rows a page: a table page renders every cell through Datasette's templates, and the
    # paragraphs' long texts made a hundred rows the slowest page of the site (`_size` asks for more).
    "default_page_size": 50,
    "facet_time_limit_ms": 200,
    "allow_download": True,
    "default_cache_ttl": 300,
    # Each table's facets are chosen in its metadata; suggesting more would cost a query per column
    # on every table page.
    "suggest_facets": False,
    # Datasette's default, stated: CLIENT_SQL_QUERIES below leaves one of them to the other clients.
    "num_sql_threads": 3,
}

# Bounds on what one request may cost, applied by server/plugins/limits.py.
# The largest cell the package allows is 131,072 characters, at most 524,288 bytes of UTF-8.
MAX_VALUE_BYTES = 1_000_000
# What one query's rows may hold once fetched; the largest real result is well under 1 MB.
MAX_RESULT_BYTES = 20_000_000
# What one response may send; the database download is the largest real response, about 1 MB.
MAX_RESPONSE_BYTES = 50_000_000
# How many values one query's rows may hold: each costs an HTML page about 8 microseconds of the event
# loop, so a page of them about 0.16 s. The widest table (18 columns, and the rowid) fills a page of
# 1,000 rows (`_size=max`) with 19,000.
MAX_RESULT_CELLS = 20_000

# Bounds on what runs between two of SQLite's time checks (mandate_notes/sql_guard.py), applied by
# server/plugins/sql_limits.py. SQLite checks the time only between rows, so one row's expression runs
# to its end: its scalar function calls are counted in its program (the site's own queries make at
# most 17), and each call's time is bounded by MAX_VALUE_BYTES (the slowest, printf of a million
# characters, takes about 6 ms of CPU here).
MAX_FUNCTION_CALLS = 40
# LIKE, GLOB, instr, replace, trim, ltrim, rtrim and json_patch take time with the product of two
# arguments' lengths: a text of 10,000 characters against a pattern of 1,000 is allowed. (printf's %c
# takes time with its repetitions, bounded by MAX_VALUE_BYTES.)
MAX_LENGTH_PRODUCT = 10_000_000
# A full-text query's time grows with its terms: what a search box, `_search` or an FTS5 MATCH in SQL
# may ask is at most this many characters.
MAX_SEARCH_CHARS = 500
# The SQL time of all of one request's queries together (its page, count, facets, ...).
REQUEST_SQL_SECONDS = 2.0
# Text one request may render as markup (emphasis, footnote markers), at about 0.15 s of the event loop
# per million characters: the real data hold 90,000 characters of paragraphs; beyond this, cells are
# shown as plain escaped text. Each element written into a cell (a footnote marker, a link of a listed
# row) counts as mandate_notes/markup.py's ELEMENT_CHARS.
MAX_MARKUP_CHARS = 500_000

# A request may carry at most this many query-string parameters (400 beyond): Datasette's handling
# of repeated parameters grows with their square (1,800 `_where=1` held the event loop for 16 s).
MAX_QUERY_PARAMETERS = 100

# What one client (an address) may hold of a serving process at once (mandate_notes/fair_share.py); a
# request beyond is answered 503 with Retry-After (seconds). A browser asks at most 6 things at once
# of a site, `make load` 50.
MAX_CLIENT_REQUESTS = 100
# Its queries run at most this many at a time, so that another client's query finds an SQL thread
# free; one that has waited this long for its turn is refused: long enough for a client's own burst
# (`make load`'s 50 requests at once, on a busy machine), short enough that a flood's requests end.
CLIENT_SQL_QUERIES = SETTINGS["num_sql_threads"] - 1
CLIENT_SQL_WAIT_SECONDS = 10
# The rows the requests being answered have fetched (counted as MAX_RESULT_BYTES counts them) stay in
# memory until their responses are written: all of them together may hold this many bytes, one
# client's at most half; 200 requests for a 19 MB result at once, none read, took 2.2 GB.
MAX_HELD_ROW_BYTES = 4 * MAX_RESULT_BYTES
MAX_CLIENT_ROW_BYTES = MAX_HELD_ROW_BYTES // 2
RETRY_AFTER_SECONDS = 1

# Beyond this many running requests uvicorn answers 503; a connection opened while this many are open
# closes the one that has waited longest for a request (mandate_notes/idle_protocol.py).
LIMIT_CONCURRENCY = 1000
# A connection that has not begun a request this long after opening, or after its last response, is
# closed, and so is one that does not read its response for this long: idle connections cannot hold the
# server's file descriptors. (A browser keeps a connection open, unused, for some seconds.)
IDLE_TIMEOUT_SECONDS = 10
# A request's head (request line and headers) must arrive whole within this many seconds of its first
# byte, or its connection is closed: a browser sends it in one packet, and a head sent a byte at a time
# would hold a connection until the idle timeout. (A request may carry no body: server/plugins/read_only.py.)
REQUEST_HEAD_SECONDS = 2
# What the responses clients leave unread may hold of a server's memory together; beyond, the
# connections that stopped reading first are abandoned (mandate_notes/idle_protocol.py).
MAX_UNREAD_BYTES = 2 * MAX_RESPONSE_BYTES
# The largest request head (request line and headers) h11 accepts; a larger one is answered 400.
MAX_REQUEST_HEAD_BYTES = 16 * 1024

# The idle-closing protocol (mandate_notes/idle_protocol.py), named so that worker processes import it.
IDLE_CLOSING_PROTOCOL = "mandate_notes.idle_protocol:IdleClosingH11Protocol"
SNAPSHOT_VARIABLE = "MANDATE_NOTES_SNAPSHOT"
# Names the server is reached by beyond its own address and loopback (comma-separated); set, even
# empty, it makes the server refuse requests for any other Host (server/plugins/own_addresses.py).
HOSTS_VARIABLE = "MANDATE_NOTES_HOSTS"
CDN_VARIABLE = "MANDATE_NOTES_CDN"
METADATA_VARIABLE = "MANDATE_NOTES_METADATA"
RELEASES_VARIABLE = "MANDATE_NOTES_RELEASES"

SNAPSHOT_FOLDER = "snapshots"
SNAPSHOT_DIGEST_LENGTH = 16
IN_USE = "in-use.lock"


def optional_dirs() -> dict:
    """Templates, plugins and static files live in server/ when present."""
    found = {}
    for name, key in (("templates", "template_dir"), ("plugins", "plugins_dir"), ("static", "static")):
        if (SERVER / name).is_dir():
            found[key] = SERVER / name
    return found


# ---------------------------------------------------------------- snapshots


def _locked(path: Path, operation: int):
    handle = open(path, "a+b")
    try:
        fcntl.flock(handle, operation)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy source to target in one pass and return the sha256 of the bytes copied: the digest is of
    what will be served, even if source is replaced meanwhile."""
    digest = hashlib.sha256()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while chunk := reader.read(1 << 20):
            digest.update(chunk)
            writer.write(chunk)
    return digest.hexdigest()


def _remove_unused_snapshots(folder: Path, keep: Path) -> None:
    """Delete every snapshot no server holds: a serving process keeps a shared lock on its snapshot."""
    for snapshot in folder.iterdir():
        if snapshot == keep or not snapshot.is_dir():
            continue
        handle = _locked(snapshot / IN_USE, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if handle is not None:
            shutil.rmtree(snapshot)
            handle.close()


class SnapshotError(Exception):
    """The build could not be copied into a snapshot (a full disk); nothing partial is left."""


def snapshot(database: Path):
    """Copy database to <its folder>/snapshots/<sha256 prefix>/<its name>, write the snapshot's inspect
    file, drop snapshots no server uses, and return (snapshot path, lock). The caller keeps the lock
    open while it serves, so no other server's clean-up removes the snapshot."""
    folder = database.parent / SNAPSHOT_FOLDER
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "a+b") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        copy = partial_path(folder / database.name)
        remove_abandoned(folder / database.name)
        try:
            digest = _copy_hashing(database, copy)
        except OSError as error:
            copy.unlink(missing_ok=True)
            raise SnapshotError(f"cannot copy {database.name} into {SNAPSHOT_FOLDER}/: {error.strerror}") from None
        target = folder / digest[:SNAPSHOT_DIGEST_LENGTH] / database.name
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            copy.unlink()
        else:
            os.replace(copy, target)
        in_use = _locked(target.parent / IN_USE, fcntl.LOCK_SH)
        if not inspect_path(target).exists():
            try:
                write_inspect_file(target, partial_path(inspect_path(target)))
                os.replace(partial_path(inspect_path(target)), inspect_path(target))
            except (OSError, sqlite3.Error) as error:
                partial_path(inspect_path(target)).unlink(missing_ok=True)
                in_use.close()
                raise SnapshotError(f"cannot write the inspect file of the snapshot: {error}") from None
        _remove_unused_snapshots(folder, keep=target.parent)
    return target, in_use


def inspect_path(snapshot_file: Path) -> Path:
    return snapshot_file.with_name("inspect.json")


def write_inspect_file(database: Path = DATABASE, inspect_file: Path = INSPECT) -> None:
    """Row counts for immutable mode, so Datasette never counts on a request: `datasette inspect`, run
    in this process, which serves with Datasette anyway (a process of its own spent a second importing
    Datasette again, on every start of a server on a new build)."""
    from datasette.cli import cli

    cli.main(["inspect", str(database), "--inspect-file", str(inspect_file)], standalone_mode=False)


# ---------------------------------------------------------------- the app and its server


def site_class():
    """Datasette for a site whose metadata is fixed when it starts (ours: metadata.json, no plugin
    supplies any): the table permission rules read from it are looked up once per table.

    Datasette 0.65 makes a deep copy of the whole metadata for every table whose visibility it
    checks, two or three times per table listed (a quarter of a second for the home page, which
    lists every table), and walks the whole plugin configuration for secrets each time a plugin
    reads it (once per cell of a table page). Both answers are kept: they cannot change.
    """
    from datasette.app import Datasette

    class FixedMetadataDatasette(Datasette):
        def _once(self, store: str, key: tuple, compute):
            answers = self.__dict__.setdefault(store, {})
            if key not in answers:
                answers[key] = compute()
            return answers[key]

        def _table_permission_allows(self, database, table):
            rules = self._once("_table_allows", (database, table),
                               lambda: tuple(super(FixedMetadataDatasette, self)._table_permission_allows(database, table)))
            return list(rules)

        def plugin_config(self, plugin_name, database=None, table=None, fallback=True):
            # Shared by every caller: the plugins read it and never change it.
            return self._once("_plugin_configs", (plugin_name, database, table, fallback),
                              lambda: super(FixedMetadataDatasette, self).plugin_config(
                                  plugin_name, database=database, table=table, fallback=fallback))

    return FixedMetadataDatasette


# datasette-hashed-urls, by the name of its entry point (the name Datasette registers it under).
HASHED_URLS_PLUGIN = "hashed_urls"


def choose_plugins(cdn: bool) -> None:
    """Hashed database addresses (datasette-hashed-urls) only when serving for a CDN: they change
    with every build, which a cache wants and a reader's bookmarks and local links do not."""
    from datasette.plugins import pm

    if cdn:
        if pm.is_blocked(HASHED_URLS_PLUGIN):
            pm.unblock(HASHED_URLS_PLUGIN)
            pm.load_setuptools_entrypoints("datasette", name=HASHED_URLS_PLUGIN)
    elif not pm.is_blocked(HASHED_URLS_PLUGIN):
        plugin = pm.get_plugin(HASHED_URLS_PLUGIN)
        if plugin is not None:
            pm.unregister(plugin)
        pm.set_blocked(HASHED_URLS_PLUGIN)


# What Datasette asks of a database's schema, each time in a worker thread: a table page asks it
# dozens of times, a paragraph's page (every table pointing at paragraphs) a hundred.
SCHEMA_QUESTIONS = (
    "table_exists", "table_names", "table_columns", "table_column_details", "primary_keys", "fts_table",
    "label_column_for_table", "foreign_keys_for_table", "hidden_table_names", "view_names",
    "get_all_foreign_keys", "get_table_definition", "get_view_definition",
)


def schema_answered_once(database_class: type) -> type:
    """A subclass of database_class for an immutable database: each schema question is answered
    once and the answer kept. Each caller gets its own list or dict (a shallow copy: Datasette and
    the plugins read the answers and at most add to the outer list, never change what is inside)."""
    import copy
    import functools

    def kept(question):
        @functools.wraps(question)
        async def ask(self, *arguments):
            answers = self.__dict__.setdefault("_schema_answers", {})
            key = (question.__name__, arguments)
            if key not in answers:
                answers[key] = await question(self, *arguments)
            return copy.copy(answers[key])

        return ask

    return type(f"Immutable{database_class.__name__}", (database_class,),
                {name: kept(getattr(database_class, name)) for name in SCHEMA_QUESTIONS})


def make_datasette(database: Path = DATABASE, inspect_file: Path = INSPECT, cdn: bool = False,
                   metadata: Path = METADATA, releases: Path | None = None, supervisor: str = "ours"):
    """The Datasette app exactly as `make serve` runs it, for tests through datasette.client; with a
    folder of release archives (releases), served at /release/, the version's archive among them."""
    choose_plugins(cdn)
    dirs = optional_dirs()
    static = [("static", str(dirs["static"]))] if "static" in dirs else []
    if releases is not None:
        static.append((RELEASE_MOUNT, str(releases)))
    datasette = site_class()(
        immutables=[str(database)],
        inspect_data=json.loads(inspect_file.read_text(encoding="utf-8")) if inspect_file.exists() else None,
        metadata=json.loads(metadata.read_text(encoding="utf-8")),
        settings=SETTINGS,
        template_dir=str(dirs["template_dir"]) if "template_dir" in dirs else None,
        plugins_dir=str(dirs["plugins_dir"]) if "plugins_dir" in dirs else None,
        static_mounts=static,
    )
    for served in datasette.databases.values():
        if not served.is_mutable and not served.is_memory:
            served.__class__ = schema_answered_once(type(served))
    return datasette


# Who starts and watches the worker processes: serve_workers below, or uvicorn's own supervisor
# (`uvicorn --workers`), which `make bench` measures beside it.
SUPERVISORS = ("ours", "uvicorn")


def serve(database: Path, host: str, port: int, idle_timeout: float = IDLE_TIMEOUT_SECONDS, workers: int = 1,
          cdn: bool = False, metadata: Path = METADATA, releases: Path | None = None, supervisor: str = "ours") -> None:
    """Serve a snapshot of database until interrupted, by one process or by `workers` uvicorn
    processes (the snapshot is immutable, so they share it safely)."""
    import uvicorn

    served, in_use = snapshot(database)
    os.environ.setdefault(HOSTS_VARIABLE, "")
    options = dict(
        host=host, port=port, log_level="info", lifespan="on", http=IDLE_CLOSING_PROTOCOL,
        timeout_keep_alive=idle_timeout, limit_concurrency=LIMIT_CONCURRENCY,
        # h11 refuses an incomplete head longer than this; idle_protocol.py hands it data in pieces one byte
        # longer, so that a head of more than MAX_REQUEST_HEAD_BYTES is incomplete when it checks.
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES - 1,
    )
    try:
        if workers == 1:
            uvicorn.Server(uvicorn.Config(site_app(served, cdn, metadata, releases), **options)).run()
        else:
            # Each worker imports the app factory and finds the snapshot in its environment.
            os.environ[SNAPSHOT_VARIABLE] = str(served)
            os.environ[CDN_VARIABLE] = "1" if cdn else ""
            os.environ[METADATA_VARIABLE] = str(metadata)
            os.environ[RELEASES_VARIABLE] = str(releases or "")
            if supervisor == "uvicorn":
                uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)
            else:
                serve_workers(workers, options)
    finally:
        in_use.close()


def serve_workers(workers: int, options: dict) -> None:
    """Run `workers` uvicorn servers, each in a process of its own listening on a socket of its own
    bound with SO_REUSEPORT, so that the kernel spreads new connections evenly across them; stop them
    all on SIGTERM or SIGINT, or when one of them ends.

    uvicorn's own supervisor (`--workers`) hands every worker the one listening socket, and the
    worker that wakes first accepts a whole burst of connections: 20 keep-alive clients connecting
    at once then all stay with one worker, and two workers served no more than one.
    """
    import multiprocessing
    import signal

    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(options,)) for _ in range(workers)]
    stopping: list[int] = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda received, _frame: stopping.append(received))
    for process in processes:
        process.start()
    ended = None
    try:
        while not stopping and ended is None:
            ended = next((process for process in processes if not process.is_alive()), None)
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()
    if ended is not None and not stopping:
        raise SystemExit(f"a worker process ended (exit code {ended.exitcode}); the others were stopped")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes may bind too (SO_REUSEPORT), for one worker.

    Its protocol is named (IPPROTO_TCP, not 0): the connections it accepts inherit it, and asyncio turns
    Nagle's algorithm off (TCP_NODELAY) only on a socket that says it is TCP. With Nagle on, a
    response's body waits for the client's delayed ACK of its head: 40 ms more on every keep-alive
    request (uvicorn's own --workers socket has that fault, uvicorn issue 3149)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(options: dict) -> None:
    """One worker process of serve_workers: uvicorn serving worker_app on its own socket."""
    import uvicorn

    config = uvicorn.Config(f"{__name__}:worker_app", factory=True, **options)
    uvicorn.Server(config).run(sockets=[reuse_port_socket(options["host"], options["port"])])


def site_app(served: Path, cdn: bool = False, metadata: Path = METADATA, releases: Path | None = None):
    """The ASGI app of one serving process; its plugins' startup hooks have run."""
    import asyncio

    datasette = make_datasette(served, inspect_path(served), cdn=cdn, metadata=metadata, releases=releases)
    asyncio.run(datasette.invoke_startup())
    return datasette.app()


def worker_app():
    """The app of one worker process of `serve(..., workers=N)` (Datasette runs the startup hooks
    on the first request, as the worker's event loop is already running when this is called)."""
    served = Path(os.environ[SNAPSHOT_VARIABLE])
    releases = os.environ.get(RELEASES_VARIABLE)
    return make_datasette(served, inspect_path(served), cdn=os.environ.get(CDN_VARIABLE) == "1",
                          metadata=Path(os.environ[METADATA_VARIABLE]), releases=Path(releases) if releases else None).app()


def serve_command(host: str, port: int, database: Path = DATABASE,
                  idle_timeout: float = IDLE_TIMEOUT_SECONDS, workers: int = 1, cdn: bool = False,
                  metadata: Path = METADATA, releases: Path | None = None, supervisor: str = "ours") -> list[str]:
    """The argv of a process serving database exactly as `make serve` does (without a folder of
    release archives unless one is given)."""
    return [
        sys.executable, "-m", "mandate_notes.serve",
        "--host", host, "--port", str(port), "--database", str(database), "--idle-timeout", str(idle_timeout),
        "--workers", str(workers), "--metadata", str(metadata), "--releases", str(releases or ""),
        "--supervisor", supervisor,
    ] + (["--cdn"] if cdn else [])


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on the port now. The probe binds as the server does, with
    SO_REUSEADDR, so the lingering TIME_WAIT connections of a server just stopped do not count."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@contextmanager
def running_server(database: Path, port: int, host: str = "127.0.0.1", timeout: float = 60.0,
                   idle_timeout: float = IDLE_TIMEOUT_SECONDS, workers: int = 1, cdn: bool = False,
                   metadata: Path = METADATA, releases: Path | None = None, supervisor: str = "ours"):
    """Serve database exactly as `make serve` does, in a child process; yield (process, base URL) once it
    answers, and stop it on leaving. Used by the tests and the load test."""
    command = serve_command(host, port, database, idle_timeout, workers, cdn, metadata, releases, supervisor)
    with running_command(command, host, port, timeout) as started:
        yield started


@contextmanager
def running_command(command: list[str], host: str, port: int, timeout: float = 60.0):
    """Run a command that serves Datasette on host:port in a child process; yield (process, base URL)
    once it answers, and stop it on leaving."""
    if not port_is_free(host, port):
        raise RuntimeError(f"port {port} on {host} is in use")
    # A file, not a pipe: a pipe nobody reads would fill with the access log and stall the server.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited with {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            # Not yet listening; or, on a port among those the system gives outgoing connections, the
            # probe was given that very port and connected to itself (its own request read back).
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer on {base} within {timeout:.0f} s")
            # A try costs a refused connection; the tests start dozens of servers, each ready sooner.
            time.sleep(0.02)
        yield process, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8001")),
                        help="port (default: $PORT or 8001)")
    parser.add_argument("--database", type=Path, default=DATABASE,
                        help="built database (default: build/mandate_notes.db)")
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT_SECONDS,
                        help=f"seconds a connection may wait without a request (default {IDLE_TIMEOUT_SECONDS})")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")),
                        help="worker processes (default: $WEB_CONCURRENCY or 1)")
    parser.add_argument("--metadata", type=Path, default=METADATA,
                        help="the site's metadata (default: server/generated/metadata.json, which `make generate` "
                             "writes)")
    parser.add_argument("--releases", default=str(RELEASES),
                        help="folder of release archives, served at /release/ (default: dist/, where `make release` "
                             "writes them; '' for none)")
    parser.add_argument("--supervisor", choices=SUPERVISORS, default="ours",
                        help="with --workers: each worker on a socket of its own (ours, the default) or uvicorn's "
                             "own supervisor, all workers on one socket (see README, 'Serving beyond one process, and beyond one machine')")
    parser.add_argument("--cdn", action="store_true",
                        help="for serving behind a CDN or caching proxy: the database's address carries its "
                             "hash and its pages are cached for a year (datasette-hashed-urls)")
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"{args.database} is missing: run `make build` first", file=sys.stderr)
        return 1
    if args.workers < 1:
        print(f"--workers must be at least 1, not {args.workers}", file=sys.stderr)
        return 2
    workers = f", {args.workers} worker processes" if args.workers > 1 else ""
    print(f"serving http://{args.host}:{args.port}/ (read-only{workers}; Ctrl-C stops)", flush=True)
    try:
        serve(args.database, args.host, args.port, args.idle_timeout, args.workers, args.cdn, args.metadata,
              Path(args.releases) if args.releases else None, args.supervisor)
    except SnapshotError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
