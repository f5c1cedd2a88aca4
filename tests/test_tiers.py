"""The tests sharing a fixture their module makes once run in one test process (tests/conftest.py):
pytest-xdist sends a group to one process only where the group is written into the test's id, which
a hook that runs too late, or a pytest whose ids pytest-xdist cannot change, silently prevents."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def made_once():
    return object()


def test_a_test_using_a_fixture_its_module_makes_once_is_grouped_by_its_module(made_once, request):
    [group] = [mark.args[0] for mark in request.node.iter_markers("xdist_group")]
    assert group == "tests/test_tiers.py"
    if getattr(request.config.option, "loadgroup", False):
        # In a test process of `make test` (pytest-xdist's --dist loadgroup): the id carries the group.
        assert request.node.nodeid.endswith(f"@{group}"), request.node.nodeid
