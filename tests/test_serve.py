"""Datasette serves every table read-only, with the CSVs' row counts."""

import csv
import http.client
import sys
import urllib.request

import pytest

from mandate_notes import serve
from mandate_notes.model import csv_path
from mandate_notes.paths import DATABASE_NAME as DB
from schemas.definitions import TABLES
from tests import conftest



def csv_count(root, name):
    with open(csv_path(root / "data", name), encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def get(app, path):
    import asyncio

    return asyncio.run(app.client.get(path))


def post(app, path, **kwargs):
    import asyncio

    return asyncio.run(app.client.post(path, **kwargs))


def test_every_table_answers_with_the_csv_row_count(root, datasette_app):
    for spec in TABLES:
        response = get(datasette_app, f"/{DB}/{spec.name}.json?_size=0&_shape=objects")
        assert response.status_code == 200, spec.name
        assert response.json()["filtered_table_rows_count"] == csv_count(root, spec.name), spec.name


def test_the_database_is_immutable(datasette_app):
    response = get(datasette_app, "/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in response.json()] == [(DB, False)]


def test_a_write_through_sql_is_refused(datasette_app):
    response = get(datasette_app, f"/{DB}.json?sql=delete+from+themes")
    assert response.status_code == 400
    assert "Statement must be a SELECT" in response.text
    count = get(datasette_app, f"/{DB}/themes.json?_size=0").json()["filtered_table_rows_count"]
    assert count > 0


def test_a_post_to_a_table_is_refused(datasette_app):
    response = post(datasette_app, f"/{DB}/themes", json={"code": "x"})
    assert response.status_code == 405
    assert "read-only" in response.text


def test_settings_bound_queries_and_pages(datasette_app):
    settings = get(datasette_app, "/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == 1000
    assert settings["max_returned_rows"] >= settings["default_page_size"]


def test_table_metadata_comes_from_the_definitions(datasette_app):
    html = get(datasette_app, f"/{DB}/recommendations").text
    assert "Every recommendation, suggestion or call to action" in html


def test_a_test_server_that_dies_is_started_again(served):
    """One crash of the shared server fails at most the test it happened in: the next test's
    `server` finds it gone and starts another (tests/conftest.py, Served)."""
    import urllib.request

    first = served.running()
    crashed = served.process
    crashed.kill()
    crashed.wait()
    again = served.running()
    assert served.process is not crashed and served.process.poll() is None
    assert again == first, "the same address, so that pages a module noted stay good"
    with urllib.request.urlopen(f"{again}/-/versions.json", timeout=10) as response:
        assert response.status == 200


def test_a_workers_socket_hands_its_connections_to_asyncio_with_nagle_off(free_port):
    # A worker of `serve.py --workers N` listens on a socket of its own; asyncio turns Nagle's
    # algorithm off only on accepted sockets that say they are TCP, and with it on every keep-alive
    # response's body waited 40 ms for the client's delayed ACK.
    import asyncio
    import socket

    from mandate_notes.serve import reuse_port_socket

    async def accepted_nodelay() -> int:
        found = asyncio.get_running_loop().create_future()

        def accept(reader, writer):
            found.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        listening = reuse_port_socket("127.0.0.1", free_port())
        server = await asyncio.start_server(accept, sock=listening)
        async with server:
            _, writer = await asyncio.open_connection(*listening.getsockname())
            value = await asyncio.wait_for(found, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) == 1


def test_a_start_up_check_answered_by_no_http_server_tries_again(monkeypatch, free_port):
    """On a port among those the system gives outgoing connections, the check of a starting server
    could connect to itself and read its own request back: it tries again, as on a refused connection."""
    class Answered:
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    tries = []

    def urlopen(url, timeout):
        tries.append(url)
        if len(tries) == 1:
            raise http.client.BadStatusLine("GET /-/versions.json HTTP/1.1")
        return Answered()

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    command = [sys.executable, "-c", "import time; time.sleep(60)"]
    with serve.running_command(command, "127.0.0.1", free_port()) as (process, base):
        assert process.poll() is None
    # Tried again after the answer that was no HTTP; the child stopped on leaving.
    assert len(tries) == 2 and process.wait(timeout=10) is not None


def test_a_port_base_among_the_outgoing_ports_is_refused_naming_them(monkeypatch):
    outgoing = conftest.outgoing_ports()
    if not outgoing:
        pytest.skip("this system does not say which ports it gives outgoing connections")
    monkeypatch.setattr(conftest, "PORT_BASE", outgoing.start + 1000)
    with pytest.raises(RuntimeError, match=f"among those the system gives outgoing connections "
                                           f"\\({outgoing.start}-{outgoing.stop - 1}\\)"):
        conftest.worker_ports()
    monkeypatch.setattr(conftest, "PORT_BASE", 8100)
    assert conftest.worker_ports().start >= 8100
