"""The archived source note is byte-identical to what was received, and nothing reads outside the repo."""

import csv
import hashlib
import json
import subprocess

RECEIVED_SHA256 = "1c80a036eaa6159e5c7f1ee8b5a97dd0d7e707554589ecfda4b67d92fd8e303f"


def test_source_text_is_byte_identical_to_the_received_note(root):
    digest = hashlib.sha256((root / "sources" / "ipi-2023-minusma-meeting-note.txt").read_bytes()).hexdigest()
    assert digest == RECEIVED_SHA256


def test_documents_table_records_each_source_files_sha256(root):
    with open(root / "data" / "documents.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            content = (root / "sources" / row["source_file"]).read_bytes()
            assert hashlib.sha256(content).hexdigest() == row["source_sha256"], row["document_id"]


def test_datapackage_sources_carry_the_same_sha256(root):
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
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
