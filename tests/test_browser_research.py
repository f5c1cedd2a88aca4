"""The research browser as a researcher uses it, in headless Chromium at 400 and 1400 pixels: table
pages that show their rows first, questions answered from choices, exports that keep their sources,
a resolution read as a document, search, citations, error pages and the codebook.

Screenshots go to build/screenshots/research-*.png.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from mandate_notes.model import field_title
from schemas.definitions import table
from tests.browsing import (DB, SHOWN_JS, WIDTHS, all_by_css, by_css, csv_rows, links_by_css, read_by_css,
                            screenshot, texts_by_css)
from tests.conftest import resize

# The height of the window the tests use: what a reader sees before scrolling.
WINDOW_HEIGHT = 900


@pytest.fixture(params=WIDTHS)
def width(browser, request):
    """The window at each width, as conftest's window fixture gives it."""
    resize(browser, request.param, WINDOW_HEIGHT)
    return request.param


def labels(name: str) -> dict[str, str]:
    return {row["code"]: row["label"] for row in csv_rows(name)}


def shot(browser, name: str, width: int, max_height: int = 2400) -> None:
    """The page from its top, as far as max_height: what the reader meets first."""
    screenshot(browser, f"research-{name}-{width}.png", max_height)


def top_of(browser, element) -> float:
    return browser.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY", element)


# 1. Table pages that show their rows first ---------------------------------------------------------


def test_a_table_page_shows_its_rows_first_with_titles_labels_and_yes_or_no(server, browser, width):
    spec = table("recommendations")
    browser.get(f"{server}/{DB}/recommendations")
    first_row = by_css(browser, "table.rows-and-columns tbody tr")
    assert top_of(browser, first_row) < WINDOW_HEIGHT, "the first row is on the first screen"
    assert by_css(browser, "h2.row-count").text == f"{len(csv_rows('recommendations')):,} rows"
    assert by_css(browser, "p.table-lead").text.startswith(spec.description.split(". ")[0])
    # Key columns first, each headed by its title from the table model.
    titles = {field.name: field_title(spec, field) for field in spec.fields}
    columns = read_by_css(browser, "table.rows-and-columns thead th", "[e.getAttribute('data-column'), e.textContent]")
    headers = [column for column, _ in columns]
    assert headers[:4] == ["recommendation_id", "summary", "theme", "support_level"]
    assert [text.strip().rstrip("▼▲").strip() for _, text in columns] == [titles[name] for name in headers]
    # A code by its label, a boolean as yes or no, long text clipped (the whole on the row's page).
    first = csv_rows("recommendations")[0]
    assert by_css(browser, "tbody tr td.col-theme").get_attribute("textContent").strip() == labels("themes")[first["theme"]]
    booleans = {text.strip() for text in read_by_css(browser, "td.col-is_opening_bullet", "e.textContent")}
    assert booleans <= {"yes", "no"} and booleans
    clipped = any(read_by_css(browser, "td.col-quote .clip", "e.scrollHeight > e.clientHeight + 1"))
    if width == 1400:
        assert clipped, "a long quote is clipped to a few lines"
    # Facets and the filter form are folded, one click away.
    facet = by_css(browser, "details#facet-support_level")
    assert not facet.get_attribute("open")
    shot(browser, "table", width)
    facet.find_element("css selector", "summary").click()
    assert [link.text for link in facet.find_elements("css selector", "li a")]
    explore = by_css(browser, "details.explore-table")
    explore.find_element("css selector", "summary").click()
    assert explore.find_element("css selector", "form.filters select[name=_filter_column]").is_displayed()
    assert "SQL" in explore.find_element("css selector", "a[href*='sql=']").text


def test_a_filtered_table_says_its_conditions_in_words_and_each_can_be_removed(server, browser, width):
    rows = csv_rows("recommendations")
    theme = next(row["theme"] for row in rows if row["is_opening_bullet"] == "true")
    wanted = [row for row in rows if row["theme"] == theme and row["is_opening_bullet"] == "true"]
    assert wanted
    browser.get(f"{server}/{DB}/recommendations?" + urlencode({"theme": theme, "is_opening_bullet": "1"}))
    assert by_css(browser, "h2.row-count").text == f"{len(wanted):,} of {len(rows):,} rows"
    said = [item.text for item in all_by_css(browser, "ul.filters-in-words li")]
    assert any(f"Theme is {labels('themes')[theme]}" in words for words in said), said
    assert any("Opening bullet is yes" in words for words in said), said
    assert "theme =" not in by_css(browser, "main").text, "no condition shown as SQL"
    assert top_of(browser, by_css(browser, "table.rows-and-columns tbody tr")) < WINDOW_HEIGHT
    shot(browser, "table-filtered", width, max_height=1600)
    remove = next(item for item in all_by_css(browser, "ul.filters-in-words li") if "Theme" in item.text)
    remove.find_element("css selector", "a.remove").click()
    bullets = [row for row in rows if row["is_opening_bullet"] == "true"]
    assert by_css(browser, "h2.row-count").text == f"{len(bullets):,} of {len(rows):,} rows"


# 2. Question inputs as choices with labels -----------------------------------------------------


def test_a_question_offers_its_inputs_as_labelled_choices_and_says_which_input_excluded_everything(
        server, browser, width):
    from selenium.webdriver.support.ui import Select

    levels = sorted(csv_rows("support_levels"), key=lambda row: (row["rank"] == "", int(row["rank"] or 0)))
    browser.get(f"{server}/{DB}/security_council_asks")
    choice = Select(by_css(browser, "form.question select[name=narrowest_support]"))
    assert [option.text for option in choice.options][1:] == [level["label"] for level in levels]
    choice.select_by_visible_text(levels[0]["label"])
    by_css(browser, "form.question input[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: "narrowest_support=" + levels[0]["code"] in d.current_url)
    asked = by_css(browser, "h2.row-count").text
    # The label as typed on the page answers as its code does.
    browser.get(f"{server}/{DB}/security_council_asks?" + urlencode({"narrowest_support": levels[0]["label"]}))
    assert by_css(browser, "h2.row-count").text == asked
    # An actor is typed, with the names offered; one that nothing names says so.
    browser.get(f"{server}/{DB}/recommendations_about_actor?" + urlencode({"actor": "Nobody at all"}))
    box = by_css(browser, "form.question input[name=actor]")
    offered = read_by_css(browser, f"datalist#{box.get_attribute('list')} option", "e.value")
    assert offered == sorted(row["name"] for row in csv_rows("actors"))
    said = by_css(browser, "p.excluded-by").text
    assert "“Nobody at all”" in said and "none of the choices" in said
    shot(browser, "question-choices", width, max_height=1200)


# 4. A resolution read as a document ------------------------------------------------------------


def test_a_resolution_as_a_document_links_each_recommendation_with_its_outcome_in_words(server, browser, width):
    outcomes = [row for row in csv_rows("recommendation_outcomes") if row["paragraph_id"]]
    outcome = outcomes[0]
    resolution = next(row for row in csv_rows("resolutions") if row["document_id"] == outcome["document_id"])
    summary = next(row["summary"] for row in csv_rows("recommendations")
                   if row["recommendation_id"] == outcome["recommendation_id"])
    browser.get(f"{server}/{DB}/resolution_text?" + urlencode({"resolution": resolution["symbol"]}))
    # The first row of the paragraph, found in one round trip (not one per row of the document).
    [row] = browser.execute_script(
        SHOWN_JS + "return Array.from(document.querySelectorAll('table.rows-and-columns tbody tr')).filter((tr) =>"
        " text(tr.querySelector('td.col-paragraph_id')) === arguments[0]).slice(0, 1);",
        outcome["paragraph_id"])
    items = row.find_elements("css selector", "td.col-outcomes ul.linked-lines li")
    link = next(item for item in items if item.find_element("css selector", "a").get_attribute("href").endswith(
        f"/{DB}/recommendations/{outcome['recommendation_id']}"))
    assert link.find_element("css selector", ".line-label").text == labels("outcome_types")[outcome["outcome"]]
    assert link.find_element("css selector", "a").text == summary
    assert not {"overtaken", "no_pema_task", "not_taken_up"} & set(row.text.split())
    browser.execute_script("arguments[0].scrollIntoView()", row)
    shot(browser, "resolution-document", width, max_height=1600)


def test_a_resolution_as_a_document_shows_the_latest_adopted_until_one_is_chosen(server, browser, width):
    resolutions = csv_rows("resolutions")
    latest = max(resolutions, key=lambda row: (row["adoption_date"], row["document_id"]))
    paragraphs = [row for row in csv_rows("paragraphs") if row["document_id"] == latest["document_id"]]
    browser.get(f"{server}/{DB}/resolution_text")
    chosen = by_css(browser, "form.question select[name=resolution] option:checked")
    assert (chosen.get_attribute("value"), chosen.text) == ("", "(the latest adopted)")
    assert by_css(browser, "h2.row-count").text == f"{len(paragraphs)} paragraphs"
    shown = texts_by_css(browser, "table.rows-and-columns tbody tr", within=["td.col-paragraph_id", "td.col-symbol"])
    assert [paragraph for paragraph, _ in shown] == \
        [row["paragraph_id"] for row in sorted(paragraphs, key=lambda row: int(row["sequence"]))]
    assert {symbol for _, symbol in shown} == {latest["symbol"]}
    shot(browser, "resolution-document-latest", width, max_height=1400)


# 6. Search: resolutions by symbol or number, "did you mean", documents --------------------------


@pytest.mark.parametrize("typed", ["S/RES/2640 (2022)", "S/RES/2690", "2640"])
def test_search_finds_a_resolution_by_its_symbol_or_number(server, browser, typed):
    number = "2640" if "2640" in typed else "2690"
    browser.get(f"{server}/{DB}/search?" + urlencode({"q": typed}))
    first = by_css(browser, "table.rows-and-columns tbody tr")
    assert first.find_element("css selector", "td.col-document").text.startswith(f"S/RES/{number} (")
    link = first.find_element("css selector", "td.col-row_id a")
    assert link.get_attribute("href").endswith(f"/{DB}/resolutions/s-res-{number}-" + link.text[-4:])


def test_a_search_that_finds_nothing_suggests_the_indexes_nearest_word(server, browser, width):
    browser.get(f"{server}/{DB}/search?" + urlencode({"q": "peacekeping"}))
    assert by_css(browser, "h2.row-count").text == "0 matches"
    suggestion = by_css(browser, "p.did-you-mean a")
    assert suggestion.text == "peacekeeping"
    shot(browser, "search-did-you-mean", width, max_height=1200)
    suggestion.click()
    rows = texts_by_css(browser, "table.rows-and-columns tbody tr", within=["td.col-document"])
    assert rows and all(document for [document] in rows)
    shot(browser, "search-results", width, max_height=1600)


# 3. Exports with sources -------------------------------------------------------------------------


def fetched_csv(address: str) -> list[dict]:
    from urllib.request import urlopen

    with urlopen(address) as response:
        assert "-with-sources.csv" in response.headers["content-disposition"]
        return list(csv.DictReader(io.StringIO(response.read().decode("utf-8"), newline="")))


def test_a_filtered_tables_and_a_questions_csv_carry_labels_and_sources(server, browser, width):
    statistics = csv_rows("statistics")
    unit = next(row["unit"] for row in statistics if row["citation_id"])
    wanted = {row["statistic_id"]: row for row in statistics if row["unit"] == unit}
    browser.get(f"{server}/{DB}/statistics?" + urlencode({"unit": unit}))
    shown_values = texts_by_css(browser, "td.col-value")
    assert shown_values == [f"{float(wanted[key]['value']):g}" for key in sorted(wanted)], "20, not 20.0"
    link = by_css(browser, "p.export-links a.csv-sources")
    assert link.text == "CSV with labels and sources"
    shot(browser, "export-links", width, max_height=1400)
    rows = fetched_csv(link.get_attribute("href"))
    assert {row["statistic_id"] for row in rows} == set(wanted)
    documents = {row["document_id"]: row["title"] for row in csv_rows("documents")}
    citations = {row["citation_id"]: row for row in csv_rows("citations")}
    for row in rows:
        assert row["unit_label"] == labels("units")[unit]
        assert row["source_document"] == documents[row["document_id"]]
        assert row["source_paragraph"] and row["quote"] == wanted[row["statistic_id"]]["quote"]
        cited = citations.get(row["citation_id"])
        assert row["source_citation"] == (f"footnote {cited['footnote_number']}: {cited['quote']}" if cited else "")
    # A question whose rows name recommendations: their quotes and paragraphs come along.
    browser.get(f"{server}/{DB}/what_became_of_each_recommendation")
    rows = fetched_csv(by_css(browser, "p.export-links a.csv-sources").get_attribute("href"))
    quotes = {row["recommendation_id"]: row["quote"] for row in csv_rows("recommendations")}
    assert rows and all(row["source_quote"] == quotes[row["recommendation_id"]] and row["source_document"]
                        for row in rows)


# 8. Error pages, the SQL page and the codebook ---------------------------------------------------


def test_a_mistyped_address_suggests_the_nearest_and_a_refused_query_keeps_its_sql(server, browser, width):
    browser.get(f"{server}/mandate_note/recommendations")
    assert by_css(browser, "h1").text == "Page not found"
    assert by_css(browser, "header p.crumbs a").text == "home", "the header leads home"
    suggested = [link.get_attribute("href") for link in all_by_css(browser, "p.did-you-mean a")]
    assert suggested[0] == f"{server}/{DB}/recommendations"
    shot(browser, "error-404", width, max_height=1200)
    typed = "delete from recommendations where theme = 'x'"
    browser.get(f"{server}/{DB}?" + urlencode({"sql": typed}))
    box = by_css(browser, "form.sql-again textarea[name=sql]")
    assert box.get_attribute("value") == typed
    assert by_css(browser, f"label[for='{box.get_attribute('id')}']").is_displayed()
    shot(browser, "error-sql", width, max_height=1200)
    browser.get(f"{server}/")
    assert by_css(browser, "nav.explore a[href='/mandate_notes']").text == "Query in SQL"


def test_the_codebook_opens_with_its_contents_and_ends_with_the_maintainers_notes(server, browser, width):
    browser.get(f"{server}/codebook")
    headings = texts_by_css(browser, "article.document h2")
    assert headings[0] == "Contents" and headings[1:3] == ["Tables", "Code lists"]
    assert headings[-1] == "Maintaining this codebook and the data"
    [text] = texts_by_css(browser, "article.document")
    assert "scripts/" not in text.split("Maintaining this codebook")[0].split(
        "Coding rules")[0], "nothing for maintainers before the maintainers' notes"
    targets = [href.split("#")[1] for _, href in links_by_css(browser, "#contents + ul a")]
    assert browser.execute_script("return arguments[0].every((t) => document.getElementById(t) !== null)", targets)
    assert {f"table-{row}" for row in ("recommendations", "themes")} <= set(targets)
    shot(browser, "codebook", width, max_height=1600)
