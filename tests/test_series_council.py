"""Each catalogue note's Council side follows from the dates: the mandate in force on the workshop date
and the next decision after it; a decision adopted before the workshop is refused."""

import pytest

from mandate_notes import council
from mandate_notes.checks import check_package


@pytest.fixture(scope="module")
def tables(root):
    problems, read = check_package(root)
    assert not problems
    return read


def edited(tables, note_id, **cells):
    notes = tables["series_notes"]
    frame = notes.frame.copy()
    index = frame.index[frame["note_id"] == note_id][0]
    for column, value in cells.items():
        frame.at[index, column] = value
    return {**tables, "series_notes": type(notes)(notes.name, notes.file, frame, notes.lines)}


def rules(problems):
    return {(problem.column, problem.rule.split(" (")[0]) for problem in problems}


def test_the_published_rows_follow_from_the_dates(tables):
    assert council.series_problems(tables) == []
    frame = tables["series_notes"].frame
    coded = frame[frame["note_id"] == "minusma-2023"].iloc[0]
    assert (coded["mandate_in_force_id"], coded["decision_id"]) == ("s-res-2640-2022", "s-res-2690-2023")


def test_a_decision_adopted_before_the_workshop_is_refused(tables):
    problems = council.series_problems(edited(tables, "unmiss-2022", decision_symbol="S/RES/2567 (2021)",
                                              decision_adopted="2021-03-12", decision_id="s-res-2567-2021"))
    assert ("decision_adopted", "a decision adopted on or before the workshop") in rules(problems)


def test_a_later_decision_than_the_next_is_refused(tables):
    problems = council.series_problems(edited(tables, "unmiss-2023", decision_symbol="S/RES/2729 (2024)",
                                              decision_adopted="2024-04-29", decision_id="s-res-2729-2024"))
    assert ("decision_id", "the dates give s-res-2677-2023") in rules(problems)


def test_a_mandate_before_2020_when_the_dataset_has_a_later_one_is_refused(tables):
    problems = council.series_problems(edited(tables, "minusma-2021", mandate_in_force_symbol="S/RES/2480 (2019)",
                                              mandate_in_force_adopted="2019-06-28", mandate_in_force_id=""))
    assert ("mandate_in_force_id", "the dates give s-res-2531-2020") in rules(problems)


def test_a_coded_note_without_its_resolutions_in_document_toml_is_told_to_name_them_there(tables):
    """A new note marked coded in a catalogue row that names its resolutions: the note's
    document.toml must name them too, and the problem says how."""
    documents = tables["documents"]
    frame = documents.frame.copy()
    index = frame.index[frame["document_id"] == "ipi-2023-minusma"][0]
    frame.at[index, "mandate_in_force_id"], frame.at[index, "decision_id"] = "", ""
    changed = {**tables, "documents": type(documents)(documents.name, documents.file, frame, documents.lines)}
    found = [problem for problem in council.series_problems(changed) if problem.column == "mandate_in_force_id"]
    assert [problem.rule for problem in found] == [
        'the coded note\'s document.toml names no resolutions: give it [council] mandate_in_force = '
        '"s-res-2640-2022", decision = "s-res-2690-2023", then code the Council\'s side (CONTRIBUTING.md, '
        'recipe 1, step 3)']
    wrong = {**tables, "documents": type(documents)(documents.name, documents.file,
                                                   frame.assign(mandate_in_force_id=frame["mandate_in_force_id"].where(
                                                       frame.index != index, "s-res-2531-2020")), documents.lines)}
    assert ("mandate_in_force_id", "not the resolutions the coded note's document.toml names") in rules(
        council.series_problems(wrong))


def test_a_named_document_must_carry_its_own_symbol_and_date(tables):
    problems = council.series_problems(edited(tables, "unama-2023", decision_adopted="2023-03-17"))
    assert ("decision_id", "symbol and adoption date are not those of the resolution it names") in rules(problems)
