"""Search that finds what a researcher means, in the site-wide search and in every table's box:
words in any form, "phrases", prefix*, OR; the text only (not the heading above it); and no
input that ends in a syntax error."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from mandate_notes.paths import DATABASE_NAME as DB
from mandate_notes.queries import SEARCH_MATCHES_SHOWN, searchable_tables
from tests.pages import CASES, csv_rows, get, html_of


def texts(root, spec) -> dict[str, str]:
    key = spec.primary_key[0]
    return {row[key]: " ".join(row[c] for c in spec.fts) for row in csv_rows(root / "data", spec.name)}


def found(app, spec, query) -> set[str]:
    rows = get(app, f"/{DB}/{spec.name}.json?" + urlencode({"_search": query, "_shape": "array", "_size": "max"})).json()
    return {row[spec.primary_key[0]] for row in rows}


def searched(app, query) -> set[tuple[str, str]]:
    hits = get(app, f"/{DB}/search.json?" + urlencode({"q": query, "_shape": "array", "_size": "max"})).json()
    return {(hit["table_name"], hit["row_id"]) for hit in hits}


@pytest.mark.parametrize(("query", "pattern"), CASES)
def test_every_box_finds_exactly_the_rows_the_query_means(root, datasette_app, query, pattern):
    everywhere = set()
    for spec in searchable_tables():
        expected = {key for key, text in texts(root, spec).items() if re.search(pattern, text, flags=re.I)}
        assert found(datasette_app, spec, query) == expected, (spec.name, query)
        everywhere |= {(spec.name, key) for key in expected}
    # The site-wide search shows the best SEARCH_MATCHES_SHOWN of them; each table's box, every one.
    hits = searched(datasette_app, query)
    assert everywhere and hits <= everywhere and len(hits) == min(len(everywhere), SEARCH_MATCHES_SHOWN)


def test_the_site_wide_search_shows_the_best_matches_of_a_common_word_and_says_how_many_at_most(root, datasette_app):
    spec = next(s for s in searchable_tables() if s.name == "paragraphs")
    holding = [key for key, text in texts(root, spec).items() if re.search(r"\bcouncil\b", text, flags=re.I)]
    assert len(holding) > SEARCH_MATCHES_SHOWN, "a word more rows hold than the search shows"
    assert len(searched(datasette_app, "council")) == SEARCH_MATCHES_SHOWN
    assert f"the best {SEARCH_MATCHES_SHOWN} at most" in html_of(datasette_app, f"/{DB}/search?q=council")


def test_a_paragraph_is_not_found_by_the_heading_it_stands_under(root, datasette_app):
    spec = next(s for s in searchable_tables() if s.name == "paragraphs")
    paragraphs = csv_rows(root / "data", "paragraphs")
    word = "Reconfiguration"
    under = [p["paragraph_id"] for p in paragraphs if word in p["section"] and "reconfigur" not in p["text"].lower()]
    assert under, "some paragraph stands under a heading with the word but lacks it"
    assert not set(under) & found(datasette_app, spec, word)


@pytest.mark.parametrize("typed", ['"', 'OR', '*', '""', '"unbalanced', 'NEAR(', 'a AND', '-', '^'])
def test_no_input_ends_in_a_syntax_error(datasette_app, typed):
    for spec in searchable_tables():
        response = get(datasette_app, f"/{DB}/{spec.name}?" + urlencode({"_search": typed}))
        assert response.status_code == 200 and "Invalid SQL" not in response.text, (spec.name, typed)
    response = get(datasette_app, f"/{DB}/search?" + urlencode({"q": typed}))
    assert response.status_code == 200 and "Invalid SQL" not in response.text, typed


def test_search_results_say_where_the_row_was_found_and_in_which_section(datasette_app):
    hits = get(datasette_app, f"/{DB}/search.json?q=Wagner&_shape=array").json()
    titles = {spec.name: spec.title for spec in searchable_tables()}
    assert hits and all(hit["found_in"] == titles[hit["table_name"]] for hit in hits)
    assert all(hit["section"] for hit in hits)
    page = html_of(datasette_app, f"/{DB}/search?q=elect%2A")
    assert "elect* for every word" in page  # the hints stand on the page
