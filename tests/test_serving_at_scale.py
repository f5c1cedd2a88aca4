"""Serving beyond one process: worker processes, and the site behind a CDN (hashed database
addresses with long cache lifetimes, compressed responses)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from mandate_notes.paths import DATABASE_NAME as DB
from tests.serving import Served

# Slow (`make check` leaves it out): starts servers of several workers.
pytestmark = pytest.mark.slow

PAGES = ["/", f"/{DB}/recommendations", f"/{DB}/statistics.json?_shape=array", "/at-a-glance"]


def untimed(html: str) -> str:
    return re.sub(r"took [0-9.]+ms", "took ms", html)


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture()
def single(served):
    """The built database served by one process, as `make serve` serves it: the tests' shared server."""
    return served.running()


@pytest.fixture(scope="module")
def two_workers_served(built_database, free_port):
    """The built database served by two worker processes (`make serve WORKERS=2`), started when first
    asked for and again if it has died."""
    served = Served(built_database, free_port, workers=2)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture()
def two_workers(two_workers_served):
    """The two-worker server, running: its base address, port and the workers' process ids."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("counting worker processes needs Linux /proc")
    base = two_workers_served.running()
    # The supervisor starts its workers as spawned processes (beside them, multiprocessing may start a
    # resource tracker, which is not one).
    workers = [pid for pid in children(two_workers_served.process.pid)
               if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
    return SimpleNamespace(base=base, port=two_workers_served.port, workers=workers)


def test_two_workers_serve_the_pages_one_process_serves(two_workers, single):
    assert len(two_workers.workers) == 2, two_workers.workers
    base = two_workers.base
    with httpx.Client(base_url=base) as many, httpx.Client(base_url=single) as one:
        for path in PAGES:
            # Several requests, over new connections, reach more than one worker.
            for _ in range(4):
                answer = httpx.get(base + path)
                assert answer.status_code == 200, path
            expected = one.get(path)
            got = many.get(path)
            assert got.headers["content-type"] == expected.headers["content-type"], path
            if path.endswith("_shape=array"):
                assert got.json() == expected.json()
            else:
                assert len(got.text) == pytest.approx(len(expected.text), rel=0.02), path


def tcp_sockets(pid: int, port: int) -> dict[str, set[str]]:
    """The process's TCP sockets on the local port, by state ('01' established, '0A' listening):
    the inode of each (Linux /proc)."""
    inodes = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = entry.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found: dict[str, set[str]] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
        if local_port == port and inode in inodes:
            found.setdefault(state, set()).add(inode)
    return found


def test_each_worker_listens_on_its_own_socket_and_clients_are_spread_over_them(two_workers):
    import socket

    if not Path("/proc/net/tcp").exists():
        pytest.skip("a worker's sockets are read from Linux /proc")
    port, workers = two_workers.port, two_workers.workers
    # A socket of its own each, so that the kernel, not the first worker to wake, shares out
    # the connections (one shared socket let one worker take a whole burst of clients).
    # The server answers once its first worker listens; the others may still be starting.
    deadline = time.monotonic() + 30
    while True:
        listening = [tcp_sockets(pid, port).get("0A", set()) for pid in workers]
        if all(listening) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(len(held) == 1 for held in listening) and len(set().union(*listening)) == len(workers), listening
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    try:
        for client in clients:
            client.sendall(b"GET /-/versions.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for client in clients:
            assert client.recv(12).startswith(b"HTTP/1.1 200")
        held = [len(tcp_sockets(pid, port).get("01", set())) for pid in workers]
    finally:
        for client in clients:
            client.close()
    # Twenty keep-alive clients, each answered and still connected: every worker holds some.
    assert sum(held) == 20 and min(held) > 0, held


def test_for_a_cdn_the_database_address_carries_its_hash_and_is_cached_for_a_year(built_database, free_port):
    from mandate_notes.serve import running_server

    with running_server(built_database, free_port(), cdn=True) as (_, base):
        moved = httpx.get(f"{base}/{DB}/recommendations?_size=5")
        assert moved.status_code == 302
        hashed = moved.headers["location"]
        assert hashed.startswith(f"/{DB}-") and hashed.endswith("/recommendations?_size=5")
        page = httpx.get(base + hashed, headers={"accept-encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["cache-control"] == "max-age=31536000, public"
        assert page.headers["content-encoding"] == "gzip"
        # The pages link to the hashed address, so a CDN caches what readers follow.
        home = httpx.get(base + "/")
        assert f'href="{hashed.split("/recommendations")[0]}/recommendations"' in home.text


def test_served_locally_the_addresses_stay_plain_and_responses_are_compressed(single):
    page = httpx.get(f"{single}/{DB}/recommendations", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200 and str(page.url).endswith(f"/{DB}/recommendations")
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "max-age=300"
    plain = httpx.get(f"{single}/{DB}/recommendations", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    # The same page, but for the time its queries took.
    assert untimed(plain.text) == untimed(page.text)
