"""What the tests of the served site share: a page got through Datasette's own client (no
server process), a table's rows as published, and the searches every search box must answer. A
helper module, not a test module: the app itself is a fixture of tests/conftest.py."""

from __future__ import annotations

import asyncio
import csv
import weakref

from mandate_notes.model import csv_path


# Each app's answers by path: the apps serve immutable databases, so a page several tests read is
# rendered once per test process (tests only read a response, never change it).
_ANSWERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get(app, path, fresh: bool = False):
    """The app's answer to a GET of path; fresh: rendered again (the test changed what the app reads,
    or watches the rendering itself)."""
    answers = _ANSWERS.setdefault(app, {})
    if fresh or path not in answers:
        answers[path] = asyncio.run(app.client.get(path))
    return answers[path]


def html_of(app, path, fresh: bool = False):
    response = get(app, path, fresh)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return response.text


def csv_rows(data, name):
    with open(csv_path(data, name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# (what is typed, the pattern every row found, and only those, holds in its searched text). The
# Porter stemmer joins the forms of a word: peacekeeper, peacekeepers and peacekeeping; elect,
# elected, election and elections (not electoral, whose stem is "elector").
CASES = [
    ("peacekeeper", r"\bpeacekeep(er|ers|ing)\b"),
    ("elections", r"\belect(s|ed|ing|ion|ions)?\b"),
    ('"strategic communications"', r"\bstrategic communications?\b"),
    ("elect*", r"\belect\w*"),
    ("Wagner OR ECOWAS", r"\bWagner\b|\bECOWAS\b"),
]
