"""The version's files served by the site itself: the changelog as a page (rendered by `make
generate`, checked for drift by the gate) and the release archive with its SHA-256 when a sound copy
is beside the build, or, when there is none, a page that says so and how it is made."""

from __future__ import annotations

import re

import pytest

from mandate_notes import deploy, generate
from mandate_notes.archive import archive_in, archive_name
from mandate_notes.model import version
from mandate_notes.versions import CHANGELOG, released
from tests.citing import write_archive
from tests.pages import get, html_of


def test_an_archive_is_offered_only_beside_a_checksum_file_that_states_its_sha256(tmp_path):
    assert archive_in(tmp_path, "9.9.9")["missing"] == "the folder of release archives has no mandate-notes-9.9.9.zip"
    written = write_archive(tmp_path, "9.9.9")
    assert archive_in(tmp_path, "9.9.9") == {"name": "mandate-notes-9.9.9.zip", "sha256": written["sha256"],
                                             "bytes": written["path"].stat().st_size}
    write_archive(tmp_path, "9.9.9", checksum="0" * 64)
    assert archive_in(tmp_path, "9.9.9")["missing"] == \
        "mandate-notes-9.9.9.zip does not match the SHA-256 its checksum file states"
    (tmp_path / "mandate-notes-9.9.9.zip.sha256").unlink()
    assert "has no checksum file" in archive_in(tmp_path, "9.9.9")["missing"]


def test_the_changelog_page_is_the_changelog_rendered_and_checked_for_drift(root, datasette_app, monkeypatch):
    page = html_of(datasette_app, "/changelog")
    assert "<h1>Changelog</h1>" in page
    for release in released(CHANGELOG):
        assert f"[{release.version}] - {release.date}</h2>" in page, release.version
    assert "[Unreleased]</h2>" in page
    # Every page's menu and the home page lead to it; the sitemap lists it.
    home = html_of(datasette_app, "/")
    assert home.count('href="/changelog"') >= 2 and 'href="/changelog#this-version"' in home
    # An edit of CHANGELOG.md makes the page stale until `make generate`.
    fragment = generate.PAGE_FRAGMENTS / "changelog.html"
    assert fragment not in generate.stale_files()
    monkeypatch.setattr(generate, "changelog_body", lambda: "## [Unreleased]\n\n- Something new.\n")
    assert fragment in generate.stale_files()


def test_without_an_archive_the_site_says_so_how_it_is_made_and_where_it_is_published(datasette_app):
    name = archive_name(version())
    for path in ("/", "/changelog"):
        page = html_of(datasette_app, path)
        assert "not on this server, as this server has no folder of release archives" in page, path
        assert "<code>make release</code>" in page and f"<code>dist/{name}</code>" in page, path
        assert generate.release_archive_url(version()) in page, path
    assert get(datasette_app, f"/release/{name}").status_code == 404


def test_the_site_serves_the_versions_archive_with_its_sha256(tmp_path, built_database):
    from mandate_notes.serve import make_datasette, write_inspect_file

    written = write_archive(tmp_path, version())
    write_inspect_file(built_database, tmp_path / "inspect.json")
    app = make_datasette(built_database, tmp_path / "inspect.json", releases=tmp_path)
    name = archive_name(version())
    for path in ("/", "/changelog"):
        page = html_of(app, path)
        assert f'<a href="/release/{name}" class="release-archive" download>' in page, path
        assert f'<code class="sha256">{written["sha256"]}</code>' in page, path
    served = get(app, f"/release/{name}")
    assert served.status_code == 200 and served.content == written["path"].read_bytes()
    assert served.headers["content-type"] == "application/zip"
    assert get(app, f"/release/{name}.sha256").text == f"{written['sha256']}  {name}\n"
    ld = re.search(r'"sha256": "([0-9a-f]{64})"', html_of(app, "/"))
    assert ld and ld.group(1) == written["sha256"], "schema.org's DataDownload names the archive served here"
    # A copy whose checksum file states another digest is not offered.
    write_archive(tmp_path, version(), checksum="0" * 64)
    assert "does not match the SHA-256 its checksum file states" in html_of(app, "/changelog", fresh=True)


@pytest.mark.slow
def test_the_deploy_carries_the_versions_archive_when_dist_holds_a_sound_one(tmp_path, built_database):
    releases = tmp_path / "dist"
    releases.mkdir()
    write_archive(releases, "0.0.1")
    deploy.prepare(tmp_path / "without", built_database, releases=releases)
    assert list((tmp_path / "without" / "release").iterdir()) == []
    written = write_archive(releases, version())
    deploy.prepare(tmp_path / "with", built_database, releases=releases)
    carried = tmp_path / "with" / "release"
    name = archive_name(version())
    assert sorted(p.name for p in carried.iterdir()) == [name, f"{name}.sha256"]
    assert (carried / name).read_bytes() == written["path"].read_bytes()
    options = deploy.datasette_options(tmp_path / "with")
    assert options[options.index(f"release:{carried}") - 1] == "--static"
