"""Support as a scale: facets list support levels in the scale's order, not by count, and the
Security Council question can be narrowed to broadly backed asks."""

from __future__ import annotations

import re

import pytest

from mandate_notes.paths import DATABASE_NAME as DB
from tests.pages import csv_rows, get, html_of

# Slow (`make check` leaves it out): builds and serves the scaled data.
pytestmark = pytest.mark.slow


def test_the_support_facet_lists_levels_in_the_scales_order_whatever_their_counts(root, datasette_app):
    levels = csv_rows(root / "data", "support_levels")
    # The scale's order: ranked codes by rank, then the codes off the scale.
    order = sorted(levels, key=lambda row: (row["rank"] == "", int(row["rank"] or 0)))
    used = {row["support_level"] for row in csv_rows(root / "data", "recommendations")}
    expected = [row["label"] for row in order if row["code"] in used]
    facet = html_of(datasette_app, f"/{DB}/recommendations").split('id="facet-support_level"')[1].split("</details>")[0]
    shown = re.findall(r">([^<>]+)</a> [\d,]+</li>", facet)
    assert shown == expected
    counts = [int(n) for n in re.findall(r"</a> ([\d,]+)</li>", facet)]
    assert counts != sorted(counts, reverse=True), "by count the order would differ: the test shows the scale"


def test_the_security_council_question_narrows_to_broadly_backed_asks(datasette_app):
    everything = get(datasette_app, f"/{DB}/security_council_asks.json?narrowest_support=&_shape=array").json()
    broad = get(datasette_app, f"/{DB}/security_council_asks.json?narrowest_support=participants&_shape=array").json()
    assert broad and len(broad) < len(everything)
    assert {row["support"] for row in broad} == {"Participants agreed", "Participants (unqualified)"}
    assert {row["recommendation_id"] for row in broad} == {
        row["recommendation_id"] for row in everything if row["support_rank"] is not None and row["support_rank"] <= 2}
