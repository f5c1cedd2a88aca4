"""Citations in headless Chromium at 400 and 1400 pixels: the authors of AUTHORS; on a site built
with a published address (a fixture: the real PUBLISHED stays empty), a row's citation ending with
its public page and the DOI; the version's changelog and release archive served by the site itself,
with the archive beside the build and without it.

Screenshots go to build/screenshots/citation-*.png.
"""

from __future__ import annotations

import hashlib
import json
from urllib.request import urlopen

import pytest

from mandate_notes import generate
from mandate_notes.archive import archive_name
from mandate_notes.citation import citation_bibtex, citation_text, row_reference
from mandate_notes.model import version
from schemas.authors import cited_names
from schemas.definitions import AUTHORS, PUBLISHED
from tests.test_browser import screenshot
from tests.test_browser_records import element_screenshot
from tests.test_browser_research import WIDTHS, all_css, css, rows_of
from tests.test_citation import PUBLISHED_FIXTURE
from tests.test_version_files import write_archive

DB = "mandate_notes"


@pytest.fixture(params=WIDTHS)
def width(browser, request):
    browser.set_window_size(request.param, 900)
    yield request.param
    browser.set_window_size(1280, 900)


@pytest.fixture(scope="module")
def published(built_database, free_port, tmp_path_factory):
    """The site as it is served once published: its metadata generated with PUBLISHED set, and the
    version's release archive beside the build."""
    from mandate_notes.serve import running_server

    folder = tmp_path_factory.mktemp("published")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in PUBLISHED_FIXTURE.items():
            patch.setitem(PUBLISHED, key, value)
        (folder / "metadata.json").write_text(generate.render_metadata(), encoding="utf-8")
        texts = {"text": citation_text(), "bibtex": citation_bibtex()}
    (folder / "dist").mkdir()
    archive = write_archive(folder / "dist", version())
    with running_server(built_database, free_port(), metadata=folder / "metadata.json",
                        releases=folder / "dist") as (_, base):
        yield {"base": base, "archive": archive, **texts}


def fits(browser) -> None:
    scroll, window = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= window, f"{browser.current_url}: page {scroll} px wide in a {window} px window"


def shown_whole(browser, box) -> bool:
    return browser.execute_script("return arguments[0].scrollHeight <= arguments[0].clientHeight + 1", box)


def test_every_citation_of_the_site_names_the_authors_of_the_one_list(server, browser, width):
    names = cited_names(AUTHORS)
    browser.get(f"{server}/")
    assert css(browser, "#citation-text").get_attribute("value").startswith(f"{names} (")
    ld = json.loads(browser.execute_script(
        "return document.head.querySelector('script[type=\"application/ld+json\"]').textContent"))
    assert ld["creator"] == [author.schema_org() for author in AUTHORS]
    recommendation = rows_of("recommendations")[0]["recommendation_id"]
    browser.get(f"{server}/{DB}/recommendations/{recommendation}")
    assert css(browser, "#row-citation").get_attribute("value").startswith(f"{names} (")


def test_a_published_rows_citation_ends_with_its_public_page_and_the_doi(server, published, browser, width):
    recommendation = rows_of("recommendations")[0]["recommendation_id"]
    path = f"/{DB}/recommendations/{recommendation}"
    browser.get(published["base"] + path)
    box = css(browser, "#row-citation")
    cited = box.get_attribute("value")
    assert cited.startswith(row_reference("recommendations", recommendation) + " Source: ")
    assert cited.endswith(f". {PUBLISHED_FIXTURE['site_url'].rstrip('/')}{path} "
                          f"https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    assert "127.0.0.1" not in cited and cited.count("doi.org") == 1
    assert shown_whole(browser, box), "the citation is shown whole, without scrolling its box"
    fits(browser)
    element_screenshot(browser, css(browser, "section.cite-row"), f"citation-published-row-{width}.png")
    # A row of a table with a compound key: its address holds both keys.
    theme = rows_of("recommendation_themes")[0]
    path = f"/{DB}/recommendation_themes/{theme['recommendation_id']},{theme['theme']}"
    browser.get(published["base"] + path)
    assert css(browser, "#row-citation").get_attribute("value").endswith(
        f"{PUBLISHED_FIXTURE['site_url'].rstrip('/')}{path} https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    # The dataset's own citation ends with the DOI; before publication, no row's has an address.
    browser.get(published["base"] + "/")
    assert css(browser, "#citation-text").get_attribute("value") == published["text"]
    assert published["text"].endswith(f"https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    assert all_css(browser, "#citation-bibtex")[0].get_attribute("value") == published["bibtex"]
    browser.get(f"{server}/{DB}/recommendations/{recommendation}")
    unpublished = css(browser, "#row-citation").get_attribute("value")
    assert "doi.org" not in unpublished and "example.org" not in unpublished


def test_the_home_page_and_the_changelog_page_serve_the_versions_archive_with_its_sha256(
        published, browser, width, accessibility_violations):
    name = archive_name(version())
    browser.get(published["base"] + "/")
    address = css(browser, "li.release a.release-archive").get_attribute("href")
    assert address == f"{published['base']}/release/{name}"
    shown = css(browser, "li.release code.sha256").text
    with urlopen(address) as response:
        assert hashlib.sha256(response.read()).hexdigest() == shown == published["archive"]["sha256"]
    fits(browser)
    element_screenshot(browser, css(browser, "li.release"), f"citation-archive-home-{width}.png")
    # The citation block leads to the archive and to the changelog, a page of the site.
    assert css(browser, "a.cite-archive").get_attribute("href") == address
    css(browser, "a.cite-changelog").click()
    assert browser.current_url == f"{published['base']}/changelog"
    assert css(browser, "h1").text == "Changelog"
    assert css(browser, "section.this-version a.release-archive").get_attribute("href") == address
    assert css(browser, "section.this-version code.sha256").text == shown
    assert css(browser, "article.document h2").text == "[Unreleased]"
    fits(browser)
    assert accessibility_violations(browser) == []
    element_screenshot(browser, css(browser, "section.this-version"), f"citation-changelog-archive-{width}.png")


def test_without_the_archive_the_changelog_page_says_so_and_how_it_is_made(server, browser, width,
                                                                          accessibility_violations):
    browser.get(f"{server}/")
    css(browser, "p.facts a.changelog").click()
    assert browser.current_url == f"{server}/changelog"
    section = css(browser, "section.this-version")
    assert "not on this server" in section.text and "make release" in section.text
    assert css(browser, "section.this-version a.published-archive").get_attribute("href") == \
        generate.release_archive_url(version())
    assert all_css(browser, "section.this-version a.release-archive") == []
    fits(browser)
    assert accessibility_violations(browser) == []
    element_screenshot(browser, section, f"citation-changelog-no-archive-{width}.png")
    screenshot(browser, f"citation-changelog-{width}.png", max_height=900)
    browser.get(f"{server}/{DB}/recommendations/{rows_of('recommendations')[0]['recommendation_id']}")
    assert css(browser, "section.cite-row a.cite-changelog").get_attribute("href") == f"{server}/changelog"
