"""Benchmark the contributor's loop, the pages a reader waits for, serving with several workers, and
validation and build at up to a million rows; write docs/generated/benchmarks.md.

Everything is measured in one run on this machine, by existing tools: hyperfine times whole
commands (medians of repeated runs, each a fresh process; peak memory by /usr/bin/time around each
run), wrk loads the server (latency percentiles from its own histogram). Each comparison runs the
tools side by side on the same package; nothing is extrapolated: a run predicted to overrun the time
budget is not made, and the report says so and compares at the largest size where both ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from benchmarks.scale import read_csv, scale_package
from mandate_notes.model import csv_path
from mandate_notes.paths import BENCHMARKS as REPORT
from mandate_notes.paths import DATABASE_NAME, ROOT
from schemas.definitions import CONTENT_TABLES, TABLES

BENCH = ROOT / "build" / "bench"
BIN = Path(sys.executable).parent
SIZES = (10_000, 100_000, 1_000_000)
# The targets of the speed issue.
VALIDATE_TARGET_S = 1.0
BUILD_TARGET_S = 1.5
# The test suite on two cores: everything (what CI runs) and the inner loop.
TEST_TARGET_S = 90.0
CHECK_TARGET_S = 20.0
PAGE_P95_MS = 50.0
SCALE_RATIO = 5.0
SCALE_ROWS = 1_000_000
# Targets of the earlier benchmarks issue, still reported.
BUILD_RATIO = 3.0
GROWTH_LIMIT = 12.0
# What a run measures (--parts): the contributor's loop, the pages for one reader, worker processes, scale,
# the test suite.
PARTS = ("loop", "pages", "workers", "scale", "suite")
VERSIONS = ("pandas", "numpy", "pandera", "frictionless", "sqlite-utils", "datasette", "uvicorn")
TOOLS_NEEDED = {"hyperfine": "hyperfine", "wrk": "wrk", "/usr/bin/time": "time"}
# A wrk script: cycle through the paths of a file, one after another; print the figures as JSON.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local next_path = 0
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f, '
    .. '"max_ms": %f, "http_errors": %d, "socket_errors": %d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


class BenchError(Exception):
    """A measured command failed, or a tool the benchmark needs is missing."""


def say(message: str) -> None:
    print(message, flush=True)


def child_env() -> dict[str, str]:
    """The children write bytecode, as under make, so their import times are realistic."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ensure_tools() -> None:
    """hyperfine, wrk and /usr/bin/time, from Debian's packages when missing and apt-get can install them."""
    missing = [package for command, package in TOOLS_NEEDED.items() if shutil.which(command) is None]
    if not missing:
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        say(f"installing {', '.join(missing)} (Debian packages)")
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=False, capture_output=True)
        still = [package for command, package in TOOLS_NEEDED.items() if shutil.which(command) is None]
        if still:
            subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-q", *still], check=False, capture_output=True)
    missing = [package for command, package in TOOLS_NEEDED.items() if shutil.which(command) is None]
    if missing:
        raise BenchError(f"needs {', '.join(missing)}: on Debian `apt-get install {' '.join(missing)}`")


# ---------------------------------------------------------------- whole commands, by hyperfine


@dataclass
class Timing:
    """hyperfine's figures for one command: the median and the runs, and the largest peak memory."""

    command: str
    median_s: float | None = None
    runs: int = 0
    peak_mb: float | None = None
    not_run: str = ""  # why it was not run

    @property
    def measured(self) -> bool:
        return self.median_s is not None


def hyperfine(commands: dict[str, str], runs: int, log: Path, warmup: int = 0) -> dict[str, Timing]:
    """Time each shell command `runs` times, in turn, with hyperfine; each run in /usr/bin/time so
    that its peak resident memory is known. A command that fails stops the benchmark."""
    log.parent.mkdir(parents=True, exist_ok=True)
    export = log.with_suffix(".json")
    peaks = {name: log.with_name(f"{log.stem}-{index}.peak") for index, name in enumerate(commands)}
    for path in peaks.values():
        path.unlink(missing_ok=True)
    argv = ["hyperfine", "--runs", str(runs), "--warmup", str(warmup), "--export-json", str(export),
            "--style", "none", "--time-unit", "second"]
    for name, command in commands.items():
        argv += ["-n", name, f"/usr/bin/time -a -o {shlex.quote(str(peaks[name]))} -f %M sh -c {shlex.quote(command)}"]
    with open(log, "w", encoding="utf-8") as out:
        finished = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=child_env(), cwd=ROOT)
    if finished.returncode != 0:
        raise BenchError(f"hyperfine failed ({finished.returncode}); see {log.relative_to(ROOT)}:\n"
                         + log.read_text(encoding="utf-8", errors="replace")[-2000:])
    results = json.loads(export.read_text(encoding="utf-8"))["results"]
    timings = {}
    for name, result in zip(commands, results):
        kib = [int(line) for line in peaks[name].read_text().split() if line.isdigit()] if peaks[name].exists() else []
        timings[name] = Timing(commands[name], result["median"], len(result["times"]),
                               max(kib) / 1024 if kib else None)
    return timings


# ---------------------------------------------------------------- 1. the contributor's loop


def contributor_loop(runs: int) -> dict[str, Timing]:
    """make validate, make build and frictionless validate of the same package, side by side."""
    make = f"make --no-print-directory -s -C {shlex.quote(str(ROOT))}"
    commands = {
        "make validate": f"{make} validate",
        "make build": f"{make} build",
        "frictionless validate": f"{shlex.quote(str(BIN / 'frictionless'))} validate "
                                 f"{shlex.quote(str(ROOT / 'datapackage.json'))}",
    }
    return hyperfine(commands, runs, BENCH / "out" / "loop.log", warmup=1)


@dataclass
class Suite:
    """The test suite timed by hyperfine, with the machine's load before and after."""

    timings: dict[str, Timing]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


# make check takes seconds and varies by a few from run to run: its median is of this many runs.
CHECK_RUNS = 5


def test_suite(runs: int) -> Suite:
    """make check (CHECK_RUNS times, after one warm-up run, which also installs anything missing)
    and make test (runs times) on two test processes (TEST_WORKERS=2), each run a fresh process."""
    make = f"make --no-print-directory -s -C {shlex.quote(str(ROOT))} TEST_WORKERS=2"
    before = os.getloadavg()
    timings = hyperfine({"make check": f"{make} check"}, max(runs, CHECK_RUNS), BENCH / "out" / "suite-check.log",
                        warmup=1)
    timings |= hyperfine({"make test": f"{make} test"}, runs, BENCH / "out" / "suite.log")
    return Suite(timings, before, os.getloadavg())


def suite_lines(suite: Suite) -> list[str]:
    """The targets of the test suite, met or missed, with the load the figures were measured under."""
    out = []
    for name, goal in (("make test", TEST_TARGET_S), ("make check", CHECK_TARGET_S)):
        got = suite.timings[name].median_s
        out.append(f"- {verdict(got <= goal)}: `{name}` with 2 test processes {got:.1f} s (median of "
                   f"{suite.timings[name].runs}; target at most {goal:.0f} s on 2 idle cores).")
    out.append("  Load average (1, 5, 15 min) before: " + ", ".join(f"{v:.2f}" for v in suite.load_before)
               + "; after: " + ", ".join(f"{v:.2f}" for v in suite.load_after)
               + f"; {os.cpu_count()} logical cores. A load above the core count slows the figures by as much.")
    return out


# ---------------------------------------------------------------- 2 and 3. serving, by wrk


@dataclass
class Load:
    """wrk's figures for one run."""

    name: str
    paths: int
    connections: int
    workers: int
    # Who started the workers (mandate_notes/serve.py SUPERVISORS), and the busiest worker's share of
    # the CPU time all the workers spent under the load (1.0 for one worker; 0.5 an even split of two).
    supervisor: str = "ours"
    busiest_share: float = 1.0
    # With workers: the median latency for one client alone on a keep-alive connection, over the same mix.
    one_client_p50_ms: float = 0.0
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    http_errors: int = 0
    socket_errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def page_paths(database: Path) -> dict[str, list[str]]:
    """The paths of each page type, all of them (every table, row, paragraph, question, ...)."""
    prefix = f"/{DATABASE_NAME}"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        counts = {spec.name: connection.execute(f'SELECT count(*) FROM "{spec.name}"').fetchone()[0]
                  for spec in TABLES}
        words: Counter = Counter()
        for (text,) in connection.execute("SELECT text FROM paragraphs"):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{6,}", text or ""))
        rows = []
        for spec in CONTENT_TABLES:
            if len(spec.primary_key) == 1 and spec.name != "paragraphs" and counts[spec.name]:
                key = spec.primary_key[0]
                rows += [f"{prefix}/{spec.name}/{value}"
                         for (value,) in connection.execute(f'SELECT "{key}" FROM "{spec.name}" ORDER BY 1')]
        paragraphs = [f"{prefix}/paragraphs/{value}"
                      for (value,) in connection.execute("SELECT paragraph_id FROM paragraphs ORDER BY 1")]
        # The mandate pages: a mission's mandates one after another, and each resolution against its previous one.
        compared = [f"/mandate-changes?resolution={value}" for (value,) in connection.execute(
            "SELECT DISTINCT document_id FROM paragraph_changes ORDER BY 1")]
    finally:
        connection.close()
    queries = json.loads((ROOT / "server" / "generated" / "metadata.json").read_text(encoding="utf-8"))
    questions = [name for name in queries["databases"][DATABASE_NAME].get("queries", {}) if name != "search"]
    commonest = [word for word, _ in sorted(words.items(), key=lambda item: (-item[1], item[0]))[:40]]
    return {
        "home": ["/"],
        "table": [f"{prefix}/{spec.name}" for spec in TABLES],
        "row": rows,
        "paragraph": paragraphs,
        "search": [f"{prefix}/search?q={word}" for word in commonest],
        "question": [f"{prefix}/{name}" for name in questions],
        "charts": ["/at-a-glance"],
        "mandates": ["/mandates"],
        "mandate changes": ["/mandate-changes", *compared],
        "CSV": [f"{prefix}/{spec.name}.csv?_stream=on" for spec in TABLES],
        "table JSON": [f"{prefix}/{spec.name}.json" for spec in TABLES],
    }


def wrk(base: str, name: str, paths: list[str], connections: int, threads: int, seconds: float,
        workers: int) -> Load:
    folder = BENCH / "out"
    folder.mkdir(parents=True, exist_ok=True)
    script, listing = folder / "cycle.lua", folder / f"paths-{re.sub(r'[^a-z]+', '-', name.lower())}.txt"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    finished = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(script), base],
        capture_output=True, text=True, env={**os.environ, "BENCH_PATHS": str(listing)})
    figures = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not figures:
        raise BenchError(f"wrk failed on {name}: {finished.stderr[-1000:] or finished.stdout[-1000:]}")
    load = Load(name, len(paths), connections, workers, **json.loads(figures[-1]))
    if load.http_errors or load.socket_errors:
        raise BenchError(f"{name}: {load.http_errors} HTTP errors, {load.socket_errors} socket errors")
    return load


# Clients warming a server at once: uvicorn's own --workers answers each keep-alive request 40 ms
# late (uvicorn issue 3149), and one client took 7 minutes over the 9,000 paths.
WARMING_CLIENTS = 8
# Seconds of one client alone on each worker setup: uvicorn's own --workers leaves Nagle's algorithm on,
# which costs a keep-alive client 40 ms per response, a cost the many-client load hides.
ONE_CLIENT_SECONDS = 3


def warm(base: str, paths: list[str]) -> None:
    """Every path once (templates compiled, the database's pages in SQLite's cache)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    def visit(share: list[str]) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for path in share:
                client.get(path).raise_for_status()

    with ThreadPoolExecutor(WARMING_CLIENTS) as pool:
        list(pool.map(visit, [paths[start::WARMING_CLIENTS] for start in range(WARMING_CLIENTS)]))


def bench_pages(port: int, seconds: float) -> tuple[list[Load], dict[str, list[str]]]:
    """One client, one request at a time, through every path of each page type in turn."""
    from mandate_notes.serve import DATABASE, running_server

    pages = page_paths(DATABASE)
    loads = []
    with running_server(DATABASE, port) as (_, base):
        warm(base, [path for paths in pages.values() for path in paths])
        for name, paths in pages.items():
            load = wrk(base, name, paths, connections=1, threads=1, seconds=seconds, workers=1)
            say(f"  {name}: p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms ({load.requests} requests)")
            loads.append(load)
    return loads, pages


def worker_cpu_seconds(server_pid: int) -> dict[int, float]:
    """CPU seconds (user and system) spent so far by each worker process of a server: its child
    processes, or the server itself when it serves alone."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str] | None:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        # The fields after the command's name, which is in brackets and may hold spaces.
        return None if b"resource_tracker" in command else text.rsplit(")", 1)[1].split()

    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat(int(entry.name))
            if fields and int(fields[1]) == server_pid:
                children[int(entry.name)] = fields
    if not children:
        children = {server_pid: stat(server_pid) or []}
    return {pid: (int(fields[11]) + int(fields[12])) / tick for pid, fields in children.items() if fields}


def bench_workers(port: int, seconds: float, worker_counts: list[int], connections: int,
                  rounds: int) -> list[Load]:
    """Throughput at `connections` concurrent clients over a mix of every page type: our workers at
    each count, and uvicorn's own supervisor at the largest, each in `rounds` rounds taken in turn (so
    that a burst of load from elsewhere falls on every setup); the round of median throughput is kept."""
    from mandate_notes.serve import DATABASE, running_server

    pages = page_paths(DATABASE)
    # The mix: each page type in turn, so that no type's many paths crowd out the others.
    longest = max(len(paths) for paths in pages.values())
    mix = [paths[index % len(paths)] for index in range(longest) for paths in pages.values()]
    most = max(worker_counts)
    setups = [(workers, "ours") for workers in worker_counts] + ([(most, "uvicorn")] if most > 1 else [])
    measured: dict[tuple[int, str], list[Load]] = {setup: [] for setup in setups}
    for round_number in range(1, rounds + 1):
        for workers, supervisor in setups:
            with running_server(DATABASE, port, workers=workers, supervisor=supervisor) as (process, base):
                warm(base, sorted(set(mix)))
                before = worker_cpu_seconds(process.pid)
                load = wrk(base, "mix", mix, connections=connections, threads=2, seconds=seconds, workers=workers)
                after = worker_cpu_seconds(process.pid)
                alone = wrk(base, "mix", mix, connections=1, threads=1, seconds=ONE_CLIENT_SECONDS, workers=workers)
            load.one_client_p50_ms = alone.p50_ms
            spent = [after[pid] - before.get(pid, 0.0) for pid in after]
            load.supervisor = supervisor
            load.busiest_share = max(spent) / sum(spent) if sum(spent) else 1.0
            say(f"  round {round_number}, {workers} worker(s), {supervisor} supervisor: {load.rate:.0f} requests/s, "
                f"p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms, busiest worker {load.busiest_share:.0%} of "
                f"the workers' CPU; one client alone p50 {load.one_client_p50_ms:.1f} ms")
            measured[(workers, supervisor)].append(load)
    return [sorted(loads, key=lambda load: load.rate)[len(loads) // 2] for loads in measured.values()]


# ---------------------------------------------------------------- 4. at scale


# The build step alone (no validation), so that it compares with sqlite-utils, which checks nothing.
BUILD_STEP = ("import sys; from pathlib import Path; from mandate_notes.build import build_database; "
              "build_database(Path(sys.argv[1]), Path(sys.argv[2]))")
TOOLS = {
    "ours_validate": "our validation",
    "frictionless": "frictionless validate",
    "ours_build": "our build",
    "sqlite_utils": "sqlite-utils insert --csv",
}
PAIRS = (("ours_validate", "frictionless"), ("ours_build", "sqlite_utils"))


@dataclass
class Package:
    label: str
    root: Path
    counts: dict[str, int]
    scale_seconds: float | None = None
    results: dict[str, Timing] = field(default_factory=dict)
    size: int = 0  # the rows asked of the scaler (its largest table holds about as many)

    @property
    def rows(self) -> int:
        """Rows of the largest content table: the size axis."""
        content = {spec.name for spec in CONTENT_TABLES}
        return max(count for name, count in self.counts.items() if name in content)

    @property
    def csv_bytes(self) -> int:
        return sum(csv_path(self.root / "data", name).stat().st_size for name in self.counts)


def tool_command(name: str, package: Package) -> str:
    out = BENCH / "out" / package.label
    out.mkdir(parents=True, exist_ok=True)
    python, q = shlex.quote(sys.executable), shlex.quote
    if name == "ours_validate":
        return f"{python} {q(str(ROOT / 'scripts' / 'validate.py'))} --root {q(str(package.root))} -q"
    if name == "frictionless":
        return f"{q(str(BIN / 'frictionless'))} validate {q(str(package.root / 'datapackage.json'))} > /dev/null"
    if name == "ours_build":
        target = out / "ours.db"
        return f"rm -f {q(str(target))} && {python} -c {q(BUILD_STEP)} {q(str(package.root / 'data'))} {q(str(target))}"
    target = out / "sqlite-utils.db"
    inserts = " && ".join(f"{q(str(BIN / 'sqlite-utils'))} insert {q(str(target))} {name_} "
                          f"{q(str(csv_path(package.root / 'data', name_)))} --csv" for name_ in package.counts)
    return f"rm -f {q(str(target))} && {inserts}"


def counts_of(root: Path) -> dict[str, int]:
    return {spec.name: len(read_csv(csv_path(root / "data", spec.name))[1]) for spec in TABLES}


def predicted(name: str, package: Package, done: list[Package]) -> float | None:
    """Seconds of one run, in proportion to the rows from the largest package where it ran."""
    before = [p for p in done if p.results.get(name) and p.results[name].measured]
    if not before:
        return None
    last = before[-1]
    return last.results[name].median_s * package.rows / last.rows


def measure_package(package: Package, done: list[Package], runs: int, deadline: float, long_run_s: float) -> None:
    """Each pair side by side; a tool whose predicted runs would end past the deadline is not run."""
    for pair in PAIRS:
        plan = {}
        for name in pair:
            guess = predicted(name, package, done)
            count = 1 if guess is not None and guess > long_run_s else runs
            if guess is not None and time.monotonic() + guess * count > deadline:
                package.results[name] = Timing(tool_command(name, package),
                                               not_run=f"predicted {guess:,.0f} s a run, past the time budget")
                continue
            plan[name] = count
        for count in sorted(set(plan.values())):
            names = [name for name in pair if plan.get(name) == count]
            commands = {name: tool_command(name, package) for name in names}
            package.results.update(hyperfine(commands, count, BENCH / "out" / package.label / f"{pair[0]}-{count}.log"))
    say("  " + "; ".join(f"{TOOLS[n]} {fmt_s(t)}" for n, t in package.results.items()))
    check_outputs(package)


def check_outputs(package: Package) -> None:
    """Both builds hold every row of the package's CSVs."""
    for name in ("ours.db", "sqlite-utils.db"):
        path = BENCH / "out" / package.label / name
        if not path.exists():
            continue
        connection = sqlite3.connect(path)
        try:
            present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table, expected in package.counts.items():
                # sqlite-utils creates no table for a CSV that has a header only.
                found = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] if table in present else 0
                if found != expected:
                    raise BenchError(f"{path}: {table} holds {found} rows, the CSV {expected}")
        finally:
            connection.close()
        path.unlink()


def bench_scale(sizes: list[int], runs: int, deadline: float, long_run_s: float) -> list[Package]:
    real = Package("real", ROOT, counts_of(ROOT))
    packages: list[Package] = []
    for package_size in [None, *sizes]:
        if package_size is None:
            package = real
        else:
            say(f"scaling to {package_size:,} rows")
            start = time.perf_counter()
            root = BENCH / f"rows-{package_size}"
            counts = scale_package(ROOT, root, package_size)
            package = Package(size_label(package_size), root, counts, time.perf_counter() - start,
                              size=package_size)
        say(f"{package.label}: {sum(package.counts.values()):,} rows, {package.csv_bytes / 1024 ** 2:,.1f} MB of CSV")
        measure_package(package, packages, runs, deadline, long_run_s)
        packages.append(package)
    return packages


# ---------------------------------------------------------------- the report


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if match:
            memory = f"{int(match.group(1)) / 1024 ** 2:.1f} GiB"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in VERSIONS)
    tools = ", ".join(subprocess.run([tool, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
                      for tool in ("hyperfine", "wrk") if shutil.which(tool))
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores",
        f"- Memory: {memory}",
        f"- System: {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"- Packages: {versions}",
        f"- Tools: {tools}",
        f"- Load average when the run started (1, 5, 15 min): {load}",
    ]


def size_label(rows: int) -> str:
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1000 and rows % 1000 == 0:
        return f"{rows // 1000}k"
    return f"{rows:,}"


def fmt_s(timing: Timing | None) -> str:
    if timing is None or not timing.measured:
        return "not run"
    value = timing.median_s
    return f"{value:.2f}" if value < 10 else f"{value:,.1f}"


def fmt_mb(timing: Timing | None) -> str:
    return "–" if timing is None or timing.peak_mb is None else f"{timing.peak_mb:,.0f}"


def ratio(slow: Timing | None, fast: Timing | None) -> float | None:
    if slow is None or fast is None or not slow.measured or not fast.measured or not fast.median_s:
        return None
    return slow.median_s / fast.median_s


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}x"


def verdict(met: bool) -> str:
    return "**Met**" if met else "**Missed**"


def targets(loop: dict[str, Timing], pages: list[Load], workers: list[Load], packages: list[Package]) -> list[str]:
    out = []
    friction = loop["frictionless validate"].median_s
    for name, goal in (("make validate", VALIDATE_TARGET_S), ("make build", BUILD_TARGET_S)):
        got = loop[name].median_s
        line = (f"- {verdict(got < goal)}: `{name}` on the real data {got:.2f} s (median of {loop[name].runs}; "
                f"target under {goal:.1f} s); `frictionless validate` of the same package {friction:.2f} s in the "
                f"same run, {friction / got:.1f}x ours.")
        if got >= goal:
            line += (f" {got - goal:.2f} s over. Most of it is start-up: the interpreter and importing pandas and "
                     "pandera, which the checks themselves add little to (compare the 10k package).")
        out.append(line)
    slow = [load for load in pages if load.p95_ms >= PAGE_P95_MS]
    out.append(f"- {verdict(not slow)}: every page type's 95th percentile for one reader under {PAGE_P95_MS:.0f} ms: "
               + ", ".join(f"{load.name} {load.p95_ms:.1f} ms" for load in pages) + ".")
    if slow:
        out.append("  Over: " + ", ".join(f"{load.name} by {load.p95_ms - PAGE_P95_MS:.1f} ms" for load in slow)
                   + ". The slowest table pages render every cell of up to 50 rows through Datasette's "
                   "templates and cell hooks; the time is in rendering, not in SQLite.")
    ours = [load for load in workers if load.supervisor == "ours"]
    if len(ours) > 1:
        one, most = ours[0], ours[-1]
        grows = all(b.rate > a.rate for a, b in zip(ours, ours[1:]))
        out.append(f"- {verdict(grows)}: throughput grows with worker processes at {one.connections} concurrent "
                   "clients: " + ", ".join(f"{load.workers} worker(s) {load.rate:.0f} requests/s" for load in ours)
                   + f" ({most.rate / one.rate:.2f}x with {most.workers}); the load generator shares the same "
                   f"{os.cpu_count()} cores.")
    theirs = [load for load in workers if load.supervisor == "uvicorn"]
    if ours and theirs:
        mine = next(load for load in ours if load.workers == theirs[0].workers)
        out.append(f"- Compared: {mine.workers} workers started by uvicorn's own supervisor (`uvicorn --workers "
                   f"{mine.workers}`, one socket shared) against ours (a socket each) at {mine.connections} clients: "
                   + "; ".join(f"{who} {load.rate:.0f} requests/s, p95 {load.p95_ms:.1f} ms, the busiest worker "
                               f"{load.busiest_share:.0%} of the workers' CPU time, one client alone p50 "
                               f"{load.one_client_p50_ms:.1f} ms"
                               for who, load in (("ours", mine), ("uvicorn's", theirs[0])))
                   + f"; ours {mine.rate / theirs[0].rate:.2f}x uvicorn's throughput.")
    for ours, other in PAIRS:
        goal = SCALE_RATIO if ours == "ours_validate" else BUILD_RATIO
        both = [p for p in packages if p.label != "real" and ratio(p.results.get(other), p.results.get(ours))]
        if not both:
            continue
        largest = both[-1]
        value = ratio(largest.results[other], largest.results[ours])
        at_target = largest.size >= SCALE_ROWS
        what = "validation" if ours == "ours_validate" else "build"
        line = (f"- {verdict(value >= goal and at_target)}: our {what} against {TOOLS[other]} on the full "
                f"{largest.label} package, measured side by side: {value:.1f}x (target at least {goal:.0f}x at "
                f"{size_label(SCALE_ROWS)} rows).")
        if value < goal:
            theirs, mine = largest.results[other].median_s, largest.results[ours].median_s
            line += (f" Short by {mine - theirs / goal:.1f} s: at {goal:.0f}x ours would take at most "
                     f"{theirs / goal:.1f} s against {TOOLS[other]}'s {theirs:.1f} s, and took {mine:.1f} s.")
            smaller = [p for p in both if p is not largest]
            if smaller:
                before = smaller[-1]
                line += (f" From {before.label} to {largest.label} ours grew "
                         f"{mine / before.results[ours].median_s:.1f}x and {TOOLS[other]} "
                         f"{theirs / before.results[other].median_s:.1f}x.")
        skipped = [p for p in packages if p.results.get(other) and p.results[other].not_run]
        if skipped:
            line += (f" {TOOLS[other]} was not run on " + ", ".join(f"{p.label} ({p.results[other].not_run})"
                                                                  for p in skipped) + ".")
        out.append(line)
    scaled = [p for p in packages if p.label != "real"]
    for name in ("ours_validate", "ours_build"):
        steps = [(a, b, b.results[name].median_s / a.results[name].median_s) for a, b in zip(scaled, scaled[1:])
                 if a.results[name].measured and b.results[name].measured]
        if steps:
            worst = max(g for _, _, g in steps)
            out.append(f"- {verdict(worst <= GROWTH_LIMIT)}: {TOOLS[name]} time per 10x rows "
                       + ", ".join(f"{a.label} → {b.label} {g:.1f}x" for a, b, g in steps)
                       + f" (target at most {GROWTH_LIMIT:.0f}x).")
    return out


def write_report(path: Path, loop: dict[str, Timing], pages: list[Load], paths: dict[str, list[str]],
                 workers: list[Load], packages: list[Package], args, started: str, minutes: float,
                 machine_lines: list[str], suite: Suite) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`benchmarks/bench.py`) on {started} UTC; do not edit by hand. The run took",
        f"{minutes:.1f} minutes. Whole commands are timed by hyperfine (the median of the runs given, each a fresh",
        "process; peak memory is the largest maximum resident set of a run, from `/usr/bin/time`); the server",
        "is loaded by wrk, whose own histogram gives the percentiles. Nothing here is extrapolated.",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## Targets",
        "",
        *targets(loop, pages, workers, packages),
        *suite_lines(suite),
        "",
        "## The contributor's loop",
        "",
        "The real data, side by side in one hyperfine run, after one warm-up run each. `make validate` is the",
        "gate (file rules, schemas, cross-table rules, sources, generated files, coverage, adjudication) in one",
        "process; `make build` is the same gate and the database built from the tables it read, in one",
        "process; both include make and its check of the environment. `frictionless validate` checks the",
        "same `datapackage.json`.",
        "",
        "| command | median s | runs | peak MB |",
        "|---|---:|---:|---:|",
        *(f"| `{name}` | {timing.median_s:.3f} | {timing.runs} | {fmt_mb(timing)} |" for name, timing in loop.items()),
        "",
        "## The test suite",
        "",
        "`make check` (ruff and the data and unit tests) and `make test` (everything CI runs: ruff, the",
        "browser, the served site, the slow tests), each with two test processes (`TEST_WORKERS=2`).",
        "",
        "| command | median s | runs | peak MB |",
        "|---|---:|---:|---:|",
        *(f"| `{name}` | {timing.median_s:.1f} | {timing.runs} | {fmt_mb(timing)} |"
          for name, timing in suite.timings.items()),
        "",
        "## Pages for one reader",
        "",
        "`scripts/serve.py` (one process) on 127.0.0.1 serving the real database; wrk with one connection and one",
        f"request at a time for {args.page_seconds:g} s per page type, cycling through every path of the type,",
        "after one untimed request to each path.",
        "",
        "| page type | paths | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(f"| {load.name} | {load.paths} | {load.requests} | {load.p50_ms:.1f} | {load.p95_ms:.1f} | "
          f"{load.p99_ms:.1f} | {load.max_ms:.1f} |" for load in pages),
        "",
        "The paths: " + "; ".join(f"{name}: {describe(paths[name])}" for name in paths) + ".",
    ]
    if workers:
        lines += [
            "",
            "## More than one process",
            "",
            "`scripts/serve.py --workers N`, the workers started by our supervisor (each on a socket of its own,",
            "`SO_REUSEPORT`) or by uvicorn's own (`--supervisor uvicorn`: `uvicorn --workers N`, one socket shared),",
            f"the same app and limits; wrk with {workers[0].connections} connections on 2 threads for "
            f"{args.worker_seconds:g} s over a mix of every page type ({workers[0].paths} paths in turn), on the "
            f"same cores as the server. Each setup ran {args.worker_rounds} time(s), the setups in turn; the run of "
            "median throughput is shown. The busiest worker's share is of the CPU time the workers spent under the "
            "load (from /proc): 50% is an even split of two. *One client alone* is wrk with one keep-alive connection "
            f"for {ONE_CLIENT_SECONDS} s over the same mix, after the load.",
            "",
            "| supervisor | workers | requests/s | p50 ms | p95 ms | p99 ms | busiest worker's share | one client alone, p50 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *(f"| {load.supervisor} | {load.workers} | {load.rate:.0f} | {load.p50_ms:.1f} | {load.p95_ms:.1f} | "
              f"{load.p99_ms:.1f} | {load.busiest_share:.0%} | {load.one_client_p50_ms:.1f} |" for load in workers),
        ]
    lines += [
        "",
        "## At scale",
        "",
        "Median seconds (runs in brackets), side by side on the same package. *Our validation* is",
        "`scripts/validate.py --root PACKAGE` (the whole gate); *our build* is the build step alone",
        "(`build_database`: typed columns, keys, foreign-key indexes, FTS5, foreign-key check, atomic",
        "rename), to compare with one `sqlite-utils insert DB TABLE FILE.csv --csv` per CSV (every column TEXT,",
        "no keys, no indexes, no full-text search); ratios are the other tool's time over ours.",
        "",
        "| package | rows | CSV MB | our validation s | frictionless s | ratio | our build s | sqlite-utils s | ratio "
        "| peak MB: validation / frictionless / build / sqlite-utils |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for package in packages:
        r = package.results
        cells = [f"{fmt_s(r.get(n))} ({r[n].runs})" if r.get(n) and r[n].measured else "not run" for n in TOOLS]
        lines.append(
            f"| {package.label} | {sum(package.counts.values()):,} | {package.csv_bytes / 1024 ** 2:,.1f} | "
            f"{cells[0]} | {cells[1]} | {fmt_ratio(ratio(r.get('frictionless'), r.get('ours_validate')))} | "
            f"{cells[2]} | {cells[3]} | {fmt_ratio(ratio(r.get('sqlite_utils'), r.get('ours_build')))} | "
            + " / ".join(fmt_mb(r.get(n)) for n in TOOLS) + " |")
    not_run = [(p, n) for p in packages for n in TOOLS if p.results.get(n) and p.results[n].not_run]
    if not_run:
        lines += ["", "Not run, within the time budget of " f"{args.budget_minutes:g} minutes: "
                  + "; ".join(f"{TOOLS[n]} on {p.label} ({p.results[n].not_run})" for p, n in not_run) + "."]
    lines += [
        "",
        "`real` is `data/`. The others are written by `benchmarks/scale.py` into `build/bench/`: the real notes",
        "copied under new ids (every key, foreign key and quote rule kept, code lists unchanged) until the",
        "largest content table holds about that many rows, the other content tables growing in proportion.",
        "Our validator reported no problem on each (the benchmark stops otherwise), nor did frictionless.",
        "",
        "## Running it",
        "",
        "`make bench` (`BENCH_ARGS=\"--sizes 10000\"` for a quick look; `.venv/bin/python benchmarks/bench.py -h`",
        "for the options). It needs hyperfine, wrk and `/usr/bin/time` (Debian's packages `hyperfine`, `wrk`,",
        "`time`; installed by the benchmark when it runs as root with apt-get). Loopback only. The packages",
        "stay in `build/bench/` (about 2 GB at 1M rows; `make clean` removes them).",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


def describe(paths: list[str]) -> str:
    return f"`{paths[0]}`" if len(paths) == 1 else f"{len(paths)} (e.g. `{paths[0]}`)"


# ---------------------------------------------------------------- main


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="rows of the largest table of each synthetic package, comma-separated (default %(default)s)")
    parser.add_argument("--loop-runs", type=int, default=10, help="runs of each command on the real data (default 10)")
    parser.add_argument("--scaled-runs", type=int, default=3, help="runs per tool on a scaled package (default 3)")
    parser.add_argument("--long-run-seconds", type=float, default=60,
                        help="a tool predicted to take longer than this per run is run once (default 60)")
    parser.add_argument("--budget-minutes", type=float, default=45,
                        help="a run predicted to end past this many minutes from the start is not made (default 45)")
    parser.add_argument("--page-seconds", type=int, default=5, help="seconds of load per page type (default 5)")
    parser.add_argument("--worker-seconds", type=int, default=10, help="seconds of load per worker count (default 10)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare (default %(default)s)")
    parser.add_argument("--connections", type=int, default=20, help="concurrent clients for the workers (default 20)")
    parser.add_argument("--worker-rounds", type=int, default=3,
                        help="runs of each worker setup, taken in turn; the median is kept (default 3)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="what to measure, comma-separated, of %(default)s; the report is written only when "
                             "every part ran (otherwise the figures are printed)")
    parser.add_argument("--output", type=Path, default=REPORT, help="report file (default docs/generated/benchmarks.md)")
    parser.add_argument("--suite-runs", type=int, default=1,
                        help=f"runs of make test (default 1); make check runs at least {CHECK_RUNS} times")
    parser.add_argument("--suite-only", action="store_true",
                        help="time only the test suite (make check, make test) and print it: --parts suite")
    args = parser.parse_args(argv)
    parts = ["suite"] if args.suite_only else [part for part in args.parts.split(",") if part]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"--parts: unknown part(s) {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    sizes = sorted(int(size) for size in args.sizes.split(",") if size)
    started_at = time.monotonic()
    deadline = started_at + args.budget_minutes * 60
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    try:
        ensure_tools()
        machine_lines = machine()
        BENCH.mkdir(parents=True, exist_ok=True)
        loop, pages, paths, workers, packages, suite = {}, [], {}, [], [], None
        if "loop" in parts:
            say("the contributor's loop")
            loop = contributor_loop(args.loop_runs)
            say("  " + "; ".join(f"{name} {timing.median_s:.2f} s" for name, timing in loop.items()))
        if "pages" in parts:
            say("pages for one reader")
            pages, paths = bench_pages(free_port(), args.page_seconds)
        if "workers" in parts:
            say("worker processes")
            workers = bench_workers(free_port(), args.worker_seconds, [int(n) for n in args.workers.split(",") if n],
                                    args.connections, args.worker_rounds)
        if "scale" in parts:
            packages = bench_scale(sizes, args.scaled_runs, deadline, args.long_run_seconds)
        if "suite" in parts:
            say("the test suite")
            suite = test_suite(args.suite_runs)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    if set(parts) != set(PARTS):
        if suite is not None:
            print("\n".join(suite_lines(suite)))
        now = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        say(f"measured {', '.join(parts)} only, so {args.output.name} is left as it was. "
            f"{machine_lines[-1].lstrip('- ')}; at the end: {now}")
        return 0
    write_report(args.output, loop, pages, paths, workers, packages, args, started,
                 (time.monotonic() - started_at) / 60, machine_lines, suite)
    say(f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
