"""Files derived from schemas/definitions.py are current: datapackage.json, Datasette metadata, codebook."""

from mandate_notes import generate
from mandate_notes.model import table_file
from mandate_notes.paths import SERVER_METADATA


def test_no_derived_file_is_stale(root):
    stale = [str(path.relative_to(root)) for path in generate.stale_files()]
    assert stale == [], f"run `make generate`: {stale}"


def test_a_stale_file_is_detected(root, monkeypatch):
    real = generate.render_metadata
    monkeypatch.setattr(generate, "render_metadata", lambda: real().replace("Recommendations", "Recs"))
    assert SERVER_METADATA in generate.stale_files()


def test_every_csv_in_data_is_a_resource_and_every_resource_has_a_csv(root):
    import json

    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["path"] for resource in package["resources"]}
    files = {path.relative_to(root).as_posix() for path in (root / "data").rglob("*.csv")}
    assert resources == files
    assert all(resource["path"] == table_file(resource["name"]) for resource in package["resources"])
