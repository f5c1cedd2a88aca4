"""The Council's side in the browser, on the real database: a recommendation's page shows the
mandate paragraphs it concerned and what the Council then decided; a resolution reads as a
document; the outcome chart's bars open exactly the rows behind them."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape

from mandate_notes.paths import DATABASE_NAME as DB
from tests.pages import csv_rows, get, html_of


def _section(page: str) -> str:
    return page.split('id="council-side"')[1].split("</section>")[0]


def test_every_recommendation_page_shows_its_mandate_links_and_outcomes_in_full(root, datasette_app):
    data = root / "data"
    links, outcomes = csv_rows(data, "mandate_links"), csv_rows(data, "recommendation_outcomes")
    paragraphs = {row["paragraph_id"]: row for row in csv_rows(data, "paragraphs")}
    # Linking a note to the Council is optional (CONTRIBUTING.md): only a note that names its mandate
    # in force must have its recommendations linked.
    linked = {row["document_id"] for row in csv_rows(data, "documents") if row["mandate_in_force_id"]}
    recommendations = [row for row in csv_rows(data, "recommendations") if row["document_id"] in linked]
    assert links and outcomes and recommendations
    for recommendation in recommendations:
        rid = recommendation["recommendation_id"]
        side = _section(html_of(datasette_app, f"/{DB}/recommendations/{rid}"))
        mine = [row for row in links if row["recommendation_id"] == rid]
        assert mine, rid
        for row in mine + [row for row in outcomes if row["recommendation_id"] == rid]:
            if row["paragraph_id"]:
                number = paragraphs[row["paragraph_id"]]["number"]
                assert f'href="/{DB}/paragraphs/{row["paragraph_id"]}"' in side, (rid, row)
                assert f"paragraph {escape(number)}</a>" in side, (rid, number)
                assert f"<mark>{escape(row['quote'])}</mark>" in side, (rid, row["quote"])
            else:
                assert str(escape(row["reason"])) in side, (rid, row)
        if not any(row["recommendation_id"] == rid for row in outcomes):
            assert "Not addressed to the Security Council" in side, rid


def test_a_resolution_reads_as_a_document_with_the_recommendations_that_point_at_each_paragraph(root, datasette_app):
    data = root / "data"
    links = csv_rows(data, "mandate_links")
    for document_id, symbol in (("s-res-2640-2022", "2640"), ("s-res-2690-2023", "2690")):
        rows = get(datasette_app, f"/{DB}/resolution_text.json?resolution={symbol}&_shape=array&_size=max").json()
        own = [p for p in csv_rows(data, "paragraphs") if p["document_id"] == document_id]
        assert [row["paragraph_id"] for row in rows] == [p["paragraph_id"] for p in own]
        for row in rows:
            expected = sorted(link["recommendation_id"] for link in links if link["paragraph_id"] == row["paragraph_id"])
            # One line per recommendation: "<id> <relation>: <summary>".
            found = sorted(line.split(" ")[0] for line in (row["mandate_links"] or "").splitlines())
            assert found == expected, row["paragraph_id"]


def test_every_bar_of_the_outcome_chart_opens_the_rows_behind_it(root, datasette_app):
    data = root / "data"
    support = {row["recommendation_id"]: row["support_level"] for row in csv_rows(data, "recommendations")}
    counts = Counter((row["outcome"], support[row["recommendation_id"]])
                     for row in {(o["recommendation_id"], o["outcome"]): o
                                 for o in csv_rows(data, "recommendation_outcomes")}.values())
    chart = html_of(datasette_app, "/at-a-glance").split('id="by-outcome-chart"')[1].split("</figure>")[0]
    links = [part.split('"')[0].replace("&amp;", "&") for part in chart.split('<a class="segment" href="')[1:]]
    assert len(links) == len(counts) > 0
    for link in links:
        parts = urlsplit(link)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        [outcome] = re.findall(r"where outcome = '(\w+)'", query["_where"])
        rows = get(datasette_app, f"{parts.path}.json?{parts.query}&_shape=array").json()
        assert len(rows) == counts[(outcome, query["support_level"])] > 0, link
