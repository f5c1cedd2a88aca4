"""The dataset's authors (its creators) as checked objects, each able to write itself in every form a
citation needs: CITATION.cff, the text and BibTeX citations, .zenodo.json, schema.org and the
Frictionless descriptor.

definitions.py lists them once, as CITATION.cff writes an author: a person as
{"family-names": ..., "given-names": ..., "orcid": "https://orcid.org/..."} (the ORCID optional), a
group or body as {"name": ...}. Anything else (a misspelt key, an ORCID not written as its address)
stops the import, naming the author.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.classes import explained

ORCID_ADDRESS = r"^https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar; JSON's string syntax is a subset of it."""
    return json.dumps(text, ensure_ascii=False)


class Person(BaseModel):
    """An author who is a person.

    >>> person = Person.model_validate({"family-names": "Doe", "given-names": "Jane Ann"})
    >>> person.cited(), person.bibtex(), person.full_name()
    ('Doe, J. A.', 'Doe, Jane Ann', 'Jane Ann Doe')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    family_names: str = Field(alias="family-names", min_length=1)
    given_names: str = Field(alias="given-names", min_length=1)
    orcid: str = Field(default="", pattern=ORCID_ADDRESS)

    def full_name(self) -> str:
        return f"{self.given_names} {self.family_names}"

    def cited(self) -> str:
        """As a reference list names a person: family names, then initials ('Jean-Paul' is 'J.-P.')."""
        initials = " ".join("-".join(f"{part[0]}." for part in name.split("-") if part)
                            for name in self.given_names.split())
        return f"{self.family_names}, {initials}"

    def bibtex(self) -> str:
        return f"{self.family_names}, {self.given_names}"

    def cff(self) -> list[str]:
        lines = [f"  - family-names: {_yaml(self.family_names)}", f"    given-names: {_yaml(self.given_names)}"]
        return lines + ([f"    orcid: {_yaml(self.orcid)}"] if self.orcid else [])

    def zenodo(self) -> dict:
        """Zenodo's creator: 'Family, Given', and the ORCID iD without its address."""
        return {"name": self.bibtex(), **({"orcid": self.orcid.rsplit("/", 1)[1]} if self.orcid else {})}

    def schema_org(self) -> dict:
        return {"@type": "Person", "name": self.full_name(), "givenName": self.given_names,
                "familyName": self.family_names, **({"sameAs": self.orcid} if self.orcid else {})}

    def contributor(self) -> dict:
        """A Frictionless descriptor's contributor."""
        return {"title": self.full_name(), "role": "author", **({"path": self.orcid} if self.orcid else {})}


class Entity(BaseModel):
    """An author that is a group or a body."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)

    def full_name(self) -> str:
        return self.name

    def cited(self) -> str:
        return self.name

    def bibtex(self) -> str:
        # Braced, so that BibTeX never splits the name into first and last names.
        return f"{{{self.name}}}"

    def cff(self) -> list[str]:
        return [f"  - name: {_yaml(self.name)}"]

    def zenodo(self) -> dict:
        return {"name": self.name}

    def schema_org(self) -> dict:
        return {"@type": "Organization", "name": self.name}

    def contributor(self) -> dict:
        return {"title": self.name, "role": "author"}


Author = Person | Entity


class AuthorError(ValueError):
    """An author of schemas/definitions.py that the model refuses; the message names it."""


def checked_authors(declared: list[dict]) -> list[Author]:
    """Each author's dict as a Person (it has family-names) or an Entity.

    >>> try:
    ...     checked_authors([{"family-names": "Doe", "given-name": "Jane"}])
    ... except AuthorError as error:
    ...     print(error)
    schemas/definitions.py: AUTHORS, author 1: missing key 'given-names'; unknown key 'given-name'
    """
    if not declared:
        raise AuthorError("schemas/definitions.py: AUTHORS: the dataset needs at least one author")
    authors = []
    for number, author in enumerate(declared, start=1):
        kind = Person if "family-names" in author or "given-names" in author else Entity
        try:
            authors.append(kind.model_validate(author))
        except ValidationError as error:
            raise AuthorError(f"schemas/definitions.py: AUTHORS, author {number}: {explained(error)}") from None
    return authors


def cited_names(authors: list[Author]) -> str:
    """The authors as a reference list names them: 'A', 'A, & B', 'A, B, & C'.

    >>> cited_names(checked_authors([{"family-names": "Doe", "given-names": "Jane"}, {"name": "A group"}]))
    'Doe, J., & A group'
    """
    names = [author.cited() for author in authors]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
