"""Every citation names the authors of schemas/definitions.py's one list (AUTHORS), in the form each
reader of it needs; once the dataset is published, citations end with the DOI and a row's with its
public page."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from mandate_notes import citation, generate
from mandate_notes.model import descriptor
from schemas.authors import AuthorError, checked_authors
from schemas.definitions import AUTHORS, PUBLISHED
from tests.citing import PUBLISHED_FIXTURE, cff_problems, cffconvert_or_skip

# ORCID's own example iD (of a fictional researcher), and a DOI prefix reserved for tests.
PERSON = {"family-names": "Doe", "given-names": "Jane Ann", "orcid": "https://orcid.org/0000-0002-1825-0097"}
GROUP = {"name": "mandate-notes contributors"}


@pytest.fixture()
def a_person_and_a_group():
    """AUTHORS with a person added before the group: the one-line change that names a coder."""
    kept = list(AUTHORS)
    AUTHORS[:] = checked_authors([PERSON, GROUP])
    try:
        yield
    finally:
        AUTHORS[:] = kept


def test_the_authors_today_are_the_one_group_the_repository_names():
    assert [author.model_dump() for author in AUTHORS] == [GROUP]
    assert citation.citation_text().startswith("mandate-notes contributors (")


def test_every_citation_names_every_author_in_its_own_form(a_person_and_a_group, tmp_path):
    assert citation.citation_text().startswith("Doe, J. A., & mandate-notes contributors (")
    assert "  author = {Doe, Jane Ann and {mandate-notes contributors}},\n" in citation.citation_bibtex()
    assert citation.row_citation("actors", "minusma").startswith("Doe, J. A., & mandate-notes contributors (")

    cff_text = generate.render_citation_cff()
    cff = yaml.safe_load(cff_text)
    assert cff["authors"] == [PERSON, GROUP]
    assert cff_problems(cff) == []
    (tmp_path / "CITATION.cff").write_text(cff_text, encoding="utf-8")
    checked = subprocess.run([str(cffconvert_or_skip()), "--validate", "--infile", str(tmp_path / "CITATION.cff")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    assert json.loads(generate.render_zenodo())["creators"] == [
        {"name": "Doe, Jane Ann", "orcid": "0000-0002-1825-0097"}, {"name": "mandate-notes contributors"}]
    assert generate.dataset_json_ld()["creator"] == [
        {"@type": "Person", "name": "Jane Ann Doe", "givenName": "Jane Ann", "familyName": "Doe",
         "sameAs": PERSON["orcid"]},
        {"@type": "Organization", "name": "mandate-notes contributors"}]
    assert descriptor()["contributors"] == [
        {"title": "Jane Ann Doe", "role": "author", "path": PERSON["orcid"]},
        {"title": "mandate-notes contributors", "role": "author"}]
    # The site's citations (home page text and BibTeX, every row's) come from its generated metadata.
    metadata = json.loads(generate.render_metadata())
    config = metadata["plugins"]["mandate-notes"]
    assert metadata["citation"] == {"text": citation.citation_text(), "bibtex": citation.citation_bibtex()}
    assert config["row_citation"].startswith("Doe, J. A., & mandate-notes contributors (")
    assert config["json_ld"]["creator"][0]["familyName"] == "Doe"
    assert "> Doe, J. A., & mandate-notes contributors (" in generate.citation_block()


@pytest.mark.parametrize("author, problem", [
    ({"family-names": "Doe", "given-name": "Jane"}, "missing key 'given-names'; unknown key 'given-name'"),
    ({"family-names": "Doe", "given-names": "Jane", "orcid": "0000-0002-1825-0097"}, "orcid: String should match"),
    ({"name": ""}, "name: String should have at least 1 character"),
    ({"title": "A group"}, "missing key 'name'; unknown key 'title'"),
])
def test_an_author_written_wrongly_is_refused_and_named(author, problem):
    with pytest.raises(AuthorError) as refused:
        checked_authors([GROUP, author])
    assert str(refused.value).startswith("schemas/definitions.py: AUTHORS, author 2: ")
    assert problem in str(refused.value)


def test_once_published_citations_end_with_the_doi_and_a_row_with_its_public_page(monkeypatch):
    assert "doi.org" not in citation.citation_text() + citation.row_citation("actors", "minusma", path="/x")
    for key, value in PUBLISHED_FIXTURE.items():
        monkeypatch.setitem(PUBLISHED, key, value)
    assert citation.citation_text().endswith("https://github.com/mandate-notes/mandate-notes "
                                             "https://doi.org/10.5555/mandate-notes.example")
    assert "  doi = {10.5555/mandate-notes.example},\n" in citation.citation_bibtex()
    assert citation.row_citation("actors", "minusma", source="A note, paragraph 3",
                                 path="/mandate_notes/actors/minusma").endswith(
        ", table actors, row minusma. Source: A note, paragraph 3. "
        "https://data.example.org/mandate_notes/actors/minusma https://doi.org/10.5555/mandate-notes.example")
    assert yaml.safe_load(generate.render_citation_cff())["doi"] == PUBLISHED_FIXTURE["doi"]
    # The server completes a row's citation itself, from the published facts in its metadata: the
    # dataset's part it is given carries neither address nor DOI, so neither comes twice.
    config = json.loads(generate.render_metadata())["plugins"]["mandate-notes"]
    assert config["published"] == PUBLISHED_FIXTURE and "doi.org" not in config["row_citation"]
