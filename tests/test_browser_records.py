"""Row pages as records, error pages with a way on, and charts that read: in headless Chromium at
400 and 1400 pixels, against a served instance of the real data (fixtures of tests/test_browser.py).

Screenshots go to build/screenshots/, named records-*, error-*, charts-* and width-400-*.
"""

from __future__ import annotations

import json
import re
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from mandate_notes.model import field_title
from schemas.classes import Field
from mandate_notes.paths import SUPERSCRIPT_DIGITS
from schemas.definitions import CODE_LIST_NAMES, CONTENT_TABLES, table
from tests.browsing import (DB, WIDTHS, all_by_css, assert_no_sideways_scroll, by_css,
                           csv_rows, element_screenshot, none_by_css, row_url, screenshot, wait_for_path,
                           links_by_css, read_by_css, texts_by_css, SHOWN_JS)

# A row of each of these tables is opened as a reader would (the brief's examples first).
RECORD_TABLES = ["recommendations", "actors", "statistics", "citations", "events", "documents", "works",
                 "paragraphs", "recommendation_outcomes", "mandate_links"]


def labels(name: str) -> dict[str, str]:
    return {row["code"]: row["label"] for row in csv_rows(name)}


def references(name: str) -> dict[str, tuple[str, str]]:
    """column -> (referenced table, its column), from the table model."""
    return {key.column: (key.table, key.key) for key in table(name).foreign_keys}


def shown(browser, columns: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """column -> (the text of its value on a row page, the address its first link goes to), None
    where the page has none, read in one round trip (not two or three per column)."""
    return dict(zip(columns, browser.execute_script(
        SHOWN_JS + "return arguments[0].map((column) => {"
        " const dd = document.querySelector(`dl.record .field-${column} dd`);"
        " const a = dd === null ? null : dd.querySelector('a');"
        " return [text(dd), a === null ? null : a.href]; });", columns)))


def fetch_json(server, path: str):
    with urlopen(f"{server}{path}") as response:
        return json.load(response)


def as_json_rows(href: str) -> str:
    """The same filtered table as JSON rows: path.json?query&_shape=array."""
    parts = urlsplit(href)
    return f"{parts.path}.json?{parts.query}&_shape=array&_size=max"


def expected_value(name: str, field: Field, value: str) -> str | None:
    """What the record must show for a cell, or None where the text alone cannot tell."""
    if value == "":
        return "none"
    if field.type == "boolean":
        return {"true": "yes", "false": "no"}[value]
    target = references(name).get(field.name)
    if target and target[0] in CODE_LIST_NAMES:
        return labels(target[0])[value]
    return None


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
@pytest.mark.note_pages
def test_a_row_page_shows_each_column_title_with_labels_for_codes_and_yes_or_no(server, browser, window):
    checked = 0
    for name in RECORD_TABLES:
        rows = csv_rows(name)
        spec = table(name)
        # The row with the most filled cells shows the most.
        row = max(rows, key=lambda r: sum(bool(v) for v in r.values()))
        browser.get(f"{server}{row_url(name, row)}")
        titles = [text.split("\n")[0] for text in texts_by_css(browser, "dl.record dt")]
        model = [field for field in spec.fields if not (name == "paragraphs" and field.name == "text")]
        assert titles == [field_title(spec, field) for field in model], name
        values = shown(browser, [field.name for field in model])
        for field in model:
            text, href = values[field.name]
            expected = expected_value(name, field, row[field.name])
            if expected is not None:
                assert text == expected, (name, field.name)
                checked += 1
            target = references(name).get(field.name)
            if target and row[field.name]:
                assert href is not None and href.endswith(f"/{DB}/{target[0]}/{row[field.name]}"), name
        assert none_by_css(browser, "table.rows-and-columns"), "no spreadsheet row beside the record"
        assert not re.search(r"(?<![\d,])0 rows", texts_by_css(browser, "section.content")[0]), "no list of 0 rows"
        assert_no_sideways_scroll(browser, name)
        screenshot(browser, f"records-{name}-{window}.png", max_height=3000)
    assert checked > 20


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_long_text_on_a_row_page_wraps_in_lines_of_many_words(server, browser, window):
    row = max(csv_rows("recommendations"), key=lambda r: len(r["summary"]))
    browser.get(f"{server}{row_url('recommendations', row)}")
    summary = by_css(browser, "dl.record .field-summary dd")
    height, line = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [arguments[0].getBoundingClientRect().height, "
        "parseFloat(s.lineHeight)]", summary)
    lines = round(height / line)
    assert summary.text == row["summary"]
    assert len(row["summary"].split()) / lines >= 5, f"{lines} lines for {len(row['summary'].split())} words"
    assert_no_sideways_scroll(browser, "a recommendation")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_recommendation_page_lists_its_themes_links_and_council_outcomes(server, browser, window):
    themes = csv_rows("recommendation_themes")
    links = csv_rows("recommendation_links")
    outcomes = csv_rows("recommendation_outcomes")
    with_all = [r for r in csv_rows("recommendations")
                if any(t["recommendation_id"] == r["recommendation_id"] for t in themes)
                and any(o["recommendation_id"] == r["recommendation_id"] for o in outcomes)]
    row = (with_all or [r for r in csv_rows("recommendations")
                        if any(t["recommendation_id"] == r["recommendation_id"] for t in themes)])[0]
    rid = row["recommendation_id"]
    browser.get(f"{server}{row_url('recommendations', row)}")
    assert by_css(browser, "section.related")
    related = links_by_css(browser, "section.related li a")
    hrefs = {urlsplit(href).path for _, href in related}
    texts = [text for text, _ in related]
    theme_labels = labels("themes")
    for theme in (t for t in themes if t["recommendation_id"] == rid):
        assert f"/{DB}/recommendation_themes/{rid},{theme['theme']}" in hrefs
        assert theme_labels[theme["theme"]] in texts, "a further theme is shown by its label"
    for outcome in (o for o in outcomes if o["recommendation_id"] == rid):
        assert f"/{DB}/recommendation_outcomes/{outcome['outcome_id']}" in hrefs
    for link in (k for k in links if rid in (k["bullet_recommendation_id"], k["body_recommendation_id"])):
        assert f"/{DB}/recommendation_links/{link['bullet_recommendation_id']},{link['body_recommendation_id']}" in hrefs
    headings = texts_by_css(browser, "section.related h3")
    assert headings and not any(re.search(r":\s*0 rows", h) for h in headings)
    assert_no_sideways_scroll(browser, "a recommendation with related rows")
    screenshot(browser, f"records-recommendation-related-{window}.png", max_height=4000)


def recommendations_about(actor_id: str) -> set[str]:
    """What the actor's page must list: recommendations addressed to it or whose quote names it."""
    actor = next(a for a in csv_rows("actors") if a["actor_id"] == actor_id)
    names = {actor["name"]} | {a["alias"] for a in csv_rows("actor_aliases") if a["actor_id"] == actor_id}
    return {r["recommendation_id"] for r in csv_rows("recommendations")
            if r["addressee_actor_id"] == actor_id or any(name in r["quote"] for name in names)}


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_an_actor_page_lists_the_recommendations_that_ask_it_to_act_or_name_it(server, browser, window):
    recommendations = csv_rows("recommendations")
    addressed = {r["addressee_actor_id"] for r in recommendations}
    # An actor some recommendation names without asking it to act, so both ways are tested.
    actor_id = max((a["actor_id"] for a in csv_rows("actors")),
                   key=lambda a: (any(r["recommendation_id"] in recommendations_about(a)
                                      and r["addressee_actor_id"] != a for r in recommendations),
                                  a in addressed, len(recommendations_about(a))))
    expected = recommendations_about(actor_id)
    assert expected
    browser.get(f"{server}/{DB}/actors/{actor_id}")
    assert by_css(browser, "section.related ul.related-rows")
    # The links of the first list of related rows (the recommendations), in one round trip.
    found = {urlsplit(href).path.rsplit("/", 1)[1] for href in browser.execute_script(
        "return Array.from(document.querySelector('section.related ul.related-rows').querySelectorAll('a'),"
        " (a) => a.href);")}
    assert found == expected
    assert_no_sideways_scroll(browser, "an actor")
    screenshot(browser, f"records-actor-recommendations-{window}.png", max_height=4000)


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_footnote_markers_on_a_row_page_lead_to_their_footnotes(server, browser, window):
    citation = next(c for c in csv_rows("citations") if re.search(f"[{SUPERSCRIPT_DIGITS}]", c["citing_sentence"]))
    browser.get(f"{server}{row_url('citations', citation)}")
    marker = by_css(browser, "dl.record .field-citing_sentence dd a.marker")
    number = marker.text
    footnote = next(p for p in csv_rows("paragraphs") if p["document_id"] == citation["document_id"]
                    and p["kind"] == "footnote" and p["footnote_number"] == number)
    screenshot(browser, f"records-citation-footnote-marker-{window}.png")
    marker.click()
    wait_for_path(browser, rf"/{DB}/paragraphs/{footnote['paragraph_id']}$")
    # The footnote's own number reads as every marker does: a superscript number.
    assert by_css(browser, "blockquote.source-text").text.startswith(
        footnote["text"][:20].translate(str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")))


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_error_pages_carry_the_search_box_and_the_way_home(server, browser, window):
    from selenium.webdriver.common.keys import Keys

    pages = (("404", f"/{DB}/actors/no-such-actor", "Page not found"),
             ("400", f"/{DB}/recommendations?_sort=no_such_column", "Bad request"))
    for kind, path, heading in pages:
        with pytest.raises(HTTPError) as answer:
            urlopen(f"{server}{path}")
        assert str(answer.value.code) == kind
        browser.get(f"{server}{path}")
        assert by_css(browser, "h1").text == heading
        assert by_css(browser, ".error-message").text
        home = by_css(browser, 'nav.explore a[href="/"]')
        assert home.is_displayed()
        assert_no_sideways_scroll(browser, f"the {kind} page")
        screenshot(browser, f"error-{kind}-{window}.png")
    box = by_css(browser, "#error-search")
    box.send_keys("Wagner")
    box.send_keys(Keys.ENTER)
    wait_for_path(browser, rf"/{DB}/search\?q=Wagner")
    assert all_by_css(browser, "table.rows-and-columns tbody tr")


# 5. Charts that read ----------------------------------------------------------------------------


# What a test reads of a chart, in one round trip to the browser (not one or two per bar, tick and
# label), with SHOWN_JS's shown() and text() (text as Selenium's .text gives it).
CHART = """
const chart = document.getElementById(arguments[0]);
const all = (selector) => Array.from(chart.querySelectorAll(selector));
const width = (e) => e.getBoundingClientRect().width;
const first = chart.querySelector('.bar');
return {
  totals: all('.bar .total').map((e) => [Number(e.getAttribute('data-count')), text(e)]),
  ticks: all('.axis .tick').filter(shown).map(text),
  labels: all('.bar-label').map((e) => [parseFloat(getComputedStyle(e).fontSize), text(e),
                                         e.getBoundingClientRect().right]),
  drawn: Array.from(first.querySelectorAll('.segment'), width).reduce((a, b) => a + b, 0),
  track: width(chart.querySelector('.axis .ticks')),
};"""


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_charts_read_at_phone_and_desktop_width(server, browser, window):
    browser.get(f"{server}/at-a-glance")
    for chart_id in ("by-theme-chart", "by-outcome-chart", "coding-chart"):
        chart = browser.execute_script(SHOWN_JS + CHART, chart_id)
        counts = [number for number, _ in chart["totals"]]
        assert counts and counts == sorted(counts, reverse=True), f"{chart_id}: longest bar first"
        ticks = [int(tick) for tick in chart["ticks"]]
        assert len(ticks) >= 3 and ticks[0] == 0 and ticks[-1] >= counts[0], f"{chart_id}: a scale up to the longest bar"
        for number, said in chart["totals"]:
            noun = said.split(" ", 1)[1]
            assert noun.endswith("s") == (number != 1), said
        for size, said, right in chart["labels"]:
            assert size >= 13, f"{chart_id}: label text {size}px"
            if said:
                assert right <= window, f"{chart_id}: {said} runs off the page"
        # A bar's drawn length matches its count on the scale.
        assert abs(chart["drawn"] - chart["track"] * counts[0] / ticks[-1]) <= 3
    assert not re.search(r"(?<![\d,])1 (recommendations|rows)\b", by_css(browser, "section.content").text)
    assert_no_sideways_scroll(browser, "at a glance")
    screenshot(browser, f"charts-at-a-glance-{window}.png", max_height=6000)
    for chart_id in ("by-theme-chart", "by-outcome-chart", "coding-chart"):
        element_screenshot(browser, by_css(browser, f"#{chart_id}"), f"charts-{chart_id}-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_timeline_points_are_labelled_and_months_and_years_drawn_as_spans(server, browser, window):
    events = {e["event_id"]: e for e in csv_rows("events") if e["date"]}
    browser.get(f"{server}/at-a-glance#timeline")
    # Each event's mark (address, classes, drawn width), label and lane, in one round trip.
    rows = browser.execute_script(
        SHOWN_JS + "return Array.from(document.querySelectorAll('#timeline-chart .event-row'), (row) => {"
        " const mark = row.querySelector('a.event'), label = row.querySelector('.bar-label');"
        " const lane = row.querySelector('.lane');"
        " return [mark.href, text(label), mark.getAttribute('class'),"
        "  mark.getBoundingClientRect().width, lane === null ? null : lane.getBoundingClientRect().width]; });")
    axis = read_by_css(browser, "#timeline-chart .axis .tick", "e.textContent")
    assert len(rows) == len(events)
    day = None
    for href, label, classes, width, lane in rows:
        event = events[urlsplit(href).path.rsplit("/", 1)[1]]
        assert event["date_as_written"] in label and event["description"] in label
        precision = "range" if event["date_end"] else ["year", "month", "day"][event["date"].count("-")]
        assert precision in classes.split()
        assert ("planned" in classes.split()) == (event["is_planned"] == "true")
        if precision == "year":
            years = int(axis[-1]) - int(axis[0])
            assert abs(width - lane / years) <= 2, "a year is drawn over its whole year"
        if precision == "day":
            day = width
    dates = [events[urlsplit(href).path.rsplit("/", 1)[1]]["date"] for href, *_ in rows]
    assert dates == sorted(dates), "events in date order"
    assert day is not None
    assert_no_sideways_scroll(browser, "the timeline")
    element_screenshot(browser, by_css(browser, "#timeline-chart"), f"charts-timeline-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_bar_opens_exactly_the_rows_behind_it(server, browser, window):
    browser.get(f"{server}/at-a-glance")
    links = [(href, int(count)) for href, count in read_by_css(
        browser, "figure.chart.bars a.segment, figure.chart.bars a.total", "[e.href, e.getAttribute('data-count')]")]
    assert len(links) > 20
    # Every bar's rows are counted at the widest window: the server writes the same bars (addresses
    # and counts) at every width, and no script of the site changes them. The click below, which
    # the window's width can stop, is made at every width.
    for href, count in links if window == max(WIDTHS) else []:
        assert len(fetch_json(server, as_json_rows(href))) == count, href
    # As a reader would: the longest bar of recommendations opens that many rows.
    total = by_css(browser, "#by-theme-chart a.total")
    count = int(total.get_attribute("data-count"))
    total.click()
    wait_for_path(browser, rf"/{DB}/recommendations\?")
    assert len(all_by_css(browser, "table.rows-and-columns tbody tr")) == count
    screenshot(browser, f"charts-bar-opens-its-rows-{window}.png")


# 8. No page of these kinds scrolls sideways on a phone ---------------------------------------------


def record_pages() -> list[tuple[str, str]]:
    """(what, path) for a row of every content table with rows, a code, both error pages, the charts."""
    pages = [(spec.name, row_url(spec.name, csv_rows(spec.name)[0]))
             for spec in CONTENT_TABLES if csv_rows(spec.name)]
    pages.append(("themes", f"/{DB}/themes/{csv_rows('themes')[0]['code']}"))
    pages += [("error-404", f"/{DB}/actors/no-such-actor"), ("error-400", f"/{DB}/recommendations?_sort=nope"),
              ("at-a-glance", "/at-a-glance")]
    return pages


@pytest.mark.parametrize("window", [400], indirect=True)
def test_no_record_error_or_chart_page_is_wider_than_a_phone(server, browser, window):
    for what, path in record_pages():
        browser.get(f"{server}{path}")
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), \
            f"{what} ({path}) scrolls sideways at {window}px"
        screenshot(browser, f"width-400-{what}.png", max_height=1600)
