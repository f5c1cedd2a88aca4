"""The synthetic scaler keeps every rule: a grown package validates, every table grows alike."""

import csv

import pytest

from mandate_notes.checks import validate_package
from mandate_notes.validate import run_gate
from schemas.definitions import CODE_LISTS, CONTENT_TABLES
from benchmarks.scale import copies_for, scale_package
from mandate_notes.model import csv_path

# Slow (`make check` leaves it out): validates packages of scaled-up tables.
pytestmark = pytest.mark.slow


def rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


@pytest.fixture(scope="module")
def scaled(root, tmp_path_factory):
    """The real package grown to three copies of its notes."""
    largest = max(len(rows(csv_path(root / "data", spec.name))) for spec in CONTENT_TABLES)
    output = tmp_path_factory.mktemp("scaled") / "package"
    scale_package(root, output, 3 * largest)
    return output


def test_a_scaled_package_has_no_problems(scaled):
    assert [str(p) for p in validate_package(scaled)] == []


def test_the_gate_finds_no_problem_in_a_scaled_package(scaled):
    """The whole of `make validate` (the catalogue's rules of the Council's side too), as make bench
    runs it on the scaled packages: a copy's resolution symbols once broke them."""
    assert run_gate(scaled).problems == []


def test_frictionless_agrees_that_a_scaled_package_is_valid(scaled):
    from mandate_notes.validate import frictionless_problems

    assert [str(p) for p in frictionless_problems(scaled)] == []


def test_every_content_table_grows_by_the_number_of_copies_and_code_lists_stay(root, scaled):
    for spec in CONTENT_TABLES:
        real = rows(csv_path(root / "data", spec.name))
        assert len(rows(csv_path(scaled / "data", spec.name))) == 3 * len(real), spec.name
    for spec in CODE_LISTS:
        name = spec.name
        assert csv_path(scaled / "data", name).read_bytes() == csv_path(root / "data", name).read_bytes(), name


def test_the_first_copy_is_the_real_data(root, scaled):
    for spec in CONTENT_TABLES:
        real = rows(csv_path(root / "data", spec.name))
        assert rows(csv_path(scaled / "data", spec.name))[: len(real)] == real, spec.name


def test_the_number_of_copies_brings_the_largest_table_nearest_the_target():
    assert copies_for(10_000, 63) == 159
    assert copies_for(10, 63) == 1
    with pytest.raises(ValueError):
        copies_for(10, 0)


def test_a_folder_the_scaler_did_not_write_is_never_replaced(root, tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not a scaled package"):
        scale_package(root, tmp_path, 100)
    assert keep.read_text(encoding="utf-8") == "mine"
