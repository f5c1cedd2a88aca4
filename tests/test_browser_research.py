"""The research browser as a researcher uses it, in headless Chromium at 400 and 1400 pixels: table
pages that show their rows first, questions answered from choices, exports that keep their sources,
a resolution read as a document, search, citations, error pages and the codebook.

Screenshots go to build/screenshots/research-*.png.
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlencode

import pytest

from mandate_notes.model import csv_path, field_title
from schemas.definitions import table

ROOT = Path(__file__).resolve().parents[1]
DB = "mandate_notes"
WIDTHS = [400, 1400]
# The height of the window the tests use: what a reader sees before scrolling.
WINDOW_HEIGHT = 900


@pytest.fixture(params=WIDTHS)
def width(browser, request):
    browser.set_window_size(request.param, WINDOW_HEIGHT)
    yield request.param
    browser.set_window_size(1280, 900)


def rows_of(name: str) -> list[dict]:
    with open(csv_path(ROOT / "data", name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def labels(name: str) -> dict[str, str]:
    return {row["code"]: row["label"] for row in rows_of(name)}


def css(browser, selector: str):
    return browser.find_element("css selector", selector)


def all_css(browser, selector: str):
    return browser.find_elements("css selector", selector)


def shot(browser, name: str, width: int, max_height: int = 2400) -> None:
    """The page from its top, as far as max_height: what the reader meets first."""
    import base64

    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    image = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "optimizeForSpeed": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}})
    folder = ROOT / "build" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"research-{name}-{width}.png").write_bytes(base64.b64decode(image["data"]))


def top_of(browser, element) -> float:
    return browser.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY", element)


# 1. Table pages that show their rows first ---------------------------------------------------------


def test_a_table_page_shows_its_rows_first_with_titles_labels_and_yes_or_no(server, browser, width):
    spec = table("recommendations")
    browser.get(f"{server}/{DB}/recommendations")
    first_row = css(browser, "table.rows-and-columns tbody tr")
    assert top_of(browser, first_row) < WINDOW_HEIGHT, "the first row is on the first screen"
    assert css(browser, "h2.row-count").text == f"{len(rows_of('recommendations')):,} rows"
    assert css(browser, "p.table-lead").text.startswith(spec.description.split(". ")[0])
    # Key columns first, each headed by its title from the table model.
    titles = {field.name: field_title(spec, field) for field in spec.fields}
    headers = [th.get_attribute("data-column") for th in all_css(browser, "table.rows-and-columns thead th")]
    assert headers[:4] == ["recommendation_id", "summary", "theme", "support_level"]
    assert [th.get_attribute("textContent").strip().rstrip("▼▲").strip()
            for th in all_css(browser, "table.rows-and-columns thead th")] == [titles[name] for name in headers]
    # A code by its label, a boolean as yes or no, long text clipped (the whole on the row's page).
    first = rows_of("recommendations")[0]
    assert css(browser, "tbody tr td.col-theme").get_attribute("textContent").strip() == labels("themes")[first["theme"]]
    booleans = {cell.get_attribute("textContent").strip() for cell in all_css(browser, "td.col-is_opening_bullet")}
    assert booleans <= {"yes", "no"} and booleans
    clipped = [box for box in all_css(browser, "td.col-quote .clip")
               if browser.execute_script("return arguments[0].scrollHeight > arguments[0].clientHeight + 1", box)]
    if width == 1400:
        assert clipped, "a long quote is clipped to a few lines"
    # Facets and the filter form are folded, one click away.
    facet = css(browser, "details#facet-support_level")
    assert not facet.get_attribute("open")
    shot(browser, "table", width)
    facet.find_element("css selector", "summary").click()
    assert [link.text for link in facet.find_elements("css selector", "li a")]
    explore = css(browser, "details.explore-table")
    explore.find_element("css selector", "summary").click()
    assert explore.find_element("css selector", "form.filters select[name=_filter_column]").is_displayed()
    assert "SQL" in explore.find_element("css selector", "a[href*='sql=']").text


def test_a_filtered_table_says_its_conditions_in_words_and_each_can_be_removed(server, browser, width):
    rows = rows_of("recommendations")
    theme = next(row["theme"] for row in rows if row["is_opening_bullet"] == "true")
    wanted = [row for row in rows if row["theme"] == theme and row["is_opening_bullet"] == "true"]
    assert wanted
    browser.get(f"{server}/{DB}/recommendations?" + urlencode({"theme": theme, "is_opening_bullet": "1"}))
    assert css(browser, "h2.row-count").text == f"{len(wanted):,} of {len(rows):,} rows"
    said = [item.text for item in all_css(browser, "ul.filters-in-words li")]
    assert any(f"Theme is {labels('themes')[theme]}" in words for words in said), said
    assert any("Opening bullet is yes" in words for words in said), said
    assert "theme =" not in css(browser, "main").text, "no condition shown as SQL"
    assert top_of(browser, css(browser, "table.rows-and-columns tbody tr")) < WINDOW_HEIGHT
    shot(browser, "table-filtered", width, max_height=1600)
    remove = next(item for item in all_css(browser, "ul.filters-in-words li") if "Theme" in item.text)
    remove.find_element("css selector", "a.remove").click()
    bullets = [row for row in rows if row["is_opening_bullet"] == "true"]
    assert css(browser, "h2.row-count").text == f"{len(bullets):,} of {len(rows):,} rows"
