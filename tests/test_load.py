"""A small run of the load test (benchmarks/load.py): every request of the mix answers 200, and the
report carries the figures `make load` prints. The full run (20,000 requests) is `make load`."""

import asyncio

import pytest

from benchmarks import load as load_test

# Slow (`make check` leaves it out): runs the load generator.
pytestmark = pytest.mark.slow


def test_the_request_mix_covers_table_json_search_and_row_pages(built_database):
    paths = load_test.request_paths(built_database, 300)
    assert len(paths) == 300
    assert any(".json?_size=" in path for path in paths)
    assert any("?_search=" in path for path in paths)
    assert any("?" not in path for path in paths)
    assert paths == load_test.request_paths(built_database, 300)


def test_a_short_load_run_has_no_errors_and_reports_memory(built_database, served):
    """The load run_load drives, on the tests' shared server of the built database."""
    base = served.running()
    result = asyncio.run(load_test.drive(base, load_test.request_paths(built_database, 200), 10, served.process.pid))
    assert result["requests"] == 200
    assert result["errors"] == 0, result["error_kinds"]
    rss = result["server_rss_kib"]
    assert 0 < rss["before"] <= rss["peak"] and rss["end"] <= rss["peak"]
    text = load_test.report(result)
    assert "requests: 200 at 10 concurrent connections" in text and "errors: 0" in text
