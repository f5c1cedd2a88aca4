"""The version's release archive as the site itself serves it: the home page and the changelog page
say where it is, its size and its SHA-256, or, when this server has no sound copy, why not and how
it is made.

The archives are a static mount named `release` (mandate_notes/archive.py RELEASE_MOUNT): `make
serve` mounts dist/, where `make release` writes them; the deployed container carries the version's
archive in a folder of its own (mandate_notes/deploy.py). A copy is offered only when its checksum
file states its SHA-256.
"""

from datasette import hookimpl

from mandate_notes.archive import RELEASE_MOUNT, archive_in, release_folder

# The pages that describe the archive.
PAGES = ("home.html", "pages/changelog.html")


def size_in_words(count: int) -> str:
    """
    >>> size_in_words(2_345_678), size_in_words(900)
    ('2.2 MB', '1 KB')
    """
    return f"{count / 1024 ** 2:.1f} MB" if count >= 1024 ** 2 else f"{max(1, round(count / 1024))} KB"


def served_archive(datasette) -> dict:
    """What the pages say of the version's archive: its address, size and SHA-256 here, or why this
    server has none; always where it is published."""
    config = datasette.plugin_config("mandate-notes")
    found = archive_in(release_folder(datasette.static_mounts), datasette.metadata("version"))
    facts = {**found, "version": datasette.metadata("version"), "release_date": config["release_date"],
             "published_url": config["release_archive"]}
    if "sha256" in found:
        url = datasette.urls.path(f"{RELEASE_MOUNT}/{found['name']}")
        facts.update(url=url, checksum_url=url + ".sha256", size=size_in_words(found["bytes"]))
    return facts


@hookimpl
def extra_template_vars(template, datasette):
    if template not in PAGES:
        return {}
    return {"release_archive": served_archive(datasette)}
