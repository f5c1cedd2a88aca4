"""Downloads that open cleanly, sources named and linked, licences that read: in headless Chromium at
400 and 1400 pixels, against a served instance of the real data (fixtures of tests/test_browser.py).

Files are downloaded as the browser saves them, into a folder of the test's own. Screenshots go to
build/screenshots/, named downloads-* and home-*.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mandate_notes.downloads import BOM, EXCEL_SUFFIX
from mandate_notes.model import csv_path, version
from mandate_notes.queries import queries
from mandate_notes.archive import ARCHIVE_PARTS, archive_part
from mandate_notes.release import members
from mandate_notes.versions import CHANGELOG
from schemas.definitions import CODE_LICENSE, DATA_LICENSE, PACKAGE, TABLES, table
from tests.browsing import (DB, ROOT, SHOWN_JS, WIDTHS, by_css, csv_rows, element_screenshot, links_by_css,
                            screenshot, texts_by_css)



@pytest.fixture()
def downloads(tmp_path):
    """The folder under which the browser saves this test's downloads, each in a folder of its own."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def download(browser, link, folder: Path) -> Path:
    """Click the link as a reader does; the one file the browser saves for it, once complete. Each
    download goes to a new folder, so a file of the same name saved before cannot be mistaken for it."""
    from selenium.webdriver.support.ui import WebDriverWait

    target = folder / str(len(list(folder.iterdir())))
    target.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(target)})
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()

    def saved(_):
        # While it downloads, Chromium holds the file's name empty beside NAME.crdownload, then
        # renames that over it: done when the folder holds one file and it is not a part-file.
        held = list(target.iterdir())
        return held[0] if len(held) == 1 and not held[0].name.endswith(".crdownload") else False

    return WebDriverWait(browser, 20, poll_frequency=0.05).until(saved)


# Tables whose files Chromium saves here, at every window: the links of all lead to their files
# alike, and every table's files are checked through the server in tests/test_site.py.
SAVED_TABLES = TABLES[:3]


def fits(browser) -> None:
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{browser.current_url}: page {width[0]} px wide in a {width[1]} px window"


def published_bytes(name: str) -> bytes:
    return csv_path(ROOT / "data", name).read_bytes()


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def kinds(name: str) -> dict[str, str]:
    [spec] = [spec for spec in TABLES if spec.name == name]
    return {field.name: field.type for field in spec.fields}


def home_link(browser, name: str, text: str):
    """The link reading text in the home page's row of the table name, found in one round trip to
    the browser (not two per row of the list)."""
    [row] = browser.execute_script(
        SHOWN_JS + "const [name, wanted] = arguments;"
        "return Array.from(document.querySelectorAll('table.tables tbody tr'))"
        ".filter((row) => text(row.querySelector('td:first-child code')) === name)"
        ".map((row) => Array.from(row.querySelectorAll('a')).filter((a) => text(a) === wanted));",
        name, text)
    return row[0]


def export_link(browser, text: str):
    """The link reading text among a table's or question's download links, in one round trip."""
    found = browser.execute_script(
        SHOWN_JS + "const box = document.querySelector('p.export-links');"
        "return box === null ? [] : Array.from(box.querySelectorAll('a')).filter((a) => text(a) === arguments[0]);",
        text)
    assert found, f"{browser.current_url}: no download link {text!r}"
    return found[0]


def at_this_width(names: list[str], window: int) -> list[str]:
    """Every name at the widest window, the first at the others. The server writes a table's and a
    question's download links in the same markup at every width, and what the browser saves does
    not depend on the window: what can differ by width (the link shown and clicked, the page's
    width, the screenshot) is checked at every width on the first."""
    return names if window == max(WIDTHS) else names[:1]


# A. Downloads that open cleanly ------------------------------------------------------------------


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_each_tables_csv_link_downloads_its_published_file_named_after_the_table(server, browser, window, downloads):
    browser.get(f"{server}/")
    fits(browser)
    screenshot(browser, f"home-tables-{window}.png", max_height=6000)
    # A few tables' files, saved as a reader saves them.
    for spec in SAVED_TABLES:
        saved = download(browser, home_link(browser, spec.name, "CSV"), downloads)
        assert saved.name == f"{spec.name}.csv"
        assert saved.read_bytes() == published_bytes(spec.name), spec.name
    for spec in SAVED_TABLES:
        if not csv_rows(spec.name):
            continue  # a table page without rows offers no download
        browser.get(f"{server}/{DB}/{spec.name}")
        link = export_link(browser, "CSV")
        saved = download(browser, link, downloads)
        assert saved.name == f"{spec.name}.csv"
        assert saved.read_bytes() == published_bytes(spec.name), spec.name
    browser.get(f"{server}/{DB}/statistics")
    fits(browser)
    screenshot(browser, f"downloads-table-page-{window}.png")


def filtered_out(name: str) -> tuple[str, str]:
    """The filter that leaves out the rows of the last one's first key value: (column, value)."""
    [spec] = [spec for spec in TABLES if spec.name == name]
    column = spec.primary_key[0]
    return column, csv_rows(name)[-1][column]


TYPED_TABLES = [spec.name for spec in TABLES
                if len(csv_rows(spec.name)) > 1
                and {"boolean", "number", "integer"} & set(kinds(spec.name).values())]


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_filtered_tables_csv_holds_its_rows_written_as_the_published_file_writes_them(server, browser, window, downloads):
    assert TYPED_TABLES, "no table with a typed column to check"
    for name in at_this_width(TYPED_TABLES, window):
        column, value = filtered_out(name)
        browser.get(f"{server}/{DB}/{name}?{column}__not={value}")
        link = export_link(browser, "CSV")
        saved = download(browser, link, downloads)
        assert saved.name == f"{name}.csv"
        raw = saved.read_bytes()
        assert b"\r\n" not in raw, f"{name}: CRLF line ends"
        published = parsed(published_bytes(name).decode("utf-8"))
        expected = [row for row in published[1:] if row[published[0].index(column)] != value]
        got = parsed(raw.decode("utf-8"))
        assert got[0] == published[0], name
        # Every cell as the published file writes it: true/false, 8 not 8.0, empty for none.
        assert sorted(got[1:]) == sorted(expected), name
    column, value = filtered_out(TYPED_TABLES[0])
    browser.get(f"{server}/{DB}/{TYPED_TABLES[0]}?{column}__not={value}")
    fits(browser)
    screenshot(browser, f"downloads-filtered-{window}.png")


def query_columns_of_type() -> dict[str, str]:
    """Column name -> type, for the model's boolean and number columns (each name has one type)."""
    found = {}
    for spec in TABLES:
        for field in spec.fields:
            if field.type in ("boolean", "number"):
                found[field.name] = field.type
    return found


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_querys_csv_is_named_after_it_and_writes_values_as_the_published_tables_do(server, browser, window, downloads):
    typed = query_columns_of_type()
    checked = 0
    # A question that asks for a value first has no rows to download until it is given one.
    asking = [name for name, query in queries().items() if not re.search(r":\w+", query["sql"])]
    for name in at_this_width(asking, window):
        browser.get(f"{server}/{DB}/{name}")
        link = export_link(browser, "CSV")
        saved = download(browser, link, downloads)
        assert saved.name == f"{name}.csv"
        raw = saved.read_bytes()
        assert b"\r\n" not in raw, name
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
        for column in set(rows[0] if rows else []) & set(typed):
            for row in rows:
                checked += 1
                if typed[column] == "boolean":
                    assert row[column] in ("true", "false", ""), (name, column, row[column])
                else:
                    assert not row[column].endswith(".0"), (name, column, row[column])
        if "statistic_id" in (rows[0] if rows else {}) and "value" in rows[0]:
            values = {row["statistic_id"]: row["value"] for row in csv_rows("statistics")}
            for row in rows:
                assert row["value"] == values[row["statistic_id"]], (name, row["statistic_id"])
    assert checked or window != max(WIDTHS), "no query shows a boolean or number column to check"
    browser.get(f"{server}/{DB}/figures_with_sources")
    screenshot(browser, f"downloads-query-{window}.png")


NON_ASCII = [spec.name for spec in TABLES if re.search(r"[^\x00-\x7f]", published_bytes(spec.name).decode("utf-8"))]


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_excel_download_opens_with_every_row_and_its_text_intact(server, browser, window, downloads):
    assert NON_ASCII, "no table with text beyond ASCII to check"
    browser.get(f"{server}/")
    for spec in SAVED_TABLES:
        saved = download(browser, home_link(browser, spec.name, "Excel"), downloads)
        assert saved.name == f"{spec.name}{EXCEL_SUFFIX}.csv"
        raw = saved.read_bytes()
        # What Excel needs to read UTF-8: the byte-order mark; and its own line ends.
        assert raw.startswith(BOM.encode("utf-8")), spec.name
        text = raw.decode("utf-8-sig")
        assert text.count("\r\n") >= len(csv_rows(spec.name)) + 1, spec.name
        assert parsed(text) == parsed(published_bytes(spec.name).decode("utf-8")), spec.name
    name = NON_ASCII[0]
    browser.get(f"{server}/{DB}/{name}")
    saved = download(browser, export_link(browser, "excel"), downloads)
    assert saved.name == f"{name}{EXCEL_SUFFIX}.csv"
    assert parsed(saved.read_bytes().decode("utf-8-sig")) == parsed(published_bytes(name).decode("utf-8"))
    fits(browser)
    screenshot(browser, f"downloads-excel-link-{window}.png")


def changelog_date(release: str) -> str | None:
    for line in CHANGELOG.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(rf"## \[{re.escape(release)}\] - (\d{{4}}-\d{{2}}-\d{{2}})", line.strip())
        if match:
            return match[1]
    return None


@functools.cache
def archive_paths(release: str) -> list[str]:
    """The paths the release archive holds, made once for both widths (the archive is the same)."""
    return list(members(ROOT, changelog_date(release) or "2000-01-01"))


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_release_archive_is_described_with_everything_it_holds(server, browser, window):
    release = version()
    held = archive_paths(release)
    described = [what for _, what in ARCHIVE_PARTS]
    # Every file of the archive is in a described part, and every part described holds a file.
    assert [path for path in held if archive_part(path) is None] == []
    assert {archive_part(path) for path in held} == set(described)
    browser.get(f"{server}/")
    listed = texts_by_css(browser, "ul.release-contents li")
    assert listed == described
    link = by_css(browser, "li.release a")
    assert link.get_attribute("href").endswith(f"/v{release}/{PACKAGE['name']}-{release}.zip")
    fits(browser)
    element_screenshot(browser, by_css(browser, "ul.downloads"), f"downloads-home-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_home_page_gives_the_versions_release_date_and_links_the_changelog(server, browser, window):
    release = version()
    released_on = changelog_date(release)
    browser.get(f"{server}/")
    facts = by_css(browser, "p.facts")
    if released_on:
        assert by_css(browser, "p.facts time.release-date").get_attribute("datetime") == released_on
        assert f"Version {release}, released {released_on}" in facts.text
    else:
        assert "not yet released" in facts.text
    changelog = by_css(browser, "p.facts a.changelog").get_attribute("href")
    # The changelog is a page of the site itself, headed by this version's release archive.
    assert changelog == f"{server}/changelog"
    fits(browser)
    screenshot(browser, f"home-version-{window}.png", max_height=900)


# B. Citations that last: "Data source" names the documents and leads to their publishers ----------


def in_words(documents: list[dict]) -> list[str]:
    """What a source line must say of these documents: one by its title; several by a count of each kind."""
    if len(documents) == 1:
        return [documents[0]["title"]]
    labels = {row["code"]: row["label"] for row in csv_rows("document_kinds")}
    counts = {}
    for row in documents:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return [f"{count} {labels[kind].lower()}" for kind, count in counts.items()]


# The page's footer, and the line under a table's or row's title (Datasette's "Data license · Data source").
FOOTER = "//footer"
UNDER_THE_TITLE = "//section[@class='content']//p[contains(., 'Data source:')]"


def data_source(browser, where: str = FOOTER, written: bool = False):
    """The words of the page's "Data source" and the address its link goes to (as the page writes
    it, with written=True: the browser's href property is always absolute)."""
    # The element's text and each of its links' text and addresses, in one round trip.
    found = browser.execute_script(
        SHOWN_JS + "const element = document.evaluate(arguments[0], document, null,"
        " XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;"
        "return element === null ? null : [text(element), Array.from(element.querySelectorAll('a'),"
        " (a) => [text(a), a.href, a.getAttribute('href')])];", where)
    assert found is not None, f"{browser.current_url}: nothing at {where}"
    text = " ".join(found[0].split())
    match = re.search(r"Data source: (.*?)( · About|$)", text)
    assert match, f"{browser.current_url}: no 'Data source' in {text!r}"
    link = [(href, as_written) for words, href, as_written in found[1] if " ".join(words.split()) == match[1]]
    assert len(link) == 1, text
    return match[1], link[0][1] if written else link[0][0]


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
@pytest.mark.note_pages
def test_data_source_names_the_documents_and_leads_to_each_publishers_page(server, browser, window):
    documents = csv_rows("documents")
    browser.get(f"{server}/")
    words, href = data_source(browser)
    for said in in_words(documents):
        assert said in words.lower() if said[0].isdigit() else said == words, (said, words)
    assert urlsplit(href).path == "/" and urlsplit(href).fragment == "sources"
    browser.get(href)
    publishers = dict(links_by_css(browser, "ul.sources a.publisher"))
    assert publishers == {row["title"]: row["url"] for row in documents}
    records = [href for _, href in links_by_css(browser, "ul.sources a.record")]
    assert [urlsplit(r).path for r in records] == [f"/{DB}/documents/{row['document_id']}"
                                                   for row in sorted(documents, key=lambda r: (r["kind"], r["document_id"]))]
    fits(browser)
    element_screenshot(browser, by_css(browser, "ul.sources"), f"home-sources-{window}.png")
    # A table's source is the documents its rows come from, on the table's page, its rows' pages and
    # in the footer; a table of one document links that document's publisher.
    by_id = {row["document_id"]: row for row in documents}
    # Every table's page at the widest window; at the others, recommendations' (with its row page
    # and screenshots): the server writes the same source lines at every width.
    with_documents = [spec.name for spec in TABLES if "document_id" in (csv_rows(spec.name) or [{}])[0]]
    assert "recommendations" in with_documents
    if window != max(WIDTHS):
        with_documents = ["recommendations"]
    for spec in (table(name) for name in with_documents):
        rows = csv_rows(spec.name)
        coded_from = [by_id[i] for i in sorted({row["document_id"] for row in rows} - {""})]
        browser.get(f"{server}/{DB}/{spec.name}")
        for where in (FOOTER, UNDER_THE_TITLE):
            words, href = data_source(browser, where)
            for said in in_words(coded_from):
                assert said in words.lower() if said[0].isdigit() else said == words, (spec.name, words)
            expected = coded_from[0]["url"] if len(coded_from) == 1 else "/#sources"
            assert href == expected or (urlsplit(href).path, urlsplit(href).fragment) == ("/", "sources"), spec.name
        if spec.name == "recommendations":
            screenshot(browser, f"downloads-source-table-{window}.png")
            key = ",".join(rows[0][column] for column in spec.primary_key)
            browser.get(f"{server}/{DB}/{spec.name}/{key}")
            assert data_source(browser, written=True)[1] == expected, "a row page's link stays as written"
            fits(browser)
            browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
            screenshot(browser, f"downloads-source-row-{window}.png", max_height=8000)


# C. The licence lines read correctly -------------------------------------------------------------


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_licence_lines_say_what_covers_the_tables_the_code_and_the_source_text(server, browser, window):
    browser.get(f"{server}/")
    licence = by_css(browser, "p.licence")
    text = " ".join(licence.text.split())
    links = dict(links_by_css(browser, "p.licence a"))
    assert links[DATA_LICENSE["name"]] == DATA_LICENSE["url"]
    assert re.search(rf"The tables .* licensed {re.escape(DATA_LICENSE['name'])}", text)
    assert re.search(rf"The code .* licensed {re.escape(CODE_LICENSE)}", text)
    assert re.search(r"The source documents' text is under neither licence: it belongs to its publishers", text)
    assert links["LICENSE"].endswith("/LICENSE")
    facts = by_css(browser, "p.facts")
    assert f"Tables licensed {DATA_LICENSE['name']}" in " ".join(facts.text.split())
    fits(browser)
    element_screenshot(browser, licence, f"home-licence-{window}.png")
