"""The one timing, percentile and load loop of the benchmarks (bench.py) and the load test (load.py)."""

from __future__ import annotations

import asyncio
import math
import re
import time
from pathlib import Path
from typing import Callable


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99), percentile([1, 2, 3, 4], 0.5)
    (10, 2)
    """
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(share * len(ordered)))) - 1]


def proc_status_kib(pid: int, key: str) -> int | None:
    """A memory figure of a process from /proc/PID/status (Linux) in KiB: VmRSS now, VmHWM its peak."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    match = re.search(rf"^{key}:\s+(\d+) kB", status.read_text(encoding="ascii"), re.MULTILINE)
    return int(match.group(1)) if match else None


async def closed_loop(base: str, paths: list[str], requests: int, concurrency: int,
                      after_each: Callable[[int], None] | None = None) -> tuple[float, list[float], dict[str, int]]:
    """`concurrency` connections, each sending its next request when the last answered, until
    `requests` requests (cycling through paths) are answered. Returns the wall time, each request's
    latency in seconds (body read) and the count of each kind of failure."""
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def connection(client) -> None:
        nonlocal issued
        while issued < requests:
            path = paths[issued % len(paths)]
            issued += 1
            started = time.perf_counter()
            try:
                response = await client.get(path)
                await response.aread()
                if response.status_code != 200:
                    kind = f"HTTP {response.status_code}"
                    errors[kind] = errors.get(kind, 0) + 1
            except httpx.HTTPError as error:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            latencies.append(time.perf_counter() - started)
            if after_each is not None:
                after_each(len(latencies))

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.gather(*(connection(client) for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors
