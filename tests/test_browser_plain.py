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
from tests.browsing import (DB, SCREENSHOTS, WIDTHS, all_by_css, assert_no_sideways_scroll, by_css,
                           csv_rows, element_screenshot, none_by_css, requested_urls, row_url, screenshot, wait_for_path)  # noqa: F401

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


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
@pytest.mark.parametrize("name", list(QUESTIONS))
def test_a_question_page_is_titled_counted_in_words_labelled_and_folds_its_sql(server, browser, window, name):
    question = QUESTIONS[name]
    rows = json.loads(fetch(server, f"/{DB}/{name}.json?_shape=array"))
    browser.get(f"{server}/{DB}/{name}")
    assert browser.title == question["title"]
    assert by_css(browser, "h1").text == question["title"]
    assert by_css(browser, "h2.row-count").text == in_words(len(rows), question["noun"])
    for parameter, title in question.get("parameter_titles", {}).items():
        field = by_css(browser, f"form.question [name='{parameter}']")
        label = by_css(browser, f"label[for='{field.get_attribute('id')}']")
        assert label.text == title and label.is_displayed()
    sql = by_css(browser, "details.question-sql")
    assert sql.get_attribute("open") is None
    assert by_css(browser, "details.question-sql summary").text == "Show the SQL"
    assert not by_css(browser, "details.question-sql pre").is_displayed()
    assert_no_sideways_scroll(browser, f"question {name}")
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
    page = by_css(browser, "section.content")
    assert not re.search(f"[{SUPERSCRIPT_DIGITS}]", page.text), where
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
    text_markers = [s.text for s in all_by_css(browser, "section.paragraph blockquote.source-text sup")]
    assert text_markers == numbers
    assert [s.text for s in all_by_css(browser, "ul.footnotes > li > sup:first-child")] == numbers
    assert (numbers[0], f"{server}{row_path('paragraphs', paragraph)}#footnote-{numbers[0]}") in found
    screenshot(browser, f"plain-markers-paragraph-{window}.png")
    assert_no_sideways_scroll(browser, "paragraph page")

    # A row coded from it: the paragraph in context, markers to the footnotes' pages.
    name, row = next((spec.name, r) for spec in CONTENT_TABLES for r in csv_rows(spec.name)
                     if spec.name != "paragraphs" and r.get("paragraph_id") == paragraph["paragraph_id"])
    browser.get(f"{server}{row_path(name, row)}")
    found = assert_markers_in_one_form(browser, f"{name} row page")
    assert [(n, to_footnote(n)) for n in numbers] == [
        (s.text, s.find_element("css selector", "a").get_attribute("href"))
        for s in all_by_css(browser, "section.in-context sup")]
    screenshot(browser, f"plain-markers-row-{window}.png")

    # The citations' row pages and table page: the footnote numbers they cite are markers too.
    citation = next(c for c in csv_rows("citations") if c["citing_paragraph_id"] == paragraph["paragraph_id"])
    browser.get(f"{server}{row_path('citations', citation)}")
    assert (citation["footnote_number"], to_footnote(citation["footnote_number"])) in assert_markers_in_one_form(
        browser, "citation row page")
    browser.get(f"{server}/{DB}/paragraphs?{urlencode({'paragraph_id': paragraph['paragraph_id']})}")
    assert [(n, to_footnote(n)) for n in numbers] == [
        (s.get_attribute("textContent"), s.find_element("css selector", "a").get_attribute("href"))
        for s in all_by_css(browser, "td.col-text sup")]
    assert_markers_in_one_form(browser, "paragraphs table page")
    screenshot(browser, f"plain-markers-table-{window}.png")
    browser.get(f"{server}/{DB}/citations?{urlencode({'citing_paragraph_id': paragraph['paragraph_id']})}")
    assert_markers_in_one_form(browser, "citations table page")

    # Search results: the words before a marker find the paragraph; its snippet shows the marker.
    before = re.split(f"[{SUPERSCRIPT_DIGITS}]", paragraph["text"])[0].split()[-3:]
    browser.get(f"{server}/{DB}/search?{urlencode({'q': ' '.join(before)})}")
    snippets = all_by_css(browser, "td.col-snippet sup")
    assert (numbers[0], to_footnote(numbers[0])) in [
        (s.text, s.find_element("css selector", "a").get_attribute("href")) for s in snippets]
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
    shown = [(h.text, h.get_attribute("id")) for h in all_by_css(browser, "article.document :is(h1,h2,h3,h4,h5,h6)")]
    assert [text for text, _ in shown] == headings
    assert all(anchor for _, anchor in shown) and len({a for _, a in shown}) == len(shown)
    assert_no_sideways_scroll(browser, "the agreement report")
    screenshot(browser, f"codebook-agreement-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_page_menu_leads_to_the_codebook_and_the_agreement_report(server, browser, window):
    for path in ["/", f"/{DB}/recommendations", f"/{DB}/search", "/at-a-glance"]:
        browser.get(f"{server}{path}")
        by_css(browser, "details.nav-menu summary").click()
        links = {a.text: urlsplit(a.get_attribute("href")).path for a in all_by_css(browser, ".nav-menu-inner a")}
        assert links.get("Codebook") == "/codebook" and links.get("Inter-coder agreement") == "/agreement", path
    screenshot(browser, f"codebook-menu-{window}.png", max_height=900)


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_see_codebook_in_a_column_description_links_to_its_place_in_the_codebook(server, browser, window):
    for name, column in codebook_mentions():
        browser.get(f"{server}/{DB}/{name}")
        by_css(browser, "details.column-notes > summary").click()
        terms = [dt for dt in all_by_css(browser, "dl.column-descriptions dt")
                 if dt.find_element("css selector", "code").text == column]
        assert terms, (name, column)
        link = terms[0].find_element("xpath", "following-sibling::dd[1]").find_element("css selector", "a")
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
        browser.get_screenshot_as_file(str(SCREENSHOTS / f"codebook-see-codebook-{name}-{column}-{window}.png"))
