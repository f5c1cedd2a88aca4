"""Each archived source is byte-identical to what was received, and nothing reads outside the repo."""

import hashlib
import json
import subprocess

import pytest

from mandate_notes.csvio import read_dicts
from mandate_notes.documents import discover, source_problems
from mandate_notes.model import csv_path
from mandate_notes.paths import ROOT

# The hash of the MINUSMA note as received, written here a second time on purpose: if the archived
# file and its document.toml were changed together, this still fails.
RECEIVED_SHA256 = {"ipi-2023-minusma": "1c80a036eaa6159e5c7f1ee8b5a97dd0d7e707554589ecfda4b67d92fd8e303f"}


@pytest.mark.parametrize("document", discover(ROOT), ids=lambda d: d.document_id)
def test_source_text_has_the_hash_its_folder_states(document):
    digest = hashlib.sha256(document.source.read_bytes()).hexdigest()
    assert digest == document.meta["source"]["sha256"]
    assert digest == RECEIVED_SHA256.get(document.document_id, digest)


def test_the_gate_reports_a_changed_source(package_copy):
    source = discover(package_copy)[0].source
    source.write_bytes(source.read_bytes() + b"x")
    [problem] = source_problems(package_copy)
    assert (problem.file, problem.column) == ("sources/ipi-2023-minusma/document.toml", "source.sha256")
    assert problem.rule.startswith("does not match sources/ipi-2023-minusma/ipi-2023-minusma-meeting-note.txt")


def test_documents_table_records_each_source_files_sha256(root):
    for row in read_dicts(csv_path(root / "data", "documents")):
        content = (root / "sources" / row["source_file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == row["source_sha256"], row["document_id"]


def test_datapackage_sources_carry_the_same_sha256(root):
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert len(package["sources"]) == len(discover(root))
    for source in package["sources"]:
        content = (root / source["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == source["sha256"]


def test_no_tracked_file_refers_to_the_shared_folder_outside_the_repository(root):
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    needle = "../" + "shared"
    offenders = [
        name for name in tracked
        if (root / name).is_file() and needle in (root / name).read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []
