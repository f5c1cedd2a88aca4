"""A visitor of the served dataset can neither change it nor exhaust it, nor put script into its pages,
nor read files beside it. Run against a real `datasette serve` on loopback, as `make serve` starts it."""

from __future__ import annotations

import csv
import hashlib
import http.client
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from mandate_notes.build import build_database
from scripts.serve import SETTINGS, running_server
from mandate_notes.model import csv_path

DB = "mandate_notes"
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
    assert sorted(path.name for path in server.folder.iterdir()) == ["data", f"{DB}.db", f"{DB}.inspect.json"]


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
