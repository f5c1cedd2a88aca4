"""What the tests of the served site share: a page got through Datasette's own client (no
server process), a table's rows as published, and the searches every search box must answer. A
helper module, not a test module: the app itself is a fixture of tests/conftest.py."""

from __future__ import annotations

import asyncio
import csv

from mandate_notes.model import csv_path


def get(app, path):
    return asyncio.run(app.client.get(path))


def html_of(app, path):
    response = get(app, path)
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
