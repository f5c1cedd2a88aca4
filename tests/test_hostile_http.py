"""A visitor of the served dataset can neither change it nor exhaust it, nor put script into its pages,
nor read files beside it, nor learn where they are. Run against a real server on loopback, as `make serve`
starts it."""

from __future__ import annotations

import csv
import hashlib
import http.client
import os
import resource
import selectors
import shutil
import socket
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from mandate_notes.build import build_database
from mandate_notes.model import csv_path
from mandate_notes.paths import DATABASE_NAME as DB
from mandate_notes.serve import (
    MAX_RESPONSE_BYTES, MAX_RESULT_BYTES, SETTINGS, SNAPSHOT_DIGEST_LENGTH, SNAPSHOT_FOLDER, running_server,
)

# Slow (`make check` leaves it out): builds a copy and attacks its server.
pytestmark = pytest.mark.slow

PROBE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
ESCAPED_PROBE = "&lt;script&gt;alert(1)&lt;/script&gt;"
RAW_PROBES = ("<script>alert(1)</script>", "<img src=x onerror")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def server(tmp_path_factory, root, free_port):
    """The real data with PROBE appended to the text of the first body paragraph, built and served."""
    folder = tmp_path_factory.mktemp("hostile")
    data = shutil.copytree(root / "data", folder / "data")
    path = csv_path(data, "paragraphs")
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    row = next(row for row in rows if row[header.index("kind")] == "body")
    row[header.index("text")] += " " + PROBE
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    database = folder / f"{DB}.db"
    # Built straight from the CSVs, past validation: the probe is not in the source note.
    build_database(data, database)
    with running_server(database, free_port()) as (process, base):
        with httpx.Client(base_url=base, timeout=30) as client:
            yield SimpleNamespace(
                base=base, client=client, database=database, digest=sha256(database), folder=folder,
                paragraph_id=row[header.index("paragraph_id")], port=int(base.rsplit(":", 1)[1]),
            )


def table_counts(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    names = [name for (name,) in connection.execute("select name from sqlite_master where type = 'table'")]
    counts = {name: connection.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}
    connection.close()
    return counts


def assert_unchanged(server) -> None:
    assert sha256(server.database) == server.digest
    assert sorted(path.name for path in server.folder.iterdir()) == ["data", f"{DB}.db", SNAPSHOT_FOLDER]


def raw_get(server, path: str) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (httpx would resolve the dot segments first)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------- writes


WRITE_ROUTES = [
    "/", f"/{DB}", f"/{DB}.json", f"/{DB}/themes", f"/{DB}/themes.json", f"/{DB}/themes/-/insert",
    f"/{DB}/themes/-/upsert", f"/{DB}/themes/-/drop", f"/{DB}/-/create", f"/{DB}/paragraphs/x/-/update",
    f"/{DB}/paragraphs/x/-/delete", "/-/messages", "/-/permissions", "/-/allow-debug", "/-/logout",
]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_write_method_is_refused_on_every_route(server, method):
    counts = table_counts(server.database)
    for route in WRITE_ROUTES:
        response = server.client.request(method, route, json={"row": {"code": "x", "label": "x"}})
        assert response.status_code == 405, (method, route)
        assert response.json()["error"] == "This dataset is read-only."
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert table_counts(server.database) == counts
    assert_unchanged(server)


def write_like_sql(folder: Path) -> list[str]:
    elsewhere = folder / "written-by-a-visitor.db"
    return [
        "insert into themes (code, label, definition) values ('x', 'x', 'x')",
        "insert or replace into themes select * from themes",
        "replace into themes (code, label, definition) values ('x', 'x', 'x')",
        "update themes set label = 'changed'",
        "delete from themes",
        "with doomed as (select code from themes) delete from themes where code in doomed",
        "with one as (select 1) insert into themes select 'x', 'x', 'x' from one",
        "select 1; delete from themes",
        f"attach database '{elsewhere}' as visitor",
        "detach database main",
        "pragma journal_mode = wal",
        "pragma writable_schema = 1",
        "pragma user_version = 7",
        "select * from pragma_journal_mode('delete')",
        "select * from pragma_user_version(7)",
        "create table visitor (x)",
        "create temp table visitor as select * from themes",
        "create view visitor as select 1",
        "create index visitor on themes (label)",
        "drop table themes",
        "alter table themes add column visitor",
        f"vacuum into '{elsewhere}'",
        "reindex",
        "analyze",
        "begin immediate",
        "select load_extension('mod_spatialite')",
    ]


def test_write_like_sql_is_refused_and_changes_nothing(server):
    counts = table_counts(server.database)
    for sql in write_like_sql(server.folder):
        for path in (f"/{DB}.json", f"/{DB}"):
            response = server.client.get(path, params={"sql": sql})
            assert response.status_code == 400, (path, sql, response.text[:300])
            if path.endswith(".json"):
                assert response.json()["ok"] is False, sql
    assert table_counts(server.database) == counts
    assert_unchanged(server)


# ---------------------------------------------------------------- exhaustion


SLOW_SQL = (
    "with recursive counter(n) as (select 1 union all select n + 1 from counter where n < 1000000000) "
    "select count(*) from counter"
)


@pytest.mark.parametrize("extra", [{}, {"_timelimit": "100000000"}], ids=["default", "asking for more time"])
def test_a_slow_query_is_interrupted_at_the_time_limit(server, extra):
    response = server.client.get(f"/{DB}.json", params={"sql": SLOW_SQL, **extra})
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "SQL Interrupted"
    assert "SQL query took too long" in body["error"]
    assert server.client.get("/-/versions.json").status_code == 200


def test_an_oversized_page_is_refused_and_the_largest_is_capped(server):
    response = server.client.get(f"/{DB}/paragraphs.json", params={"_size": "1000000"})
    assert response.status_code == 400
    assert response.json()["error"] == f"_size must be <= {SETTINGS['max_returned_rows']}"
    rows = server.client.get(f"/{DB}/paragraphs.json", params={"_size": "max"}).json()["rows"]
    assert 0 < len(rows) <= SETTINGS["max_returned_rows"]
    many = SETTINGS["max_returned_rows"] * 5
    response = server.client.get(f"/{DB}.json", params={
        "sql": f"with recursive c(n) as (select 1 union all select n + 1 from c where n < {many}) select n from c",
        "_size": "1000000",
    })
    assert response.status_code == 200
    assert len(response.json()["rows"]) == SETTINGS["max_returned_rows"]
    assert response.json()["truncated"] is True


def test_pagination_walks_every_row_and_beyond_the_end_answers_empty(server):
    expected = table_counts(server.database)["paragraphs"]
    seen, url = [], f"/{DB}/paragraphs.json?_size=1"
    while url:
        page = server.client.get(url).json()
        seen += [row[0] for row in page["rows"]]
        url = page["next_url"]
        assert len(seen) <= expected
    assert len(seen) == expected == len(set(seen))
    for beyond in ("zzzz,zzzz", "zzzz", "9" * 40, "~2E~2E,~2F", "%00"):
        response = server.client.get(f"/{DB}/paragraphs.json", params={"_next": beyond})
        assert response.status_code < 500, beyond
    assert server.client.get(f"/{DB}/paragraphs.json", params={"_next": "zzzz,zzzz"}).json()["rows"] == []


PARAMETERS = [
    "_sort", "_sort_desc", "_next", "_size", "_search", "_searchmode", "_where", "_col", "_nocol", "_facet",
    "_facet_array", "_facet_date", "_facet_size", "_through", "_timelimit", "_ttl", "_shape", "_json", "_labels",
    "_nl", "_stream", "_trace", "text__in", "text__notin", "sequence__gt", "sequence__in", "sequence",
    "text__arraycontains", "text__date", "text__isnull",
]
HOSTILE_VALUES = ["nope", "{", '{"x": 1}', "[", "²", "9" * 25, "<script>"]


@pytest.mark.parametrize("path", [f"/{DB}/paragraphs.json", f"/{DB}/paragraphs"])
def test_malformed_query_parameters_get_a_client_error_never_a_server_error(server, path):
    failures = []
    for name in PARAMETERS:
        for value in HOSTILE_VALUES:
            response = server.client.get(path, params={name: value})
            if response.status_code >= 500:
                failures.append((name, value, response.status_code, response.text[:200]))
    assert failures == []


def test_an_error_page_does_not_print_a_rich_traceback(datasette_app):
    """Datasette renders a traceback with every local variable for each error when `rich` is
    importable, a second or more per 404 on this data; the plugin turns that off."""
    import asyncio

    import datasette.handle_exception

    response = asyncio.run(datasette_app.client.get(f"/{DB}/no-such-table"))
    assert response.status_code == 404
    assert datasette.handle_exception.rich is None


HUGE_RESULTS = [
    ("select zeroblob(100000000)", 400, "string or blob too big"),
    ("select zeroblob(999999) from paragraphs", 400,
     f"result too big: a query may return at most {MAX_RESULT_BYTES:,} bytes; ask for fewer rows or columns"),
    # 16 million characters, within the result bound; JSON writes each as \u00e9, six bytes.
    ("select replace(printf('%.*c', 400000, 'x'), 'x', char(233)) from paragraphs limit 40", 500,
     f"response too big: at most {MAX_RESPONSE_BYTES:,} bytes are sent for one request"),
]


@pytest.mark.parametrize("sql, status, message", HUGE_RESULTS, ids=["one value", "many rows", "the response"])
def test_a_huge_result_fails_fast_while_other_requests_are_served(server, sql, status, message):
    with ThreadPoolExecutor(max_workers=1) as pool:
        huge = pool.submit(httpx.get, f"{server.base}/{DB}.json", params={"sql": sql, "_shape": "array"},
                           timeout=30)
        others = [server.client.get(f"/{DB}/themes.json").status_code for _ in range(5)]
        response = huge.result()
    assert others == [200] * 5
    assert response.status_code == status
    assert response.json()["error"] == message
    assert server.client.get("/-/versions.json").status_code == 200


IDLE_TIMEOUT = 2
# Connections the idle test opens: 2,000, or fewer where the file limit (of each side) is lower.
IDLE_CONNECTIONS = min(2000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200)


@pytest.fixture(scope="module")
def impatient_server(server, tmp_path_factory, free_port):
    """The hostile data served with a short idle timeout, from a folder of its own."""
    folder = tmp_path_factory.mktemp("impatient")
    database = shutil.copy(server.database, folder / f"{DB}.db")
    with running_server(database, free_port(), idle_timeout=IDLE_TIMEOUT) as (process, base):
        yield SimpleNamespace(base=base, port=int(base.rsplit(":", 1)[1]))


def open_idle(port: int, count: int, sent: bytes) -> list[socket.socket]:
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.sendall(sent)
        connections.append(connection)
    return connections


def closed_by_the_server(connections: list[socket.socket], within: float) -> int:
    """How many of connections the server closes (end of file or reset) within the given seconds."""
    with selectors.DefaultSelector() as watching:
        for connection in connections:
            watching.register(connection, selectors.EVENT_READ)
        still_open, deadline = len(connections), time.monotonic() + within
        while still_open and time.monotonic() < deadline:
            for key, _ in watching.select(timeout=0.5):
                try:
                    ended = key.fileobj.recv(1024) == b""
                except OSError:
                    ended = True
                if ended:
                    watching.unregister(key.fileobj)
                    still_open -= 1
    return len(connections) - still_open


@pytest.mark.parametrize("sent", [b"", b"GET /-/versions.json HTTP/1.1\r\nHost: x\r\n"],
                         ids=["nothing", "half a request head"])
def test_idle_connections_are_closed_and_requests_are_answered_meanwhile(impatient_server, sent):
    assert IDLE_CONNECTIONS >= 500, "the file limit is too low for this test"
    idle = open_idle(impatient_server.port, IDLE_CONNECTIONS, sent)
    try:
        with httpx.Client(base_url=impatient_server.base, timeout=10) as client:
            answers = [client.get("/-/versions.json") for _ in range(5)]
        # Beyond the concurrency limit uvicorn refuses at once; it never leaves a request waiting.
        assert {(a.status_code, a.text if a.status_code == 503 else "") for a in answers} <= {
            (200, ""), (503, "Service Unavailable")}
        assert closed_by_the_server(idle, within=IDLE_TIMEOUT * 10) == len(idle)
    finally:
        for connection in idle:
            connection.close()
    assert httpx.get(f"{impatient_server.base}/-/versions.json", timeout=10).status_code == 200


# ---------------------------------------------------------------- script injection


def test_script_in_a_text_cell_is_shown_escaped(server):
    pages = [
        f"/{DB}/paragraphs/{server.paragraph_id}",
        f"/{DB}/paragraphs?_search=alert",
        f"/{DB}/paragraphs?paragraph_id={server.paragraph_id}",
        f"/{DB}?sql=select+text+from+paragraphs+where+paragraph_id+%3D+'{server.paragraph_id}'",
    ]
    for page in pages:
        response = server.client.get(page)
        assert response.status_code == 200, page
        assert response.headers["content-type"].startswith("text/html")
        assert ESCAPED_PROBE in response.text, page
        for raw in RAW_PROBES:
            assert raw not in response.text, page
    response = server.client.get(f"/{DB}/paragraphs/{server.paragraph_id}.json")
    assert response.headers["content-type"].startswith("application/json")
    assert PROBE in response.json()["rows"][0][-1]


@pytest.mark.parametrize("path, params", [
    (f"/{DB}/paragraphs", {"_search": PROBE}),
    (f"/{DB}", {"sql": f"select '{PROBE}' as x"}),
    (f"/{DB}", {"sql": f"{SLOW_SQL} -- </textarea>{PROBE}"}),
    (f"/{DB}/paragraphs", {"_sort": PROBE}),
    (f"/{DB}/paragraphs", {"text__exact": PROBE}),
], ids=["search box", "sql result", "sql in a time-limit error", "error message", "filter"])
def test_script_in_the_request_is_shown_escaped(server, path, params):
    response = server.client.get(path, params=params)
    assert response.status_code < 500
    assert ESCAPED_PROBE in response.text
    for raw in RAW_PROBES:
        assert raw not in response.text


def test_script_in_the_path_is_not_echoed(server):
    response = server.client.get(f"/{DB}/{PROBE}")
    assert response.status_code in (400, 404)
    for raw in RAW_PROBES:
        assert raw not in response.text


# ---------------------------------------------------------------- path traversal


TRAVERSALS = [
    "/-/static/../../../../../../etc/passwd",
    "/-/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/-/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/-/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/-/static/%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/-/static/..%5c..%5c..%5c..%5c..%5c..%5cetc%5cpasswd",
    "/-/static/....//....//....//....//etc/passwd",
    "/-/static//etc/passwd",
    "/-/static/%2fetc%2fpasswd",
    "/-/static/../version.py",
    "/-/static/%2e%2e/version.py",
    "/-/static/..%2fversion.py",
    "/-/static-plugins/datasette/../../../../../../etc/passwd",
    "/..%2f..%2f..%2f..%2fetc%2fpasswd",
    f"/{DB}/..%2f..%2f..%2f..%2fetc%2fpasswd",
]


def test_path_traversal_on_static_routes_is_refused(server):
    import datasette

    # The targets exist, and a file inside the static folder is served: the refusals are real.
    targets = [Path("/etc/passwd"), Path(datasette.__file__).with_name("version.py")]
    secrets = [target.read_bytes()[:20] for target in targets if target.exists()]
    assert secrets
    assert raw_get(server, "/-/static/app.css")[0] == 200
    for path in TRAVERSALS:
        status, body = raw_get(server, path)
        assert status in (302, 400, 403, 404), (path, status)
        assert not any(secret in body for secret in secrets), path


# ---------------------------------------------------------------- the served build


def rebuilt_differently(database: Path) -> None:
    """Replace database as `make build` does, by renaming a complete new file over it."""
    new = database.with_name("rebuilding.db")
    shutil.copy(database, new)
    connection = sqlite3.connect(new)
    with connection:
        connection.execute("delete from themes where rowid = (select max(rowid) from themes)")
    connection.close()
    os.replace(new, database)


def test_a_rebuild_does_not_change_what_a_running_server_serves(server, tmp_path, free_port):
    database = Path(shutil.copy(server.database, tmp_path / f"{DB}.db"))
    served_digest, themes = sha256(database), table_counts(database)["themes"]
    with running_server(database, free_port()) as (process, base):
        rebuilt_differently(database)
        assert table_counts(database)["themes"] == themes - 1
        page = httpx.get(f"{base}/{DB}/themes.json", params={"_size": "0"}, timeout=30).json()
        download = httpx.get(f"{base}/{DB}.db", timeout=30)
    assert page["filtered_table_rows_count"] == themes
    assert hashlib.sha256(download.content).hexdigest() == served_digest
    # The next server serves the new build, and the snapshot nobody serves any more is gone.
    with running_server(database, free_port()) as (process, base):
        download = httpx.get(f"{base}/{DB}.db", timeout=30)
    assert hashlib.sha256(download.content).hexdigest() == sha256(database)
    assert [path.name for path in (tmp_path / SNAPSHOT_FOLDER).iterdir() if path.is_dir()] == [
        sha256(database)[:SNAPSHOT_DIGEST_LENGTH]]



# ---------------------------------------------------------------- what the server tells strangers

HARDENING_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                               "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# One of each kind of response: pages, JSON, CSV, the download, static files, and every error the
# server or its plugins make.
RESPONSES = [
    ("GET", "/", {}, 200),
    ("GET", f"/{DB}", {}, 200),
    ("GET", f"/{DB}/themes", {}, 200),
    ("GET", f"/{DB}/themes.json", {}, 200),
    ("GET", f"/{DB}/themes.csv", {}, 200),
    ("GET", f"/{DB}.db", {}, 200),
    ("GET", "/-/static/app.css", {}, 200),
    ("GET", f"/{DB}/no-such-table", {}, 404),
    ("GET", f"/{DB}/paragraphs.json", {"_sort": "no_such_column"}, 400),
    ("GET", f"/{DB}.json", {"sql": "select zeroblob(100000000)"}, 400),
    ("POST", f"/{DB}/themes", {}, 405),
    ("HEAD", "/", {}, 200),
]


@pytest.mark.parametrize("method, path, params, status", RESPONSES,
                         ids=[f"{method} {path} {status}" for method, path, _, status in RESPONSES])
def test_every_response_carries_the_hardening_headers(server, method, path, params, status):
    response = server.client.request(method, path, params=params)
    assert response.status_code == status
    for name, value in HARDENING_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


# Every public page or API that describes the server, its databases or its files.
INTROSPECTION = [
    ("/-/databases.json", {}),
    ("/-/databases", {}),
    ("/-/plugins.json", {}),
    ("/-/versions.json", {}),
    ("/-/settings.json", {}),
    ("/-/metadata.json", {}),
    ("/-/threads.json", {}),
    ("/-/actor.json", {}),
    (f"/{DB}.json", {}),
    (f"/{DB}.json", {"sql": "select * from pragma_database_list", "_shape": "array"}),
    (f"/{DB}.json", {"sql": "select file from pragma_database_list()", "_shape": "array"}),
    (f"/{DB}", {"sql": "select seq, name, file from pragma_database_list"}),
]


@pytest.mark.parametrize("path, params", INTROSPECTION,
                         ids=[path + (f" {params['sql']}" if params else "") for path, params in INTROSPECTION])
def test_no_public_page_or_api_shows_a_filesystem_path(server, root, path, params):
    response = server.client.get(path, params=params)
    assert response.status_code == 200, path
    served = server.folder / SNAPSHOT_FOLDER
    for secret in (str(served), str(server.folder), str(root)):
        assert secret not in response.text, (path, secret)


def test_the_database_listing_keeps_everything_but_the_path(server):
    listing = server.client.get("/-/databases.json").json()
    assert [database["name"] for database in listing] == [DB]
    assert "path" not in listing[0]
    assert {"route", "is_mutable", "hash", "size"} <= set(listing[0])
    rows = server.client.get(f"/{DB}.json", params={"sql": "select * from pragma_database_list",
                                                     "_shape": "array"}).json()
    # The dataset, and the connection's temporary schema (the search's vocabulary tables): no path.
    assert rows[0] == {"seq": 0, "name": "main", "file": None}
    assert all(row["file"] is None for row in rows) and {row["name"] for row in rows} <= {"main", "temp"}
