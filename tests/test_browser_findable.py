"""Citations that last, search that finds what a researcher means, support as a scale: as a reader
meets them in headless Chromium at 400 and 1400 pixels (fixtures of tests/test_browser.py).

Screenshots go to build/screenshots/, named cite-*, search-* and support-*.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from mandate_notes.citation import row_citation
from mandate_notes.model import version
from mandate_notes.queries import SEARCH_MATCHES_SHOWN, queries, searchable_tables
from tests.pages import CASES
from tests.browsing import (DB, WIDTHS, all_by_css, assert_no_sideways_scroll, by_css, csv_rows, none_by_css,
                           row_url, screenshot, texts_by_css, wait_for_path)

ROOT_TEXT = {spec.name: spec for spec in searchable_tables()}


def fetch_json(base: str, path: str):
    with urlopen(f"{base}{path}") as response:
        return json.load(response)


def assert_whole(browser, element, what: str) -> None:
    """Nothing of the element's text is cut off: no inner scrolling, and inside the window."""
    inner_width, inner_height, width, height, right = browser.execute_script(
        "const e = arguments[0], r = e.getBoundingClientRect(); "
        "return [e.scrollWidth, e.scrollHeight, e.clientWidth, e.clientHeight, r.right]", element)
    assert inner_width <= width and inner_height <= height, f"{what} is cut off"
    assert right <= browser.execute_script("return window.innerWidth"), f"{what} runs past the window"


# 1. Citations that last -------------------------------------------------------------------------


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_rows_citation_is_shown_whole_with_its_source_version_and_no_local_address(server, browser, window):
    row = csv_rows("recommendations")[0]
    browser.get(f"{server}{row_url('recommendations', row)}")
    box = by_css(browser, "textarea#row-citation")
    text = box.get_attribute("value")
    assert text.startswith(row_citation("recommendations", row["recommendation_id"])[:-1])
    document = next(d for d in csv_rows("documents") if d["document_id"] == row["document_id"])
    for part in (f"Version {version()}", "table recommendations", f"row {row['recommendation_id']}",
                 f"Source: {document['title']}", document["publishers"].split(";")[0].strip(),
                 f"paragraph {row['paragraph_id']}"):
        assert part in text, part
    assert "127.0.0.1" not in text and "localhost" not in text
    browser.execute_script("arguments[0].scrollIntoView()", box)
    assert_whole(browser, box, "the row's citation")
    assert_no_sideways_scroll(browser, "a row page with its citation")
    screenshot(browser, f"cite-row-{window}.png", max_height=4000)


# 2. Search that finds what a researcher means ---------------------------------------------------


def shown_hits(browser) -> set[tuple[str, str]]:
    """(table, row id) of each result on the search page."""
    found = texts_by_css(browser, "table.rows-and-columns tbody tr", within=["td.col-table_name", "td.col-row_id"])
    assert all(None not in cells for cells in found), "a result without its table or row id"
    return {tuple(cells) for cells in found}


def expected_hits(pattern: str) -> set[tuple[str, str]]:
    hits = set()
    for name, spec in ROOT_TEXT.items():
        key = spec.primary_key[0]
        for row in csv_rows(name):
            if re.search(pattern, " ".join(row[c] for c in spec.fts), flags=re.I):
                hits.add((name, row[key]))
    return hits


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
@pytest.mark.note_pages
def test_the_home_search_box_finds_every_form_of_a_word_phrases_prefixes_and_or(server, browser, window):
    from selenium.webdriver.common.keys import Keys

    for number, (typed, pattern) in enumerate(CASES, start=1):
        browser.get(f"{server}/")
        box = by_css(browser, "#home-search")
        box.send_keys(typed)
        box.send_keys(Keys.ENTER)
        wait_for_path(browser, rf"/{DB}/search\?q=")
        expected = expected_hits(pattern)
        assert expected, typed
        shown = shown_hits(browser)
        assert shown <= expected and len(shown) == min(len(expected), SEARCH_MATCHES_SHOWN), typed
        # Each result says in words where it was found, its section, and the passage that matched.
        titles = {spec.title for spec in ROOT_TEXT.values()}
        assert set(texts_by_css(browser, "td.col-found_in")) <= titles
        assert all_by_css(browser, "td.col-snippet mark"), typed
        assert_no_sideways_scroll(browser, f"the results for {typed}")
        screenshot(browser, f"search-{number}-{re.sub(r'[^a-z]+', '-', typed.lower()).strip('-')}-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_search_that_finds_nothing_or_cannot_be_parsed_answers_in_plain_words(server, browser, window):
    browser.get(f"{server}/{DB}/search?" + urlencode({"q": "zzyzx"}))
    assert none_by_css(browser, "table.rows-and-columns tbody tr")
    hint = by_css(browser, "p.nothing-found").text
    assert hint == queries()["search"]["when_nothing_found"]
    screenshot(browser, f"search-nothing-found-{window}.png")
    for name in ROOT_TEXT:
        browser.get(f"{server}/{DB}/{name}")
        box = by_css(browser, "form input[name=_search]")
        box.send_keys('"')
        box.submit()
        wait_for_path(browser, rf"/{DB}/{name}\?.*_search=")
        page = by_css(browser, "body").text
        assert "Invalid SQL" not in page and "syntax error" not in page, name
        assert by_css(browser, "form input[name=_search]").is_displayed(), "the way back: the box again"
    screenshot(browser, f"search-unbalanced-quote-in-a-table-{window}.png")


# 4. Support as a scale --------------------------------------------------------------------------


def scale() -> list[dict]:
    """Support levels in the scale's order: ranked codes by rank, then those off the scale."""
    return sorted(csv_rows("support_levels"), key=lambda row: (row["rank"] == "", int(row["rank"] or 0)))


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_support_facet_reads_in_the_scales_order(server, browser, window):
    used = {row["support_level"] for row in csv_rows("recommendations")}
    browser.get(f"{server}/{DB}/recommendations")
    facet = by_css(browser, "#facet-support_level")
    facet.find_element("css selector", "summary").click()
    shown = texts_by_css(browser, "#facet-support_level li a")
    assert shown == [row["label"] for row in scale() if row["code"] in used]
    browser.execute_script("arguments[0].scrollIntoView()", facet)
    assert_no_sideways_scroll(browser, "the recommendations table")
    screenshot(browser, f"support-facet-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_security_council_question_narrows_to_broadly_backed_asks(server, browser, window):
    narrowest = next(row for row in scale() if row["rank"] == "2")
    every = fetch_json(server, f"/{DB}/security_council_asks.json?narrowest_support=&_shape=array")
    broad = [row for row in every if row["support_rank"] is not None and row["support_rank"] <= 2]
    assert broad and len(broad) < len(every)
    browser.get(f"{server}/{DB}/security_council_asks")
    from selenium.webdriver.support.ui import Select

    field = by_css(browser, "[name=narrowest_support]")
    Select(field).select_by_visible_text(narrowest["label"])
    field.submit()
    wait_for_path(browser, rf"/{DB}/security_council_asks\?.*narrowest_support=\w")
    shown = set(texts_by_css(browser, "td.col-recommendation_id"))
    assert shown == {row["recommendation_id"] for row in broad}
    assert_no_sideways_scroll(browser, "the narrowed question")
    screenshot(browser, f"support-security-council-broadly-backed-{window}.png")
