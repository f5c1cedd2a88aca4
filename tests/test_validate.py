"""The package validates, and a corrupted copy is reported as FILE:LINE: column: rule: value."""

import subprocess
import sys

from mandate_notes.checks import validate_package


def run_validate(root):
    return subprocess.run(
        [sys.executable, str(ROOT_SCRIPT), "--root", str(root)], capture_output=True, text=True
    )


from pathlib import Path
from mandate_notes.model import csv_path

ROOT_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "validate.py"


def test_the_published_package_has_no_problems(root):
    assert [str(p) for p in validate_package(root)] == []


def test_frictionless_agrees_that_the_package_is_valid(root):
    from mandate_notes.validate import frictionless_problems

    assert [str(p) for p in frictionless_problems(root)] == []


def test_a_corrupted_row_is_named_by_file_line_column_rule_and_value(package_copy):
    path = csv_path(package_copy / "data", "support_levels")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",2,", ",two,")
    path.write_text("".join(lines), encoding="utf-8")
    result = run_validate(package_copy)
    assert result.returncode == 1
    assert "data/support_levels.csv:3: rank: type integer: 'two'" in result.stderr


def test_a_quote_missing_from_its_paragraph_is_reported(package_copy):
    path = csv_path(package_copy / "data", "document_actors")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("the German Federal Foreign Office", "the German Foreign Office", 1), encoding="utf-8")
    problems = [str(p) for p in validate_package(package_copy)]
    assert any(
        p.startswith("data/document_actors.csv:2: quote: quote not found verbatim in its paragraph") for p in problems
    ), problems
