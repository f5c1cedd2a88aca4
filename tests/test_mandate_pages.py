"""The mandates in the browser, on the real database: each mission's timeline, two consecutive mandates
compared with the changed words marked, a catalogue note's mandate before and after."""

from __future__ import annotations

from collections import Counter

import pytest
from markupsafe import escape

from mandate_notes.paths import DATABASE_NAME as DB
from tests.pages import csv_rows, html_of


def test_the_timeline_lists_every_resolution_under_its_mission_with_its_changes(root, datasette_app):
    page = html_of(datasette_app, "/mandates")
    resolutions = csv_rows(root / "data", "resolutions")
    changes = csv_rows(root / "data", "paragraph_changes")
    for row in resolutions:
        assert f'id="{row["document_id"]}"' in page, row["document_id"]
        assert f'href="/{DB}/resolutions/{row["document_id"]}">{escape(row["symbol"])}</a>' in page
    counted = Counter((row["document_id"], row["change"]) for row in changes)
    item = page.split('id="s-res-2729-2024"')[1].split("</li>")[0]
    assert "Against S/RES/2677 (2023)" in item
    assert f'{counted["s-res-2729-2024", "amended"]} amended' in item
    assert 'href="/mandate-changes?resolution=s-res-2729-2024"' in item
    first = page.split('id="s-res-2514-2020"')[1].split("</li>")[0]
    assert "not in the dataset (adopted before 2020)" in first


def test_the_comparison_marks_the_words_each_mandate_alone_has(root, datasette_app):
    page = html_of(datasette_app, "/mandate-changes?resolution=2729")
    changes = [row for row in csv_rows(root / "data", "paragraph_changes") if row["document_id"] == "s-res-2729-2024"]
    assert page.count('<li class="change change-') == len(changes)
    for row in changes:
        assert f'id="{row["change_id"]}"' in page
    amended = [row for row in changes if row["change"] == "amended"]
    assert page.count("<ins>") >= len(amended) and "<del>" in page
    # The extension's date as each mandate gives it.
    assert "<del>15 March 2024;</del>" in page or "<del>" in page.split('id="s-res-2729-2024-c')[1]


def test_a_comparison_of_an_unknown_resolution_says_so(datasette_app):
    page = html_of(datasette_app, "/mandate-changes?resolution=9999")
    assert "No resolution with a previous mandate in the dataset matches" in page


@pytest.mark.parametrize("note_id, before, after", [("unmiss-2024", "S/RES/2677 (2023)", "S/RES/2726 (2024)"),
                                                     ("minusma-2018", "S/RES/2364 (2017)", "S/RES/2423 (2018)")])
def test_a_catalogue_note_shows_its_mandate_before_and_after(datasette_app, note_id, before, after):
    page = html_of(datasette_app, f"/{DB}/series_notes/{note_id}")
    section = page.split('id="council-sides"')[1].split("</section>")[0]
    assert before in section and after in section
    if note_id == "minusma-2018":
        assert "no text in the dataset" in section and "Compare" not in section
    else:
        assert 'href="/mandate-changes?resolution=s-res-2726-2024"' in section
