"""Bounded load test on loopback: serve a built database as `make serve` does, send a fixed number of
requests at a fixed concurrency across table JSON, search and row pages, and report requests, errors,
latency percentiles and the server's resident memory (peak, and after the first 10% against the end).

Exits 1 if any request failed. Times are reported, never judged: they depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import signal
import sqlite3
import statistics
import sys
from pathlib import Path


from benchmarks.measure import closed_loop, percentile, proc_status_kib
from mandate_notes.serve import DATABASE, running_server


def request_paths(database: Path, count: int, seed: int = 0) -> list[str]:
    """count paths, drawn with a fixed seed: 40% table JSON, 30% search, 30% row pages."""
    name = database.stem
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = [
            row[0] for row in connection.execute(
                "select name from sqlite_master where type = 'table' and name not like '%_fts%' order by name")
        ]
        rows = []
        for table in tables:
            keys = [row[1] for row in connection.execute(f'pragma table_info("{table}")') if row[5]]
            if len(keys) == 1:
                rows += [(table, key) for (key,) in connection.execute(f'select "{keys[0]}" from "{table}"')]
        words = sorted({
            word.lower() for (text,) in connection.execute("select text from paragraphs")
            for word in re.findall(r"[A-Za-z]{6,}", text)
        })
    finally:
        connection.close()
    draw = random.Random(seed)
    paths = []
    for _ in range(count):
        kind = draw.random()
        if kind < 0.4:
            table = draw.choice(tables)
            paths.append(f"/{name}/{table}.json?_size={draw.choice([10, 50, 100])}")
        elif kind < 0.7:
            word = draw.choice(words)
            suffix = draw.choice([".json", ""])
            paths.append(f"/{name}/paragraphs{suffix}?_search={word}")
        else:
            table, key = draw.choice(rows)
            paths.append(f"/{name}/{table}/{key}")
    return paths


def rss_kib(pid: int) -> int:
    """Resident memory of a process from /proc (Linux), in KiB."""
    rss = proc_status_kib(pid, "VmRSS")
    if rss is None:
        raise RuntimeError(f"no VmRSS for process {pid}")
    return rss


async def drive(base: str, paths: list[str], concurrency: int, pid: int) -> dict:
    """Every path once through the shared closed loop, the server's memory sampled meanwhile."""
    rss_samples: list[int] = []
    marks: dict[str, int] = {}
    tenth = max(1, len(paths) // 10)

    async def sample_memory() -> None:
        while True:
            rss_samples.append(rss_kib(pid))
            await asyncio.sleep(0.2)

    def after_each(answered: int) -> None:
        if answered == tenth:
            marks["after_first_10pct"] = rss_kib(pid)

    rss_before = rss_kib(pid)
    sampler = asyncio.create_task(sample_memory())
    elapsed, latencies, errors = await closed_loop(base, paths, len(paths), concurrency, after_each)
    sampler.cancel()
    rss_end = rss_kib(pid)
    rss_samples.append(rss_end)
    milliseconds = [latency * 1000 for latency in latencies]
    return {
        "requests": len(latencies),
        "concurrency": concurrency,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(milliseconds, 0.50), 1),
            "p90": round(percentile(milliseconds, 0.90), 1),
            "p99": round(percentile(milliseconds, 0.99), 1),
            "max": round(max(milliseconds), 1),
            "mean": round(statistics.fmean(milliseconds), 1),
        },
        "server_rss_kib": {
            "before": rss_before,
            "after_first_10pct": marks.get("after_first_10pct", rss_before),
            "end": rss_end,
            "peak": max(rss_samples),
        },
    }


def run_load(database: Path, port: int, requests: int, concurrency: int, seed: int = 0) -> dict:
    """Serve database on 127.0.0.1:port, run the load, stop the server; return the figures."""
    paths = request_paths(database, requests, seed)
    with running_server(database, port) as (process, base):
        return asyncio.run(drive(base, paths, concurrency, process.pid))


def report(result: dict) -> str:
    rss = result["server_rss_kib"]
    latency = result["latency_ms"]
    growth = rss["end"] - rss["after_first_10pct"]
    return "\n".join([
        f"requests: {result['requests']} at {result['concurrency']} concurrent connections "
        f"in {result['seconds']} s ({result['requests_per_second']}/s)",
        f"errors: {result['errors']}" + (f" {result['error_kinds']}" if result["errors"] else ""),
        f"latency ms: p50 {latency['p50']}, p90 {latency['p90']}, p99 {latency['p99']}, max {latency['max']}",
        f"server RSS MiB: before {rss['before'] / 1024:.1f}, after first 10% {rss['after_first_10pct'] / 1024:.1f}, "
        f"end {rss['end'] / 1024:.1f}, peak {rss['peak'] / 1024:.1f} "
        f"(end minus after first 10%: {growth / 1024:+.1f})",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=DATABASE,
                        help="built database (default: build/mandate_notes.db)")
    parser.add_argument("--port", type=int, default=8002, help="loopback port to serve on (default 8002)")
    parser.add_argument("--requests", type=int, default=20000, help="number of requests (default 20000)")
    parser.add_argument("--concurrency", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the request mix (default 0)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"{args.database} is missing: run `make build` first", file=sys.stderr)
        return 1
    # Stop the server on `kill` too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    result = run_load(args.database, args.port, args.requests, args.concurrency, args.seed)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
