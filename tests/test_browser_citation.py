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
from tests.browsing import (DB, WIDTHS, all_by_css, assert_no_sideways_scroll, by_css, csv_rows, element_screenshot,
                            none_by_css, screenshot)
from tests.citing import PUBLISHED_FIXTURE, write_archive


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


def shown_whole(browser, box) -> bool:
    return browser.execute_script("return arguments[0].scrollHeight <= arguments[0].clientHeight + 1", box)


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_every_citation_of_the_site_names_the_authors_of_the_one_list(server, browser, window):
    names = cited_names(AUTHORS)
    browser.get(f"{server}/")
    assert by_css(browser, "#citation-text").get_attribute("value").startswith(f"{names} (")
    ld = json.loads(browser.execute_script(
        "return document.head.querySelector('script[type=\"application/ld+json\"]').textContent"))
    assert ld["creator"] == [author.schema_org() for author in AUTHORS]
    recommendation = csv_rows("recommendations")[0]["recommendation_id"]
    browser.get(f"{server}/{DB}/recommendations/{recommendation}")
    assert by_css(browser, "#row-citation").get_attribute("value").startswith(f"{names} (")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_a_published_rows_citation_ends_with_its_public_page_and_the_doi(server, published, browser, window):
    recommendation = csv_rows("recommendations")[0]["recommendation_id"]
    path = f"/{DB}/recommendations/{recommendation}"
    browser.get(published["base"] + path)
    box = by_css(browser, "#row-citation")
    cited = box.get_attribute("value")
    assert cited.startswith(row_reference("recommendations", recommendation) + " Source: ")
    assert cited.endswith(f". {PUBLISHED_FIXTURE['site_url'].rstrip('/')}{path} "
                          f"https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    assert "127.0.0.1" not in cited and cited.count("doi.org") == 1
    assert shown_whole(browser, box), "the citation is shown whole, without scrolling its box"
    assert_no_sideways_scroll(browser, browser.current_url)
    element_screenshot(browser, by_css(browser, "section.cite-row"), f"citation-published-row-{window}.png")
    # A row of a table with a compound key: its address holds both keys.
    theme = csv_rows("recommendation_themes")[0]
    path = f"/{DB}/recommendation_themes/{theme['recommendation_id']},{theme['theme']}"
    browser.get(published["base"] + path)
    assert by_css(browser, "#row-citation").get_attribute("value").endswith(
        f"{PUBLISHED_FIXTURE['site_url'].rstrip('/')}{path} https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    # The dataset's own citation ends with the DOI; before publication, no row's has an address.
    browser.get(published["base"] + "/")
    assert by_css(browser, "#citation-text").get_attribute("value") == published["text"]
    assert published["text"].endswith(f"https://doi.org/{PUBLISHED_FIXTURE['doi']}")
    assert all_by_css(browser, "#citation-bibtex")[0].get_attribute("value") == published["bibtex"]
    browser.get(f"{server}/{DB}/recommendations/{recommendation}")
    unpublished = by_css(browser, "#row-citation").get_attribute("value")
    assert "doi.org" not in unpublished and "example.org" not in unpublished


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_the_home_page_and_the_changelog_page_serve_the_versions_archive_with_its_sha256(
        published, browser, window, accessibility_violations):
    name = archive_name(version())
    browser.get(published["base"] + "/")
    address = by_css(browser, "li.release a.release-archive").get_attribute("href")
    assert address == f"{published['base']}/release/{name}"
    shown = by_css(browser, "li.release code.sha256").text
    with urlopen(address) as response:
        assert hashlib.sha256(response.read()).hexdigest() == shown == published["archive"]["sha256"]
    assert_no_sideways_scroll(browser, browser.current_url)
    element_screenshot(browser, by_css(browser, "li.release"), f"citation-archive-home-{window}.png")
    # The citation block leads to the archive and to the changelog, a page of the site.
    assert by_css(browser, "a.cite-archive").get_attribute("href") == address
    by_css(browser, "a.cite-changelog").click()
    assert browser.current_url == f"{published['base']}/changelog"
    assert by_css(browser, "h1").text == "Changelog"
    assert by_css(browser, "section.this-version a.release-archive").get_attribute("href") == address
    assert by_css(browser, "section.this-version code.sha256").text == shown
    assert by_css(browser, "article.document h2").text == "[Unreleased]"
    assert_no_sideways_scroll(browser, browser.current_url)
    assert accessibility_violations(browser) == []
    element_screenshot(browser, by_css(browser, "section.this-version"), f"citation-changelog-archive-{window}.png")


@pytest.mark.parametrize("window", WIDTHS, indirect=True)
def test_without_the_archive_the_changelog_page_says_so_and_how_it_is_made(server, browser, window,
                                                                          accessibility_violations):
    browser.get(f"{server}/")
    by_css(browser, "p.facts a.changelog").click()
    assert browser.current_url == f"{server}/changelog"
    section = by_css(browser, "section.this-version")
    assert "not on this server" in section.text and "make release" in section.text
    assert by_css(browser, "section.this-version a.published-archive").get_attribute("href") == \
        generate.release_archive_url(version())
    assert none_by_css(browser, "section.this-version a.release-archive")
    assert_no_sideways_scroll(browser, browser.current_url)
    assert accessibility_violations(browser) == []
    element_screenshot(browser, section, f"citation-changelog-no-archive-{window}.png")
    screenshot(browser, f"citation-changelog-{window}.png", max_height=900)
    browser.get(f"{server}/{DB}/recommendations/{csv_rows('recommendations')[0]['recommendation_id']}")
    assert by_css(browser, "section.cite-row a.cite-changelog").get_attribute("href") == f"{server}/changelog"
