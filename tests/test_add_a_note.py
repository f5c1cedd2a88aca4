"""CONTRIBUTING.md's recipe 1, "Add a note", followed step by step in a scratch copy of the repository
with a small invented note: the gate passes, the build and the served site hold the note, and no
code file was touched. Each step below is the recipe's step of the same number."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from mandate_notes.model import version
from mandate_notes.new_note import append_rows
from tests.gitrepo import commit_all, git, init, script_env

# Slow (`make check` leaves it out): follows the recipe in a copy of the repository and runs its tests there.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = "zz-2026-test-note"
MISSION = "zz-test-mission"
# A note of a few paragraphs: cover, opening paragraph, a heading, two body paragraphs, a footnote.
SOURCE_TEXT = """Meeting Note

Early this year, a workshop on the mandate of the mission met under a rule of non-attribution to
discuss what the next renewal might keep, drop and put ahead. The organisers drafted this note; it
summarises the discussion in broad terms and does not give the view of every participant. The
Security Council renews the mandate each year.

Priorities

Participants urged the mission to protect civilians in the north.¹

Some participants noted that 40 percent of the mission’s posts were vacant in 2025.

¹ An explanatory note by the organisers.
"""


def files_of_the_recipe() -> list[str]:
    """The file list of recipe 1 in CONTRIBUTING.md: the paths between its FILES markers."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = text.split("<!-- recipe-1-files:start -->", 1)[1].split("<!-- recipe-1-files:end -->", 1)[0]
    return [line.split("`")[1] for line in block.splitlines() if line.startswith("- `")]


def run(repo: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    """A command of the recipe, run as its make target runs it, in the copy."""
    return subprocess.run([sys.executable, str(repo / script), *args], cwd=repo, capture_output=True, text=True,
                          env=script_env(repo))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A one-commit repository holding the checkout's tracked and new files."""
    target = tmp_path_factory.mktemp("recipe") / "repo"
    init(target)
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    # The checkout's compiled bytecode too (ignored by git): Python checks each file against its
    # source's time and size, which copy2 keeps, so the copy's tests and scripts compile nothing again.
    for folder in {Path(name).parent for name in listed if name.endswith(".py")}:
        if (ROOT / folder / "__pycache__").is_dir():
            shutil.copytree(ROOT / folder / "__pycache__", target / folder / "__pycache__")
    commit_all(target, "before the note")
    return target


TEXT_FILE = f"{DOCUMENT}-meeting-note.txt"
# What the contributor fills in of the document.toml that make new-note writes.
DOCUMENT_FACTS = {
    "title": "Prioritization and Sequencing of Security Council Mandates: The Case of a Test Mission",
    "publishers": ["International Peace Institute", "Stimson Center"], "publication_month": "2026-03",
    "url": "https://example.org/test-note/", "copyright": "An invented note, for the tests.",
    "keywords": ["Test mission"], "mission": "zz_test_mission", "mission_actor_id": MISSION, "host_country_iso3": "ZZZ", "date": "2026-02-10",
    "expected_renewal": "2026-06", "attribution_rule": "rule of non-attribution", "paragraph_id": f"{DOCUMENT}-p002",
}


def fill_in(path: Path, facts: dict) -> None:
    """Each `key = ""` or `key = []` line of a scaffolded document.toml given its value."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for key, value in facts.items():
        at = next(i for i, line in enumerate(lines) if re.match(rf"{key} = (\"\"|\[\])", line))
        lines[at] = f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
    path.write_text("".join(lines), encoding="utf-8")


def set_cells(repo: Path, path: str, row_id: str, values: dict) -> None:
    """Cells of the row whose first column is row_id, set in a hand-edited CSV."""
    target = repo / path
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    [row] = [row for row in rows if row[header[0]] == row_id]
    row.update(values)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def added(repo: Path, tmp_path_factory) -> Path:
    folder = repo / "sources" / DOCUMENT
    p = f"{DOCUMENT}-p"
    # 1. make new-note ID=... SOURCE=...: the folder, the text byte for byte, document.toml (to fill
    # in), the split, the pre-filled exclusions and a stub citation for each footnote.
    text = tmp_path_factory.mktemp("downloaded") / "note.txt"
    text.write_text(SOURCE_TEXT, encoding="utf-8", newline="")
    result = run(repo, "scripts/new_note.py", DOCUMENT, "--source", str(text))
    assert result.returncode == 0, result.stderr
    assert (folder / TEXT_FILE).read_bytes() == text.read_bytes()
    fill_in(folder / "document.toml", DOCUMENT_FACTS)
    # 2. make paragraphs: the generated tables now hold the note.
    result = run(repo, "scripts/make_paragraphs.py")
    assert result.returncode == 0, result.stderr
    # 3. The coded rows, each quoting its paragraph.
    append_rows(repo / "data/missions.csv", [{
        "code": "zz_test_mission", "label": "ZZTEST", "full_name": "Test mission", "operation_type": "peacekeeping_operation",
        "host_country_iso3": "ZZZ", "established": "2025-01-01", "established_by": "S/RES/9999 (2025)",
        "actor_id": MISSION, "definition": "The invented mission of the recipe test."}])
    append_rows(repo / "data/actors.csv", [{"actor_id": MISSION, "name": "Test mission", "actor_type": "un_mission",
                                      "description": "The invented mission of the recipe test."}])
    append_rows(repo / "data/actor_aliases.csv", [
        {"actor_id": MISSION, "alias": "the mission", "document_id": DOCUMENT, "paragraph_id": f"{p}002"},
        # An actor the MINUSMA note names too: this note needs its own alias for it.
        {"actor_id": "un-security-council", "alias": "Security Council", "document_id": DOCUMENT,
         "paragraph_id": f"{p}002"}])
    append_rows(repo / "data/recommendations.csv", [{
        "recommendation_id": f"{DOCUMENT}-rec-001", "document_id": DOCUMENT, "paragraph_id": f"{p}004",
        "quote": "Participants urged the mission to protect civilians in the north.",
        "summary": "Protect civilians in the north.", "is_opening_bullet": "false",
        "addressee_actor_id": MISSION, "addressee_as_written": "the mission", "addressee_is_inferred": "false",
        "theme": "protection_of_civilians", "support_level": "participants",
        "attribution_phrase": "Participants urged"}])
    append_rows(repo / "data/statistics.csv", [{
        "statistic_id": f"{DOCUMENT}-stat-001", "document_id": DOCUMENT, "paragraph_id": f"{p}005",
        "quote": "40 percent of the mission’s posts were vacant", "quantity": "Share of the mission's posts vacant",
        "value": "40", "value_as_written": "40 percent", "unit": "percent", "comparator": "exactly",
        "reference_period": "2025"}])
    # The footnote's stub, made by new-note with its anchors and quotes: what it does is the coder's to say.
    set_cells(repo, "data/citations.csv", f"{DOCUMENT}-fn01-1", {"citation_role": "explanatory"})
    append_rows(repo / "data/series_notes.csv", [{
        "note_id": "zz-test-2026", "mission": "Test mission", "workshop_date": "2026-02-10",
        "publisher_url": "https://example.org/test-note/", "found_as": "full text", "coding_status": "coded",
        "document_id": DOCUMENT, "url_checked": "false", "notes": "Invented for the recipe test."}])
    # 4. What the coding leaves out on purpose, with the reason, in the document's coding/ folder: here
    # new-note's pre-filled exclusion of the year is right as it stands.
    assert (folder / "coding" / "number_exclusions.csv").read_text(encoding="utf-8") == (
        f"paragraph_id,number_as_written,reason\n{p}005,2025,\"a year (2025), not a figure\"\n")
    # 5. make generate: datapackage.json's sources and keywords, the codebook, the metadata.
    result = run(repo, "scripts/generate.py")
    assert result.returncode == 0, result.stderr
    return repo


def test_the_gate_passes_with_the_new_note(added):
    # 6. make validate (frictionless, the independent cross-check, reads the copy in the run of the
    # copy's tests below, test_a_note_that_passes_the_gate_passes_the_tests).
    result = run(added, "scripts/validate.py")
    assert result.returncode == 0, result.stderr
    package = json.loads((added / "datapackage.json").read_text(encoding="utf-8"))
    assert f"sources/{DOCUMENT}/{TEXT_FILE}" in [source["path"] for source in package["sources"]]
    assert "Test mission" in package["keywords"]


def test_the_gate_names_the_row_when_the_new_coding_is_wrong(added):
    path = added / "data" / "statistics.csv"
    good = path.read_text(encoding="utf-8")
    try:
        path.write_text(good.replace("40 percent of the mission’s posts", "41 percent of the mission’s posts"), encoding="utf-8")
        result = run(added, "scripts/validate.py")
        line = good.splitlines().index(next(row for row in good.splitlines() if row.startswith(f"{DOCUMENT}-stat"))) + 1
        assert result.returncode == 1
        assert result.stderr.splitlines()[0] == (
            f"data/statistics.csv:{line}: quote: quote not found verbatim in its paragraph: "
            "'41 percent of the mission’s posts were vacant'")
    finally:
        path.write_text(good, encoding="utf-8")


def test_the_build_and_the_served_site_hold_the_note(added, free_port):
    from mandate_notes.serve import running_server

    # 7. make build (here into the copy's build/), then make serve.
    database = added / "build" / "mandate_notes.db"
    result = run(added, "scripts/build.py", "--output", str(database))
    assert result.returncode == 0, result.stderr
    with running_server(database, free_port()) as (_, base):
        with urllib.request.urlopen(f"{base}/mandate_notes/documents/{DOCUMENT}.json?_shape=objects") as response:
            [row] = json.load(response)["rows"]
        assert row["mission_actor_id"] == MISSION and row["source_file"] == f"{DOCUMENT}/{TEXT_FILE}"
        with urllib.request.urlopen(f"{base}/mandate_notes/recommendations/{DOCUMENT}-rec-001") as response:
            assert "protect civilians in the north" in response.read().decode("utf-8")


# What a second note must pass besides the gate: every test of the data that is not slow and drives
# no browser (the tables, the sources, the site served through Datasette's app or a server), and the
# browser's pages that show a note (home, row, search).
WITH_A_SECOND_NOTE = "not slow and ((data and not browser) or note_pages)"


def test_a_note_that_passes_the_gate_passes_the_tests(added):
    """The copy's own tests, run in it with the invented note added as the recipe adds it."""
    # -rA: the summary names each test that passed, as well as each that did not.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-n", "0", "-p", "no:cacheprovider", "-m", WITH_A_SECOND_NOTE],
        cwd=added, capture_output=True, text=True, env=script_env(added))
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, "\n".join(line for line in result.stdout.splitlines()
                                             if line.startswith(("FAILED", "ERROR"))) or summary
    assert " passed" in summary and "note_pages" in (added / "tests" / "conftest.py").read_text(encoding="utf-8")
    # The cross-check that step 6 (make validate) leaves out is made here, on the copy.
    assert "PASSED tests/test_validate.py::test_frictionless_agrees_that_the_package_is_valid" in result.stdout


def test_no_code_file_was_touched_and_every_file_touched_is_in_the_recipe(added):
    changed = (git(added, "diff", "--name-only", "HEAD").splitlines()
               + git(added, "ls-files", "--others", "--exclude-standard").splitlines())
    assert changed
    assert not [path for path in changed if path.endswith(".py") or path.startswith(("scripts/", "mandate_notes/",
                                                                                      "schemas/", "tests/"))]
    listed = files_of_the_recipe()
    outside = [path for path in changed if not any(path == item or (item.endswith("/") and path.startswith(item))
                                                    or path.startswith(item.replace("<document_id>", DOCUMENT))
                                                    for item in listed)]
    assert outside == [], f"touched, yet not in CONTRIBUTING.md's recipe 1: {outside}"


# ---------------------------------------------------------------- the mistakes of a contributor


def _replace(path: str, old: str, new: str, count: int = 1):
    def edit(repo: Path) -> None:
        text = (repo / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        (repo / path).write_text(text.replace(old, new, count), encoding="utf-8")
    return edit


def _drop_line(path: str, starting: str):
    def edit(repo: Path) -> None:
        lines = (repo / path).read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(starting)]
        assert len(kept) == len(lines) - 1, (path, starting)
        (repo / path).write_text("".join(kept), encoding="utf-8")
    return edit


def _council_decision(document: str):
    """[council] decision in the note's document.toml, and the generated tables remade (make paragraphs)."""
    def edit(repo: Path) -> None:
        from mandate_notes.paragraphs import outputs

        toml = repo / "sources" / DOCUMENT / "document.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + f'\n[council]\ndecision = "{document}"\n', encoding="utf-8")
        for path, content in outputs(repo).items():
            path.write_text(content, encoding="utf-8")
    return edit


def _line_of(repo: Path, path: str, starting: str) -> int:
    return 1 + next(number for number, line in enumerate((repo / path).read_text(encoding="utf-8").splitlines())
                    if line.startswith(starting))


P = f"{DOCUMENT}-p"
# Each mistake of the new-contributor trial, and the first line the gate must print for it: the
# root cause, never a knock-on. {line} is the line the mistaken row stands on.
MISTAKES = {
    "a mistyped paragraph id": (
        _replace("data/statistics.csv", f"{DOCUMENT},{P}005,", f"{DOCUMENT},{P}050,"),
        "data/statistics.csv", f"{DOCUMENT}-stat-001",
        f"data/statistics.csv:{{line}}: paragraph_id: foreign key: no paragraphs.paragraph_id with this value: '{P}050'"),
    "a date written day first": (
        _replace("data/series_notes.csv", "2026-02-10", "10/02/2026"), "data/series_notes.csv", "zz-test-2026",
        "data/series_notes.csv:{line}: workshop_date: type date (YYYY-MM-DD, e.g. 2024-12-22): '10/02/2026'"),
    "a note not marked coded in series_notes": (
        _replace("data/series_notes.csv", f"full text,coded,{DOCUMENT},", "full text,not_coded,,"),
        "data/generated/documents.csv", DOCUMENT,
        "data/generated/documents.csv:{line}: document_id: note not listed in series_notes (its row there: "
        f"coding_status coded, this document_id): '{DOCUMENT}'"),
    "a quote with a straight apostrophe where the note has a curly one": (
        _replace("data/statistics.csv", "40 percent of the mission’s posts were vacant",
                 "40 percent of the mission's posts were vacant"),
        "data/statistics.csv", f"{DOCUMENT}-stat-001",
        "data/statistics.csv:{line}: quote: quote not found verbatim in its paragraph (differs at character 26: the "
        "text has '’' where the value has \"'\"): \"40 percent of the mission's posts were vacant\""),
    "the note's own alias for an actor another note names too, deleted": (
        _drop_line("data/actor_aliases.csv", f"un-security-council,Security Council,{DOCUMENT},"),
        "data/generated/paragraphs.csv", f"{P}002",
        "data/generated/paragraphs.csv:{line}: text: not coded (code it, or list it with a reason in the document's "
        f"coding/ exclusions): \"{P}002: name 'Security Council'\""),
    "an alias naming a later paragraph than the first it occurs in": (
        _replace("data/actor_aliases.csv", f"{MISSION},the mission,{DOCUMENT},{P}002", f"{MISSION},the mission,{DOCUMENT},{P}004"),
        "data/actor_aliases.csv", f"{MISSION},the mission,",
        f"data/actor_aliases.csv:{{line}}: paragraph_id: not the first paragraph where alias occurs ({P}002): '{P}004'"),
    "a statistic citing a footnote whose marker is in another paragraph": (
        _replace("data/statistics.csv", "exactly,2025,,,", f"exactly,2025,,,{DOCUMENT}-fn01-1"),
        "data/statistics.csv", f"{DOCUMENT}-stat-001",
        "data/statistics.csv:{line}: paragraph_id: its citation (citation_id) is of a footnote this paragraph neither "
        f"marks nor is: '{P}005'"),
    "a released row deleted without retiring its id": (
        _drop_line("data/events.csv", "ipi-2023-minusma-evt-001,"), None, None,
        f"data/events.csv:0: event_id: id of release {version()} deleted without a row in data/retired_ids.csv (add one "
        "saying what replaced it and why, or restore the row): 'ipi-2023-minusma-evt-001'"),
    "a decision adopted before the workshop": (
        _council_decision("s-res-2640-2022"), f"sources/{DOCUMENT}/document.toml", "date = ",
        f"sources/{DOCUMENT}/document.toml:{{line}}: [workshop] date: workshop_date after decision_id.adoption_date "
        "(2022-06-29): '2026-02-10'"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_of_a_new_contributor_is_named_first_at_its_root_cause(added, mistake):
    from mandate_notes.validate import run_gate

    edit, where, row, expected = MISTAKES[mistake]
    saved = {path: path.read_bytes() for path in [*(added / "data").rglob("*.csv"), *(added / "sources" / DOCUMENT).rglob("*")]
             if path.is_file()}
    try:
        edit(added)
        printed = run_gate(added).problems
        line = _line_of(added, where, row) if where else 0
        assert printed and printed[0] == expected.format(line=line), "\n".join(printed)
    finally:
        for path, content in saved.items():
            path.write_bytes(content)
    assert run_gate(added).problems == []
