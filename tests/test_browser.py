"""A reader's path through the research browser, in headless Chromium against a served instance.

Needs Debian's chromium and chromium-driver (`apt-get install chromium chromium-driver`); without
them these tests skip, except in CI (CI=true), where they fail. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import json
import re

import pytest

from mandate_notes.citation import citation_text, row_citation
from schemas.definitions import PACKAGE, TABLES, table
from mandate_notes.queries import coded_tables, searchable_tables
from tests.browsing import (SEARCH, all_by_css, assert_only_local_requests, by_css, csv_rows, read_by_css, screenshot,
                            texts_by_css, wait_for_path)

# The first coded table with rows, in this order, is the one the reader opens; then any with a quote.
PREFERRED = ["recommendations", "statistics", "events", "citations"]
@pytest.fixture(autouse=True)
def network_log_of_this_test_only(browser):
    """The browser is shared by every module's tests: what a test here asserts of the network log is
    of its own requests."""
    browser.get_log("performance")
    yield


@pytest.mark.note_pages
def test_the_home_page_shows_what_the_dataset_is_how_to_cite_it_and_its_tables(server, browser):
    browser.get(f"{server}/")
    assert by_css(browser, "h1").text == PACKAGE["title"]
    ld = json.loads(browser.execute_script(
        "return document.head.querySelector('script[type=\"application/ld+json\"]').textContent"))
    assert ld["@type"] == "Dataset" and ld["name"] == PACKAGE["title"]
    assert by_css(browser, "#citation-text").get_attribute("value") == citation_text()
    listed = texts_by_css(browser, "table.tables tbody td:first-child code")
    assert listed == [spec.name for spec in TABLES]
    counts = texts_by_css(browser, "table.tables td.count")
    assert counts == [f"{len(csv_rows(spec.name)):,}" for spec in TABLES]
    screenshot(browser, "01-home.png", max_height=4000)
    assert_only_local_requests(browser, server)


def expected_hits(words: str) -> set[tuple[str, str]]:
    """Rows whose searchable text holds every word, as full-text search tokenises them."""
    hits = set()
    for spec in searchable_tables():
        for row in csv_rows(spec.name):
            text = " ".join(row[column] for column in spec.fts)
            if all(re.search(rf"\b{re.escape(word)}\b", text, flags=re.I) for word in words.split()):
                hits.add((spec.name, row[spec.primary_key[0]]))
    return hits


@pytest.mark.note_pages
def test_a_search_from_the_home_page_leads_to_the_paragraphs_holding_the_words(server, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server}/")
    box = by_css(browser, "#home-search")
    box.send_keys(SEARCH)
    box.send_keys(Keys.ENTER)
    wait_for_path(browser, r"/mandate_notes/search\?q=")
    found = {tuple(cells) for cells in texts_by_css(browser, "table.rows-and-columns tbody tr",
                                                    within=["td.col-table_name", "td.col-row_id"])}
    expected = expected_hits(SEARCH)
    assert expected and found == expected
    assert all_by_css(browser, "td.col-snippet mark")
    screenshot(browser, "02-search-results.png")
    first = by_css(browser, "table.rows-and-columns tbody tr:first-child td.col-paragraph_id a")
    paragraph_id = first.text
    first.click()
    wait_for_path(browser, rf"/mandate_notes/paragraphs/{paragraph_id}$")
    text = by_css(browser, "blockquote.source-text").text
    assert all(word.lower() in text.lower() for word in SEARCH.split())
    screenshot(browser, "03-search-hit-paragraph.png")
    assert_only_local_requests(browser, server)


def test_a_row_leads_to_its_paragraph_and_the_paragraph_back_to_the_row(server, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    quoted = [spec.name for spec in coded_tables() if "quote" in spec.field_names]
    names = [spec.name for spec in coded_tables()]
    order = [name for name in PREFERRED + quoted + names if name in names]
    name = next(name for name in order if csv_rows(name))
    spec = table(name)
    browser.get(f"{server}/")
    by_css(browser, f'table.tables a[href="/mandate_notes/{name}"]').click()
    wait_for_path(browser, rf"/mandate_notes/{name}$")
    first_row = by_css(browser, "table.rows-and-columns tbody tr")
    row_href = first_row.find_element("css selector", "td a").get_attribute("href")
    screenshot(browser, "04-table.png")
    link = first_row.find_element("css selector", "td.col-paragraph_id a")
    paragraph_url = link.get_attribute("href")
    link.click()
    wait_for_path(browser, r"/mandate_notes/paragraphs/[^/]+$")
    assert browser.current_url == paragraph_url
    assert by_css(browser, "blockquote.source-text").text
    back = by_css(browser, f'ul.coded a[href="{row_href[len(server):]}"]')
    screenshot(browser, "05-paragraph.png")
    back.click()
    wait_for_path(browser, re.escape(row_href[len(server):]) + "$")
    from datasette.utils import urlsafe_components

    key = urlsafe_components(row_href.rsplit("/", 1)[1])
    row = next(r for r in csv_rows(name) if [r[k] for k in spec.primary_key] == key)
    if "quote" in row:
        assert by_css(browser, "section.in-context mark").text == row["quote"]
    else:
        assert by_css(browser, "section.in-context blockquote").text
    citation = by_css(browser, "#row-citation").get_attribute("value")
    assert citation.startswith(row_citation(name, ",".join(row[k] for k in spec.primary_key))[:-1])
    assert "127.0.0.1" not in citation and "localhost" not in citation
    box = by_css(browser, "#row-citation")
    assert browser.execute_script("return arguments[0].scrollHeight <= arguments[0].clientHeight + 1", box), \
        "the citation is shown whole, without scrolling its box"
    button = by_css(browser, 'button[data-copy="row-citation"]')
    button.click()
    # The page says so once the clipboard has taken the text (asynchronously).
    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda _: button.text == "Copied")
    screenshot(browser, "06-row-citation.png")
    assert_only_local_requests(browser, server)


def test_the_charts_are_drawn_without_any_request_beyond_the_server(server, browser):
    browser.get(f"{server}/")
    by_css(browser, 'nav.explore a[href="/at-a-glance"]').click()
    wait_for_path(browser, r"/at-a-glance$")
    charts = read_by_css(browser, "figure.chart", "[e.getBoundingClientRect().width, e.getBoundingClientRect().height]")
    assert charts and all(width > 300 and height > 0 for width, height in charts)
    assert all_by_css(browser, "#coding-chart a.segment")
    screenshot(browser, "07-at-a-glance.png")
    assert_only_local_requests(browser, server)


# Pages that run scripts or draw: the home page, a table with its column menus, a row, the SQL editor,
# a canned query and the charts.
def scripted_pages() -> list[str]:
    theme = csv_rows("themes")[0]["code"]
    return ["/", "/mandate_notes/recommendations", f"/mandate_notes/themes/{theme}",
            "/mandate_notes?sql=select+1", "/mandate_notes/security_council_asks", "/at-a-glance"]


@pytest.mark.parametrize("window", [400, 1400], indirect=True)
def test_the_content_security_policy_refuses_nothing_the_pages_use(server, browser, window):
    browser.get_log("browser")
    for number, path in enumerate(scripted_pages()):
        browser.get(f"{server}{path}")
        assert "Error" not in browser.title and by_css(browser, "footer, .ft"), path
        screenshot(browser, f"csp-{window}-{number}.png", max_height=1800)
    refused = [entry["message"] for entry in browser.get_log("browser")
               if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]
    assert refused == []
