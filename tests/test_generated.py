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


def test_gitattributes_marks_every_made_file_as_generated_and_no_other(root):
    """Review tools fold away what .gitattributes marks linguist-generated: every tracked file under a
    `generated/` folder and the descriptor and citation files made by `make generate`, and nothing
    written by hand."""
    import subprocess

    tracked = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, text=True,
                             check=True).stdout.split("\0")
    tracked = [path for path in tracked if path]
    answer = subprocess.run(["git", "-C", str(root), "check-attr", "-z", "--stdin", "linguist-generated"],
                            input="\0".join(tracked) + "\0", capture_output=True, text=True, check=True).stdout
    fields = answer.split("\0")
    marked = {fields[i] for i in range(0, len(fields) - 2, 3) if fields[i + 2] == "true"}
    made = {path for path in tracked if "generated/" in path or path in ("datapackage.json", "CITATION.cff",
                                                                         ".zenodo.json")}
    assert sorted(made - marked) == [], "made by a command, yet not marked generated in .gitattributes"
    assert sorted(marked - made) == [], "marked generated in .gitattributes, yet written by hand"
