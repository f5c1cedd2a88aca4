"""Pages in plain language: questions titled and counted in words with labelled inputs and the SQL
folded away; the source text's Markdown emphasis rendered; footnote markers in one form on every
page type; the codebook and the agreement report as pages, and "see codebook" linked to its place.

In headless Chromium at 400 and 1400 pixels, against a served instance of the real data (fixtures of
tests/test_browser.py). Screenshots go to build/screenshots/, named plain-* and codebook-*.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import urlopen

import pytest

from mandate_notes.doc_pages import CODEBOOK_MENTION
from mandate_notes.markup import marked_up
from mandate_notes.paths import AGREEMENT, SUPERSCRIPT_DIGITS
from mandate_notes.queries import queries
from schemas.definitions import CODE_LISTS, CONTENT_TABLES, TABLES, table
from tests.browsing import (DB, SHOWN_JS, WIDTHS, assert_no_sideways_scroll, by_css, csv_rows, links_by_css,
                            read_by_css, screenshot, texts_by_css, wait_for_path, window_screenshot)

QUESTIONS = queries()
PARAMETER = re.compile(r"(?<!:):([a-z_]+)")
# Markdown emphasis as written in the source text files: the words between the delimiters.
EMPHASIS = re.compile(r"(?<![\w*])(\*\*|\*|__|_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")
TO_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


def fetch(server, path: str) -> bytes:
    with urlopen(f"{server}{path}") as response:
        return response.read()


def row_path(name: str, row: dict) -> str:
    return f"/{DB}/{name}/" + ",".join(quote(row[key], safe="") for key in table(name).primary_key)


def in_words(count: int, noun: list[str]) -> str:
    return f"{count:,} {noun[0] if count == 1 else noun[1]}"


# A. Question pages -------------------------------------------------------------------------------


def test_every_question_names_what_its_rows_are_and_titles_each_of_its_parameters():
    for name, question in QUESTIONS.items():
        singular, plural = question["noun"]
        assert singular and plural and singular != plural, name
        assert set(PARAMETER.findall(question["sql"])) == set(question.get("parameter_titles", {})), name


# What the test below reads of a question page, in one round trip to the browser (not ten).
QUESTION_PAGE = SHOWN_JS + """
const one = (selector) => document.querySelector(selector);
const labels = {};
for (const parameter of arguments[0]) {
  const field = one(`form.question [name='${parameter}']`);
  const label = field === null ? null : one(`label[for='${field.id}']`);
  labels[parameter] = label === null ? null : [text(label), shown(label)];
}
const details = one('details.question-sql'), pre = one('details.question-sql pre');
return {
  title: document.title, h1: text(one('h1')), count: text(one('h2.row-count')), labels: labels,
  sql: details === null ? null : [details.hasAttribute('open'), text(one('details.question-sql summary')),
                                  pre === null ? null : shown(pre)],
  wide: document.documentElement.scrollWidth, window: window.innerWidth,
};"""


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
@pytest.mark.parametrize("name", list(QUESTIONS))
def test_a_question_page_is_titled_counted_in_words_labelled_and_folds_its_sql(server, browser, window, name):
    question = QUESTIONS[name]
    rows = json.loads(fetch(server, f"/{DB}/{name}.json?_shape=array"))
    browser.get(f"{server}/{DB}/{name}")
    page = browser.execute_script(QUESTION_PAGE, list(question.get("parameter_titles", {})))
    assert page["title"] == question["title"]
    assert page["h1"] == question["title"]
    assert page["count"] == in_words(len(rows), question["noun"])
    for parameter, title in question.get("parameter_titles", {}).items():
        assert page["labels"][parameter] == [title, True], parameter
    assert page["sql"] == [False, "Show the SQL", False], "the SQL folded: closed, its summary shown, not the SQL"
    assert page["wide"] <= page["window"], f"question {name} is {page['wide']}px wide in a {page['window']}px window"
    screenshot(browser, f"plain-question-{name}-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_one_row_is_counted_in_the_singular(server, browser, window):
    question = QUESTIONS["recommendations_about_actor"]
    for actor in csv_rows("actors"):
        query = urlencode({"actor": actor["actor_id"]})
        if len(json.loads(fetch(server, f"/{DB}/recommendations_about_actor.json?{query}&_shape=array"))) == 1:
            break
    else:
        pytest.fail("no actor has exactly one recommendation about it")
    browser.get(f"{server}/{DB}/recommendations_about_actor?{query}")
    assert by_css(browser, "h2.row-count").text == f"1 {question['noun'][0]}"
    by_css(browser, "details.question-sql summary").click()
    assert by_css(browser, "details.question-sql pre").is_displayed()
    assert_no_sideways_scroll(browser, "a question with one row and its SQL open")
    screenshot(browser, f"plain-question-one-row-sql-open-{window}.png")


# A. Markdown emphasis ----------------------------------------------------------------------------


def prose_columns(spec) -> list[str]:
    return [f.name for f in spec.fields if f.type == "string" and f.constraints.pattern is None]


def emphasised_cells() -> list[tuple[str, dict, str]]:
    """(table, row, column) of every cell of the CSVs whose text holds Markdown emphasis."""
    found = []
    for spec in TABLES:
        for row in csv_rows(spec.name):
            found += [(spec.name, row, column) for column in prose_columns(spec) if EMPHASIS.search(row[column])]
    return found


def test_the_source_text_holds_markdown_emphasis():
    assert emphasised_cells()


def emphasis_shown(browser, element) -> list[str]:
    # Its text, shown or beyond a clipped table cell's last line (the whole is on the row's page), read
    # in one round trip to the browser.
    return browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll('em, strong'), (e) => e.textContent);", element)


def expected_emphasis(text: str) -> list[str]:
    return [match.group(2).translate(TO_DIGITS) for match in EMPHASIS.finditer(text)]


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_markdown_emphasis_reads_as_emphasis_on_row_table_and_paragraph_pages(server, browser, window):
    # The server sends the same markup at every width and no script of the site changes it: every
    # emphasised cell is read at the widest window, the first of each table (with its screenshots and
    # the page's width) at every width.
    cells = emphasised_cells()
    if window != max(WIDTHS):
        cells = [cell for at, cell in enumerate(cells) if cell[0] not in {name for name, _, _ in cells[:at]}]
    shot = set()
    for name, row, column in cells:
        wanted = expected_emphasis(row[column])
        browser.get(f"{server}{row_path(name, row)}")
        if name == "paragraphs" and column == "text":
            shown = by_css(browser, "section.paragraph blockquote.source-text")
        else:
            shown = by_css(browser, f"dl.record .field-{column} dd")
        assert emphasis_shown(browser, shown) == wanted, (name, row[column])
        assert "*" not in shown.text, (name, row[column])
        if name not in shot:
            screenshot(browser, f"plain-markdown-{name}-row-{window}.png")
        key = table(name).primary_key[0]
        browser.get(f"{server}/{DB}/{name}?{urlencode({key: row[key]})}")
        cell = by_css(browser, f"table.rows-and-columns td.col-{column}")
        assert emphasis_shown(browser, cell) == wanted and "*" not in cell.get_attribute("textContent"), (name, row[column])
        if name not in shot:
            assert_no_sideways_scroll(browser, f"{name} table page")
            screenshot(browser, f"plain-markdown-{name}-table-{window}.png")
            shot.add(name)


def test_downloads_keep_the_emphasis_as_published(server):
    for name, row, column in emphasised_cells():
        key = table(name).primary_key[0]
        query = urlencode({key: row[key]})
        downloaded = list(csv.DictReader(io.StringIO(fetch(server, f"/{DB}/{name}.csv?{query}").decode("utf-8"))))
        assert [r[column] for r in downloaded] == [row[column]]
        as_json = json.loads(fetch(server, f"/{DB}/{name}.json?{query}&_shape=array"))
        assert [r[column] for r in as_json] == [row[column]]


def test_rendered_text_passes_no_html_from_the_data():
    shown = str(marked_up('<script>alert(1)</script> *<img src=x onerror="y">* ¹'))
    assert "<script>" not in shown and "<img" not in shown
    assert "<em>&lt;img src=x onerror=&#34;y&#34;&gt;</em>" in shown


# A. Footnote markers, one form -------------------------------------------------------------------


def footnote_paragraphs() -> dict[tuple[str, str], str]:
    """(document, footnote number) -> the footnote's paragraph id."""
    return {(p["document_id"], p["footnote_number"]): p["paragraph_id"]
            for p in csv_rows("paragraphs") if p["kind"] == "footnote"}


def assert_markers_in_one_form(browser, where: str) -> list[tuple[str, str]]:
    """Every superscript on the page is a footnote marker in the one form, and no marker is left
    as printed (a superscript digit) or in brackets; returns (number, link) of each marker."""
    [page] = texts_by_css(browser, "section.content")
    assert not re.search(f"[{SUPERSCRIPT_DIGITS}]", page), where
    found = []
    # Each superscript's first marker link (its absolute address), class and text (shown or beyond a
    # clipped table cell's last line), read in one round trip to the browser.
    for link, classes, number in browser.execute_script(
            "return Array.from(document.querySelectorAll('section.content sup'), (sup) => {"
            " const link = sup.querySelector('a.marker');"
            " return [link === null ? null : link.href, sup.getAttribute('class'), sup.textContent]; });"):
        assert link is not None or "marker" in classes, where
        assert re.fullmatch(r"[0-9]+", number), (where, number)
        found.append((number, link))
    return found


def marker_links(browser, selector: str) -> list[tuple[str, str | None]]:
    """(shown text, the first link's address) of every superscript the selector matches, in one round trip."""
    return [tuple(pair) for pair in read_by_css(browser, selector, "[text(e), e.querySelector('a')?.href]")]


def marked_paragraph() -> dict:
    return next(p for p in csv_rows("paragraphs") if p["kind"] != "footnote" and p["footnote_markers"])


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_footnote_markers_read_as_linked_superscript_numbers_on_every_page_type(server, browser, window):
    footnotes = footnote_paragraphs()
    paragraph = marked_paragraph()
    numbers = paragraph["footnote_markers"].split(";")
    document = paragraph["document_id"]

    def to_footnote(number):
        return f"{server}/{DB}/paragraphs/{footnotes[(document, number)]}"

    # The paragraph's own page: markers lead to its footnotes below, each footnote led by its number.
    browser.get(f"{server}{row_path('paragraphs', paragraph)}")
    found = assert_markers_in_one_form(browser, "paragraph page")
    text_markers = texts_by_css(browser, "section.paragraph blockquote.source-text sup")
    assert text_markers == numbers
    assert texts_by_css(browser, "ul.footnotes > li > sup:first-child") == numbers
    assert (numbers[0], f"{server}{row_path('paragraphs', paragraph)}#footnote-{numbers[0]}") in found
    screenshot(browser, f"plain-markers-paragraph-{window}.png")
    assert_no_sideways_scroll(browser, "paragraph page")

    # A row coded from it: the paragraph in context, markers to the footnotes' pages.
    name, row = next((spec.name, r) for spec in CONTENT_TABLES for r in csv_rows(spec.name)
                     if spec.name != "paragraphs" and r.get("paragraph_id") == paragraph["paragraph_id"])
    browser.get(f"{server}{row_path(name, row)}")
    found = assert_markers_in_one_form(browser, f"{name} row page")
    assert [(n, to_footnote(n)) for n in numbers] == marker_links(browser, "section.in-context sup")
    screenshot(browser, f"plain-markers-row-{window}.png")

    # The citations' row pages and table page: the footnote numbers they cite are markers too.
    citation = next(c for c in csv_rows("citations") if c["citing_paragraph_id"] == paragraph["paragraph_id"])
    browser.get(f"{server}{row_path('citations', citation)}")
    assert (citation["footnote_number"], to_footnote(citation["footnote_number"])) in assert_markers_in_one_form(
        browser, "citation row page")
    browser.get(f"{server}/{DB}/paragraphs?{urlencode({'paragraph_id': paragraph['paragraph_id']})}")
    # textContent: the whole cell, shown or beyond a clipped cell's last line.
    assert [(n, to_footnote(n)) for n in numbers] == [
        tuple(pair) for pair in read_by_css(browser, "td.col-text sup", "[e.textContent, e.querySelector('a')?.href]")]
    assert_markers_in_one_form(browser, "paragraphs table page")
    screenshot(browser, f"plain-markers-table-{window}.png")
    browser.get(f"{server}/{DB}/citations?{urlencode({'citing_paragraph_id': paragraph['paragraph_id']})}")
    assert_markers_in_one_form(browser, "citations table page")

    # Search results: the words before a marker find the paragraph; its snippet shows the marker.
    before = re.split(f"[{SUPERSCRIPT_DIGITS}]", paragraph["text"])[0].split()[-3:]
    browser.get(f"{server}/{DB}/search?{urlencode({'q': ' '.join(before)})}")
    assert (numbers[0], to_footnote(numbers[0])) in marker_links(browser, "td.col-snippet sup")
    assert_markers_in_one_form(browser, "search results")
    screenshot(browser, f"plain-markers-search-{window}.png")

    # A question page: the citing sentences and the footnote numbers.
    browser.get(f"{server}/{DB}/footnote_support")
    found = assert_markers_in_one_form(browser, "question page")
    assert (numbers[0], to_footnote(numbers[0])) in found
    screenshot(browser, f"plain-markers-question-{window}.png")


# B. The codebook and the agreement report as pages -----------------------------------------------


def codebook_mentions() -> list[tuple[str, str]]:
    return [(spec.name, f.name) for spec in CONTENT_TABLES + CODE_LISTS for f in spec.fields
            if CODEBOOK_MENTION.search(f.description)]


def test_some_column_description_sends_the_reader_to_the_codebook():
    assert codebook_mentions()


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_codebook_is_a_page_with_an_anchor_for_every_table_column_and_code(server, browser, window):
    browser.get(f"{server}/")
    by_css(browser, "nav.explore a[href$='/codebook']").click()
    wait_for_path(browser, r"/codebook$")
    assert browser.title == "Codebook" and by_css(browser, "h1").text == "Codebook"
    ids = set(browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
    wanted = {f"table-{spec.name}" for spec in CONTENT_TABLES + CODE_LISTS}
    wanted |= {f"column-{spec.name}-{f.name}" for spec in CONTENT_TABLES for f in spec.fields}
    wanted |= {f"code-{spec.name}-{row['code']}" for spec in CODE_LISTS for row in csv_rows(spec.name)}
    assert wanted - ids == set()
    assert by_css(browser, "link[href*='static/mandate.css?v=']")
    assert_no_sideways_scroll(browser, "the codebook")
    screenshot(browser, f"codebook-page-{window}.png")
    # Its tables may scroll inside their own box; the page does not.
    box = by_css(browser, "article.document .table-scroll")
    assert box.size["width"] <= window


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_agreement_report_is_a_page_with_an_id_for_every_heading(server, browser, window):
    browser.get(f"{server}/")
    by_css(browser, "nav.explore a[href$='/agreement']").click()
    wait_for_path(browser, r"/agreement$")
    headings = [line.lstrip("#").strip().replace("`", "")
                for line in AGREEMENT.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    shown = read_by_css(browser, "article.document :is(h1,h2,h3,h4,h5,h6)", "[text(e), e.id]")
    assert [text for text, _ in shown] == headings
    assert all(anchor for _, anchor in shown) and len({a for _, a in shown}) == len(shown)
    assert_no_sideways_scroll(browser, "the agreement report")
    screenshot(browser, f"codebook-agreement-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_page_menu_leads_to_the_codebook_and_the_agreement_report(server, browser, window):
    for path in ["/", f"/{DB}/recommendations", f"/{DB}/search", "/at-a-glance"]:
        browser.get(f"{server}{path}")
        by_css(browser, "details.nav-menu summary").click()
        links = {text: urlsplit(href).path for text, href in links_by_css(browser, ".nav-menu-inner a")}
        assert links.get("Codebook") == "/codebook" and links.get("Inter-coder agreement") == "/agreement", path
    screenshot(browser, f"codebook-menu-{window}.png", max_height=900)


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_see_codebook_in_a_column_description_links_to_its_place_in_the_codebook(server, browser, window):
    for name, column in codebook_mentions():
        browser.get(f"{server}/{DB}/{name}")
        by_css(browser, "details.column-notes > summary").click()
        # The link in the description of the column's first term, found in one round trip.
        found = browser.execute_script(SHOWN_JS + """
            const term = Array.from(document.querySelectorAll('dl.column-descriptions dt'))
                .find((dt) => text(dt.querySelector('code')) === arguments[0]);
            if (term === undefined) return null;
            let dd = term.nextElementSibling;
            while (dd !== null && dd.tagName !== 'DD') dd = dd.nextElementSibling;
            return [dd === null ? null : dd.querySelector('a')];""", column)
        assert found is not None, (name, column)
        [link] = found
        assert link is not None, (name, column, "no link in its description")
        assert CODEBOOK_MENTION.fullmatch(link.text)
        target = urlsplit(link.get_attribute("href"))
        assert target.path == "/codebook" and target.fragment
        link.click()
        # The place it leads to exists and speaks of the column (the section up to the next heading).
        section = browser.execute_script("""
            const start = document.getElementById(arguments[0]);
            if (!start) return null;
            if (start.tagName === 'TR') return start.textContent;
            let text = start.textContent, node = start.nextElementSibling;
            while (node && !/^H[1-6]$/.test(node.tagName)) { text += node.textContent; node = node.nextElementSibling; }
            return text;""", target.fragment)
        assert section is not None, (name, column, target.fragment)
        assert column in section, (name, column, target.fragment)
        assert_no_sideways_scroll(browser, "the codebook at a column's place")
        # What the reader sees on arriving (the window, scrolled to the place).
        window_screenshot(browser, f"codebook-see-codebook-{name}-{column}-{window}.png")
