"""Benchmark validation, build and serving; write docs/generated/benchmarks.md.

Measures, on this machine and in one run: our validation (scripts/validate.py) against
`frictionless validate`, our build (scripts/build.py) against `sqlite-utils insert --csv` with its
defaults, on the real package and on synthetic packages grown by scripts/scale.py; the peak
memory of each (max RSS of the child processes); the validate + build of the real data; and
Datasette serving the real database under a bounded loopback load at fixed concurrency.
Every figure is the median of several runs, each in a fresh process.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from benchmarks.measure import closed_loop, percentile, proc_status_kib
from benchmarks.scale import scale_package
from mandate_notes.model import csv_path
from mandate_notes.paths import BENCHMARKS as REPORT
from mandate_notes.paths import DATABASE_NAME, ROOT
from schemas.definitions import CONTENT_TABLES, TABLES

BENCH = ROOT / "build" / "bench"
BIN = Path(sys.executable).parent
SIZES = (10_000, 100_000, 1_000_000)
# Targets of the benchmarks issue.
VALIDATION_RATIO = 5.0
BUILD_RATIO = 3.0
GROWTH_LIMIT = 12.0
REAL_BUDGET_S = 2.0
P99_LIMIT_MS = 50.0
# A comparison tool run predicted to take longer than this is run once, not several times.
LONG_RUN_S = 120.0
VERSIONS = ("pandas", "numpy", "pandera", "frictionless", "sqlite-utils", "datasette", "uvicorn", "httpx")


class BenchError(Exception):
    """A measured command failed, or a package that must be valid was not."""


@dataclass
class Sample:
    seconds: float
    peak_kb: int


@dataclass
class Measure:
    """Repeated runs of one tool on one package, or, when there was no time for it, an estimate."""

    samples: list[Sample] = field(default_factory=list)
    estimate: float | None = None

    @property
    def seconds(self) -> float:
        if self.samples:
            return statistics.median(s.seconds for s in self.samples)
        return self.estimate if self.estimate is not None else float("nan")

    @property
    def measured(self) -> bool:
        return bool(self.samples)

    @property
    def peak_mb(self) -> float | None:
        return max(s.peak_kb for s in self.samples) / 1024 if self.samples else None

    @property
    def runs(self) -> int:
        return len(self.samples)


@dataclass
class Package:
    label: str
    root: Path
    counts: dict[str, int]  # rows of each resource of the package
    scale_seconds: float | None = None
    parent: "Package | None" = None  # the full package a subset was cut from
    results: dict[str, Measure] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.results = {name: Measure() for name in TOOLS}

    @property
    def tables(self) -> list[str]:
        return list(self.counts)

    @property
    def rows(self) -> int:
        """Rows of the largest content table: the size axis."""
        content = {spec["name"] for spec in CONTENT_TABLES}
        return max(count for name, count in self.counts.items() if name in content)

    @property
    def csv_bytes(self) -> int:
        return sum((csv_path(self.root / "data", name)).stat().st_size for name in self.tables)


def child_env() -> dict[str, str]:
    """The children write bytecode, as under make, so their import times are realistic."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_measured(commands: list[list[str]], log: Path) -> Sample:
    """Run commands one after another in fresh processes: wall time and the largest child's max RSS."""
    peak = 0
    start = time.perf_counter()
    for command in commands:
        with open(log, "wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=child_env(), cwd=ROOT)
            # wait4 gives this child's own resource usage, max RSS included.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss)
        if process.returncode != 0:
            output = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise BenchError(f"`{' '.join(command)}` exited {process.returncode}:\n{output}")
    return Sample(time.perf_counter() - start, peak)


def csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def real_counts() -> dict[str, int]:
    return {spec["name"]: csv_rows(csv_path(ROOT / "data", spec['name'])) for spec in TABLES}


# ---------------------------------------------------------------- the commands compared


def work_dir(package: Package) -> Path:
    folder = BENCH / "out" / package.label.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ours_validate(package: Package) -> list[list[str]]:
    return [[sys.executable, str(ROOT / "scripts" / "validate.py"), "--root", str(package.root), "-q"]]


def frictionless_validate(package: Package) -> list[list[str]]:
    return [[str(BIN / "frictionless"), "validate", str(package.root / "datapackage.json")]]


# scripts/build.py validates the package before it builds (the validation has its own column), so
# the build is timed as its function, build_database, in a fresh process like the others (the
# library is importable there as everywhere: the environment's .pth file or make's PYTHONPATH).
BUILD_STEP = (
    "import sys; from pathlib import Path; "
    "from mandate_notes.build import build_database; build_database(Path(sys.argv[2]), Path(sys.argv[3]))"
)


def ours_build(package: Package) -> list[list[str]]:
    target = work_dir(package) / "ours.db"
    target.unlink(missing_ok=True)
    return [[sys.executable, "-c", BUILD_STEP, str(ROOT), str(package.root / "data"), str(target)]]


def sqlite_utils_insert(package: Package) -> list[list[str]]:
    """One `sqlite-utils insert DB TABLE FILE --csv` per CSV into one fresh database, defaults otherwise."""
    target = work_dir(package) / "sqlite-utils.db"
    target.unlink(missing_ok=True)
    return [[str(BIN / "sqlite-utils"), "insert", str(target), name,
             str(csv_path(package.root / "data", name)), "--csv"] for name in package.tables]


# name -> (what the report calls it, the commands of one run). Ours first: they are always measured.
TOOLS = {
    "ours_validate": ("our validation", ours_validate),
    "frictionless": ("frictionless validate", frictionless_validate),
    "ours_build": ("our build", ours_build),
    "sqlite_utils": ("sqlite-utils insert --csv", sqlite_utils_insert),
}
OTHERS = ("frictionless", "sqlite_utils")


# ---------------------------------------------------------------- running the comparisons


class Clock:
    """The run's start and its time budget, so the slowest comparison runs can give way."""

    def __init__(self, budget_s: float):
        self.start = time.perf_counter()
        self.budget_s = budget_s

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def left(self) -> float:
        return self.budget_s - self.elapsed()


def say(message: str) -> None:
    print(message, flush=True)


def predict(name: str, package: Package, measured: list[Package]) -> float | None:
    """Seconds of one run: on a subset, the full package's time in proportion to the CSV bytes;
    otherwise on the straight line through the two largest packages measured so far."""
    if package.parent is not None:
        full = package.parent.results[name]
        if full.estimate is None and not full.measured:
            return None
        return full.seconds * package.csv_bytes / package.parent.csv_bytes
    points = [(p.rows, p.results[name].seconds) for p in measured if p.results[name].measured]
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = sorted(points)[-2:]
    slope = max((t2 - t1) / (n2 - n1), 0.0) if n2 != n1 else 0.0
    return t2 + slope * (package.rows - n2)


def plan_runs(package: Package, runs: int, measured: list[Package], clock: Clock, reserve_s: float,
              long_run_s: float) -> dict[str, int]:
    """Runs per tool: `runs`, or one when a run is predicted long. When the predicted total would
    overrun the budget the other tools give way, sqlite-utils first (the build's lead is the
    wider), and are extrapolated instead; on a subset, which exists only to measure them, our
    tool of the pair goes with them."""
    predicted = {name: predict(name, package, measured) for name in TOOLS}
    plan = {name: 1 if (predicted[name] or 0) > long_run_s else runs for name in TOOLS}

    def cost() -> float:
        return sum(plan[name] * (predicted[name] or 0) for name in TOOLS)

    for ours, other in (("ours_build", "sqlite_utils"), ("ours_validate", "frictionless")):
        if cost() > clock.left() - reserve_s and predicted[other] is not None:
            plan[other] = 0
            if package.parent is None:
                package.results[other].estimate = predicted[other]
            else:
                plan[ours] = 0
    return plan


def measure(package: Package, plan: dict[str, int]) -> None:
    """Run the tools in turn, run after run, so that background load falls on all of them alike."""
    log = work_dir(package) / "run.log"
    for index in range(max(plan.values())):
        for name, (_, commands) in TOOLS.items():
            if index < plan[name]:
                package.results[name].samples.append(run_measured(commands(package), log))
    parts = []
    for name, (title, _) in TOOLS.items():
        result = package.results[name]
        if result.measured or result.estimate is not None:
            how = f"{result.runs} run(s)" if result.measured else "extrapolated"
            parts.append(f"{title} {result.seconds:.2f} s ({how})")
    say("  " + "; ".join(parts))


def warm_up(package: Package) -> None:
    """One untimed run of each tool: bytecode compiled, files in the page cache."""
    log = work_dir(package) / "warm-up.log"
    for name, (_, commands) in TOOLS.items():
        # sqlite-utils' 26 start-ups would cost half a minute; its first timed run does the same.
        if name != "sqlite_utils":
            run_measured(commands(package), log)


def check_outputs(package: Package) -> None:
    """Both builds hold every row of the package's CSVs."""
    folder = work_dir(package)
    for name in ("ours.db", "sqlite-utils.db"):
        path = folder / name
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


def closure(table: str) -> list[str]:
    """The table and every table its foreign keys reach, directly or not: a package of its own."""
    found, todo = set(), [table]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        todo += [key["reference"]["resource"] for key in next(s for s in TABLES if s["name"] == name).get(
            "foreign_keys", [])]
    return [spec["name"] for spec in TABLES if spec["name"] in found]


def cut_subset(full: Package) -> Package:
    """The largest table of `full` and the tables it refers to, as a package of their own.

    Its data folder links the full package's CSVs and holds header-only CSVs for the other
    tables, so that our build (which writes every table) runs on it unchanged.
    """
    largest = max(full.counts, key=lambda name: (full.counts[name], name))
    tables = closure(largest)
    root = BENCH / f"{full.root.name}-subset"
    if root.exists():
        shutil.rmtree(root)
    (root / "data" / "generated").mkdir(parents=True)
    for spec in TABLES:
        source, target = csv_path(full.root / "data", spec['name']), csv_path(root / "data", spec['name'])
        if spec["name"] in tables:
            os.link(source, target)
        else:
            with open(source, encoding="utf-8", newline="") as handle:
                target.write_text(handle.readline(), encoding="utf-8", newline="")
    package = json.loads((full.root / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] in tables]
    (root / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8", newline="")
    return Package(f"{full.label} subset", root, {name: full.counts[name] for name in tables}, parent=full)


# ---------------------------------------------------------------- Datasette


@dataclass
class Load:
    name: str
    requests: int
    rates: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def p50(self) -> float:
        return statistics.median(self.p50s)

    @property
    def p99(self) -> float:
        return statistics.median(self.p99s)


async def drive(base: str, paths: list[str], requests: int, concurrency: int) -> tuple[float, list[float]]:
    """The shared closed loop (benchmarks/measure.py); any failed request fails the benchmark."""
    wall, latencies, errors = await closed_loop(base, paths, requests, concurrency)
    if errors:
        raise BenchError(f"{sum(errors.values())} failed request(s): {errors}")
    return wall, latencies


def scenarios(database: Path) -> dict[str, list[str]]:
    """The request mixes: every table's JSON page; searches of every full-text table; every row's page."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        prefix = f"/{DATABASE_NAME}"
        counts = {spec["name"]: connection.execute(f'SELECT count(*) FROM "{spec["name"]}"').fetchone()[0]
                  for spec in TABLES}
        tables = [f"{prefix}/{spec['name']}.json" for spec in TABLES if counts[spec["name"]]]
        searches = []
        for spec in CONTENT_TABLES:
            if not spec.get("fts") or not counts[spec["name"]]:
                continue
            words: Counter = Counter()
            for (text,) in connection.execute(f'SELECT "{spec["fts"][0]}" FROM "{spec["name"]}"'):
                words.update(w.lower() for w in re.findall(r"[A-Za-z]{6,}", text or ""))
            # The twenty commonest longer words: searches with many hits, the costly kind.
            searches += [f"{prefix}/{spec['name']}.json?_search={word}"
                         for word, _ in sorted(words.items(), key=lambda item: (-item[1], item[0]))[:20]]
        rows = []
        for spec in CONTENT_TABLES:
            if len(spec["primary_key"]) == 1 and counts[spec["name"]]:
                key = spec["primary_key"][0]
                rows += [f"{prefix}/{spec['name']}/{value}"
                         for (value,) in connection.execute(f'SELECT "{key}" FROM "{spec["name"]}" ORDER BY 1')]
    finally:
        connection.close()
    return {"table JSON": tables, "full-text search": searches, "row page (HTML)": rows}


def free_port(requested: int) -> int:
    if requested:
        return requested
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_serving(port: int, requests: int, concurrency: int, runs: int) -> tuple[list[Load], float | None, dict]:
    from mandate_notes.serve import DATABASE, running_server

    if not DATABASE.exists():
        raise BenchError(f"{DATABASE.relative_to(ROOT)} is missing: run `make build` first")
    mixes = scenarios(DATABASE)
    loads = []
    with running_server(DATABASE, free_port(port)) as (process, base):
        for name, paths in mixes.items():
            # Warm-up: every path once (templates compiled, pages in SQLite's cache).
            asyncio.run(drive(base, paths, len(paths), concurrency))
            load = Load(name, requests)
            for _ in range(runs):
                wall, latencies = asyncio.run(drive(base, paths, requests, concurrency))
                load.rates.append(requests / wall)
                load.p50s.append(percentile(latencies, 0.50) * 1000)
                load.p99s.append(percentile(latencies, 0.99) * 1000)
            loads.append(load)
            say(f"  {name}: {load.rate:.0f} req/s, p50 {load.p50:.1f} ms, p99 {load.p99:.1f} ms")
        peak = proc_peak_mb(process.pid)
    return loads, peak, {name: len(paths) for name, paths in mixes.items()}


def proc_peak_mb(pid: int) -> float | None:
    """The server's peak RSS so far (Linux)."""
    peak = proc_status_kib(pid, "VmHWM")
    return peak / 1024 if peak is not None else None


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
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores",
        f"- Memory: {memory}",
        f"- System: {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"- Packages: {versions}",
        f"- Load average when the run started (1, 5, 15 min): {load}",
    ]


def fmt_seconds(measure: Measure) -> str:
    if not measure.measured:
        return "–" if measure.estimate is None else f"≈{measure.seconds:,.0f} (extrapolated)"
    value = measure.seconds
    return f"{value:.2f}" if value < 10 else f"{value:,.1f}"


def fmt_mb(measure: Measure) -> str:
    return "–" if measure.peak_mb is None else f"{measure.peak_mb:,.0f}"


def ratio(slow: Measure, fast: Measure) -> float | None:
    if not (slow.measured or slow.estimate is not None) or not fast.measured or not fast.seconds:
        return None
    return slow.seconds / fast.seconds


def fmt_ratio(slow: Measure, fast: Measure) -> str:
    value = ratio(slow, fast)
    if value is None:
        return "–"
    return f"{value:.1f}x" if slow.measured else f"≈{value:.1f}x"


def size_label(rows: int) -> str:
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1000 and rows % 1000 == 0:
        return f"{rows // 1000}k"
    return f"{rows:,}"


def row_summary(package: Package) -> str:
    content = [spec["name"] for spec in CONTENT_TABLES]
    return ", ".join(f"{name} {package.counts[name]:,}" for name in content
                     if package.counts.get(name))


def growth(small: Package, large: Package, name: str) -> str:
    a, b = small.results[name], large.results[name]
    if not a.measured or not (b.measured or b.estimate is not None):
        return "–"
    value = b.seconds / a.seconds
    return f"{value:.1f}x" if b.measured else f"≈{value:.1f}x"


def write_report(path: Path, packages: list[Package], chain: Measure, make_build: Measure, loads: list[Load],
                 server_peak: float | None, mixes: dict, args, clock: Clock, started: str,
                 machine_lines: list[str]) -> None:
    scaled = [p for p in packages if p.label != "real" and p.parent is None]
    subsets = [p for p in packages if p.parent is not None]
    estimated = [(p, TOOLS[n][0]) for p in packages for n in TOOLS
                 if not p.results[n].measured and p.results[n].estimate is not None]
    single = [(p, TOOLS[n][0]) for p in packages for n in TOOLS if p.results[n].runs == 1]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`scripts/bench.py`) on {started} UTC; do not edit by hand. The",
        f"measurements took {clock.elapsed() / 60:.1f} minutes end to end (making the packages included).",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## Validation and build",
        "",
        "Wall seconds, the median of the runs given (our validation / frictionless / our build /",
        "sqlite-utils); ratios are the other tool's time over ours. *Our validation* is",
        "`scripts/validate.py` (file and quoting checks, pandera schemas, keys, foreign keys, the quote",
        "and citation rules, resource hashes); *our build* is the build step of `scripts/build.py`",
        "(`build_database`: typed columns, keys, foreign-key indexes, FTS5, foreign-key check, VACUUM,",
        "atomic rename), which the script runs after the same validation, so `scripts/build.py` costs",
        "the two columns together. The others are `frictionless validate datapackage.json` and one",
        "`sqlite-utils insert DB TABLE FILE.csv --csv` per CSV into one fresh database, their defaults",
        "otherwise (every column TEXT, no keys, no indexes, no full-text search). Peak memory is the",
        "largest max RSS among a run's processes.",
        "",
        "| package | runs | our validation s | frictionless s | ratio | our build s | sqlite-utils s | ratio "
        "| peak MB: our validation / frictionless / our build / sqlite-utils |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for package in packages:
        r = package.results
        runs = "/".join(str(r[name].runs or "–") for name in TOOLS)
        peaks = " / ".join(fmt_mb(r[name]) for name in TOOLS)
        lines.append(
            f"| {package.label} | {runs} | {fmt_seconds(r['ours_validate'])} | {fmt_seconds(r['frictionless'])} | "
            f"{fmt_ratio(r['frictionless'], r['ours_validate'])} | {fmt_seconds(r['ours_build'])} | "
            f"{fmt_seconds(r['sqlite_utils'])} | {fmt_ratio(r['sqlite_utils'], r['ours_build'])} | {peaks} |"
        )
    lines += ["", "The packages:", ""]
    for package in packages:
        made = f"; written in {package.scale_seconds:.1f} s" if package.scale_seconds else ""
        tables = "" if package.parent is None else f" Tables: {', '.join(package.tables)}."
        lines.append(f"- **{package.label}**: {row_summary(package)}; {sum(package.counts.values()):,} rows "
                     f"in all, {package.csv_bytes / 1024 ** 2:,.1f} MB of CSV{made}.{tables}")
    lines += [
        "",
        "`real` is `data/`. The others are written by `scripts/scale.py` into `build/bench/`: the real",
        "notes copied under new ids (every key, foreign key and quote rule kept, code lists unchanged)",
        "until the largest content table holds about 10k, 100k or 1M rows, the other content tables",
        "growing in the same proportion. Our validator reported no problem on each of them (the",
        "benchmark stops otherwise), and so did frictionless wherever it ran.",
    ]
    if subsets:
        lines += [
            "A *subset* is the largest table of a package with every table its foreign keys reach, as a",
            "package of its own: frictionless and sqlite-utils get the same rows as ours at the largest",
            "size in a time that fits the run.",
        ]
    if estimated:
        lines += [
            "",
            "Extrapolated (≈), because a run would not fit the time budget of the benchmark "
            f"({args.budget_minutes:.0f} min): "
            + "; ".join(f"{title} on {p.label}" for p, title in estimated)
            + ". A figure for the full package is the straight line through the two largest packages "
            "measured; one for a subset is the full package's figure in proportion to its CSV bytes.",
        ]
    if single:
        lines += ["", f"Measured once (a run predicted to take over {args.long_run_seconds:.0f} s, or a subset, which "
                  "is a single side-by-side check): " + "; ".join(f"{title} on {p.label}" for p, title in single) + "."]
    if len(scaled) > 1:
        lines += [
            "",
            "## Growth",
            "",
            "Time at the larger package over time at the smaller, for 10x the rows (target for ours: at",
            "most 12x). Start-up (interpreter, imports; about the real package's time) is a fixed cost,",
            "so small steps look cheap.",
            "",
            "| step | our validation | frictionless | our build | sqlite-utils |",
            "|---|---:|---:|---:|---:|",
        ]
        for small, large in zip(scaled, scaled[1:]):
            lines.append(f"| {small.label} → {large.label} | "
                         + " | ".join(growth(small, large, name) for name in TOOLS) + " |")
    lines += [
        "",
        "## Real dataset: validate + build",
        "",
        f"`scripts/build.py`, which validates the package and then builds it: "
        f"**{chain.seconds:.2f} s** wall (median of {chain.runs}; peak {chain.peak_mb:,.0f} MB). "
        f"`make build`, which before it also re-splits the paragraphs, regenerates the derived files to "
        f"compare and runs `scripts/validate.py --frictionless`: {make_build.seconds:.2f} s (median of "
        f"{make_build.runs}).",
        "",
        "## Datasette serving the real database",
        "",
        f"`scripts/serve.py`'s command and settings (immutable database, inspect file) on 127.0.0.1. "
        f"A closed-loop load generator (asyncio + httpx, in the benchmark's process, on the same "
        f"cores) keeps {args.concurrency} connections busy: {args.requests} requests per run after a "
        f"warm-up pass over every path, median of {args.serve_runs} runs. Paths, in turn: every "
        f"table's JSON page ({mixes.get('table JSON', 0)}); the twenty commonest longer words of each "
        f"full-text table, searched ({mixes.get('full-text search', 0)}); every row's HTML page "
        f"({mixes.get('row page (HTML)', 0)}).",
        "",
        "| request | requests/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for load in loads:
        lines.append(f"| {load.name} | {load.rate:.0f} | {load.p50:.1f} | {load.p99:.1f} |")
    if server_peak is not None:
        lines += ["", f"Server peak memory: {server_peak:,.0f} MB."]
    lines += ["", "## Targets", ""]
    lines += targets(packages, chain, loads, args)
    lines += [
        "",
        "## Running it",
        "",
        "`make bench` (`BENCH_ARGS=\"--sizes 10000\"` for a quick look; `.venv/bin/python",
        "scripts/bench.py -h` for the options). Loopback only, no network. The packages and databases",
        "stay in `build/bench/` (about 5 GB at 1M rows; `make clean` removes them).",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


def targets(packages: list[Package], chain: Measure, loads: list[Load], args) -> list[str]:
    out = []
    real = packages[0]
    scaled = [p for p in packages if p.label != "real" and p.parent is None]
    startup = real.results["ours_validate"].seconds
    largest = scaled[-1] if scaled else None
    pairs = (("ours_validate", "frictionless", VALIDATION_RATIO, "validation", "frictionless validate"),
             ("ours_build", "sqlite_utils", BUILD_RATIO, "build", "sqlite-utils insert --csv"))
    for ours, other, goal, what, title in pairs:
        if largest is None:
            break
        figures = []
        for package in [largest] + [p for p in packages if p.parent is largest]:
            value = ratio(package.results[other], package.results[ours])
            if value is not None:
                how = "measured" if package.results[other].measured else f"{title} extrapolated"
                figures.append((package, value, how))
        if not figures:
            continue
        text = "; ".join(f"{v:.1f}x on {p.label} ({how})" for p, v, how in figures)
        worst = min(v for _, v, _ in figures)
        verdict = "**Met**" if worst >= goal else "**Missed**"
        line = (f"- {verdict}: our {what} is faster than {title} at {largest.label} rows per table by "
                f"{text}; target {goal:.0f}x.")
        if worst < goal:
            line += (f" Short by a factor of {goal / worst:.2f}: ours took {largest.results[ours].seconds:.1f} s, "
                     f"of which start-up is about {startup:.1f} s.")
        out.append(line)
    for name, what in (("ours_validate", "validation"), ("ours_build", "build")):
        steps = [(a, b, b.results[name].seconds / a.results[name].seconds) for a, b in zip(scaled, scaled[1:])]
        if not steps:
            continue
        text = ", ".join(f"{a.label} → {b.label} {g:.1f}x" for a, b, g in steps)
        worst = max(g for _, _, g in steps)
        verdict = "**Met**" if worst <= GROWTH_LIMIT else "**Missed**"
        out.append(f"- {verdict}: {what} time per 10x rows {text} (target at most {GROWTH_LIMIT:.0f}x).")
    if chain.seconds < REAL_BUDGET_S:
        out.append(f"- **Met**: validate + build of the real dataset (`scripts/build.py`) {chain.seconds:.2f} s "
                   f"(target under {REAL_BUDGET_S:.0f} s).")
    else:
        out.append(
            f"- **Missed**: validate + build of the real dataset (`scripts/build.py`) {chain.seconds:.2f} s, "
            f"{chain.seconds - REAL_BUDGET_S:.2f} s over {REAL_BUDGET_S:.0f} s. `scripts/validate.py` alone takes "
            f"{startup:.2f} s and the build step {real.results['ours_build'].seconds:.2f} s; the validation is mostly "
            f"start-up: starting Python and importing pandas and pandera, a fixed cost that the checks of "
            f"the rows themselves add little to (compare the real package's time with the "
            f"{scaled[0].label if scaled else 'larger'} package's)."
        )
    for load in loads:
        if load.p99 < P99_LIMIT_MS:
            out.append(f"- **Met**: Datasette {load.name} p99 {load.p99:.1f} ms at {args.concurrency} connections "
                       f"(target under {P99_LIMIT_MS:.0f} ms).")
        else:
            # Little's law: with every connection always waiting, latency = connections / throughput.
            queue_ms = args.concurrency / load.rate * 1000
            out.append(
                f"- **Missed**: Datasette {load.name} p99 {load.p99:.1f} ms at {args.concurrency} connections, "
                f"{load.p99 - P99_LIMIT_MS:.1f} ms over {P99_LIMIT_MS:.0f} ms. One Datasette process serves "
                f"{load.rate:.0f} requests/s, i.e. {1000 / load.rate:.1f} ms of work each; with "
                f"{args.concurrency} requests always in flight each waits behind the others, "
                f"{args.concurrency} / {load.rate:.0f} per s = {queue_ms:.0f} ms on average "
                f"(p50 {load.p50:.1f} ms), on cores shared with the load generator."
            )
    if any(load.p99 >= P99_LIMIT_MS for load in loads):
        out.append(
            "  The database is immutable, so the way to the target is not in the queries: a response "
            "cache in front of Datasette (every answer can be cached until the next release) or several "
            "Datasette processes behind a proxy, which are choices of the deployment, not of this "
            "repository."
        )
    return out


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES),
                        help="rows of the largest table of each synthetic package, comma-separated "
                             "(default %(default)s)")
    parser.add_argument("--runs", type=int, default=5,
                        help="runs of the real validate + build and of make build (default 5)")
    parser.add_argument("--real-runs", type=int, default=3, help="runs per tool on the real package (default 3)")
    parser.add_argument("--scaled-runs", type=int, default=3, help="runs per tool on a scaled package (default 3)")
    parser.add_argument("--long-run-seconds", type=float, default=60,
                        help="a tool predicted to take longer than this per run is run once (default 60)")
    parser.add_argument("--budget-minutes", type=float, default=25,
                        help="frictionless and sqlite-utils runs predicted to end past this are "
                             "extrapolated instead (default 25)")
    parser.add_argument("--requests", type=int, default=400, help="requests per serving run (default 400)")
    parser.add_argument("--concurrency", type=int, default=20, help="connections kept busy (default 20)")
    parser.add_argument("--serve-runs", type=int, default=3, help="runs per request mix (default 3)")
    parser.add_argument("--port", type=int, default=0, help="port for Datasette (default: any free port)")
    parser.add_argument("--output", type=Path, default=REPORT, help="report file (default docs/generated/benchmarks.md)")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(",") if size)
    clock = Clock(args.budget_minutes * 60)
    # Time kept back for what follows the comparisons (real validate + build, make build).
    reserve_s = 75.0
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    machine_lines = machine()
    BENCH.mkdir(parents=True, exist_ok=True)
    try:
        say("serving the real database")
        loads, server_peak, mixes = bench_serving(args.port, args.requests, args.concurrency, args.serve_runs)
        real = Package("real", ROOT, real_counts())
        say(f"real: {row_summary(real)}")
        warm_up(real)
        measure(real, plan_runs(real, args.real_runs, [], clock, reserve_s, args.long_run_seconds))
        check_outputs(real)
        packages = [real]
        for rows in sizes:
            say(f"scaling to {rows:,} rows")
            start = time.perf_counter()
            root = BENCH / f"rows-{rows}"
            counts = scale_package(ROOT, root, rows)
            package = Package(size_label(rows), root, counts, time.perf_counter() - start)
            say(f"{package.label}: {row_summary(package)}")
            measure(package, plan_runs(package, args.scaled_runs, packages, clock, reserve_s,
                                       args.long_run_seconds))
            check_outputs(package)
            packages.append(package)
        largest = packages[-1]
        if len(packages) > 1 and not all(largest.results[name].measured for name in OTHERS):
            subset = cut_subset(largest)
            # One run of each: a side-by-side check of the full package's extrapolation.
            plan = plan_runs(subset, 1, packages, clock, reserve_s, args.long_run_seconds)
            if any(plan[name] for name in OTHERS):
                say(f"{subset.label}: {row_summary(subset)}")
                measure(subset, plan)
                check_outputs(subset)
                packages.append(subset)
            else:
                say(f"{subset.label}: no time left for it")
        say("validate + build of the real dataset")
        chain, make_build = Measure(), Measure()
        chain_db = work_dir(real) / "chain.db"
        for index in range(args.runs):
            chain.samples.append(run_measured(
                [[sys.executable, str(ROOT / "scripts" / "build.py"), "--output", str(chain_db)]],
                work_dir(real) / "chain.log"))
            if index < 3:  # for information only
                make_build.samples.append(run_measured([["make", "--no-print-directory", "-s", "build"]],
                                                       work_dir(real) / "make-build.log"))
    except (BenchError, RuntimeError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    write_report(args.output, packages, chain, make_build, loads, server_peak, mixes, args, clock, started,
                 machine_lines)
    say(f"wrote {args.output} after {clock.elapsed() / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
