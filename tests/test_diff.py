"""make diff: row-level changes between versions or refs, resolved from history without tags."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mandate_notes.diff import Snapshot, compare, row_id
from mandate_notes.diff import main as diff_main
from mandate_notes.history import VersionHistory, read_at, resolve, version_of
from tests.gitrepo import GIT_ENV, commit_all, git, init, write

# Slow (`make check` leaves it out): makes git repositories and compares versions.
pytestmark = pytest.mark.slow

DIFF = Path(__file__).resolve().parents[1] / "scripts" / "diff.py"

DESCRIPTOR = {
    "name": "fixture",
    "resources": [
        {"name": "items", "path": "data/items.csv", "schema": {"primaryKey": ["item_id"]}},
        {"name": "pairs", "path": "data/pairs.csv", "schema": {"primaryKey": ["left", "right"]}},
        {"name": "retired_ids", "path": "data/retired_ids.csv", "schema": {"primaryKey": ["retired_id"]}},
    ],
}
RETIRED_HEADER = "retired_id,table_name,replaced_by,retired_in_version,reason\n"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def pyproject(version: str) -> str:
    return f'[project]\nname = "fixture"\nversion = "{version}"\n'


@pytest.fixture()
def repo(tmp_path) -> dict:
    """Three commits: 1.0.0; 1.1.0 (one row added, one changed, one retired); a later change, not bumped."""
    path = tmp_path / "repo"
    init(path)
    write(path, {
        "pyproject.toml": pyproject("1.0.0"),
        "datapackage.json": json.dumps(DESCRIPTOR),
        "data/items.csv": "item_id,label,count\ni1,One,1\ni2,Two,2\ni3,Three,3\n",
        "data/pairs.csv": "left,right,note\na,b,first\n",
        "data/retired_ids.csv": RETIRED_HEADER,
    })
    first = commit_all(path, "1.0.0")
    write(path, {
        "pyproject.toml": pyproject("1.1.0"),
        "data/items.csv": 'item_id,label,count\ni1,One,1\ni2,"Two, corrected",2\ni4,Four,4\n',
        "data/pairs.csv": 'left,right,note\na,b,first\np q,r,"line one\nline two"\n',
        "data/retired_ids.csv": RETIRED_HEADER + "i3,items,i1,1.1.0,duplicate of i1\n",
    })
    second = commit_all(path, "1.1.0")
    write(path, {"data/items.csv": 'item_id,label,count\ni1,One,10\ni2,"Two, corrected",2\ni4,Four,4\n'})
    third = commit_all(path, "count of i1 corrected, version not bumped")
    return {"path": path, "1.0.0": first, "1.1.0": second, "later": third}


def run_diff(repo: Path, tmp_path: Path, *args: str, process: bool = False) -> tuple[Result, list[tuple], str]:
    """Run scripts/diff.py (in this process, or as `make diff` does); return the result, CSV rows and Markdown."""
    markdown, table = tmp_path / "report.md", tmp_path / "report.csv"
    argv = ["--root", str(repo), "--markdown", str(markdown), "--csv", str(table), *args]
    if process:
        done = subprocess.run([sys.executable, str(DIFF), *argv], capture_output=True, text=True, env=GIT_ENV)
        result = Result(done.returncode, done.stdout, done.stderr)
    else:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = diff_main(argv)
        result = Result(code, out.getvalue(), err.getvalue())
    if result.returncode != 0:
        return result, [], ""
    with open(table, encoding="utf-8", newline="") as handle:
        rows = [tuple(row) for row in csv.reader(handle)]
    assert rows[0] == ("table", "change", "row_id", "column", "old_value", "new_value", "replaced_by", "reason")
    return result, rows[1:], markdown.read_text(encoding="utf-8")


def test_a_version_resolves_to_the_commit_that_introduced_it_without_any_tag(repo):
    assert git(repo["path"], "tag") == ""
    assert resolve(repo["path"], "1.0.0").commit == repo["1.0.0"]
    # The later commit still says 1.1.0; the version stands for the commit that set it.
    assert resolve(repo["path"], "1.1.0").commit == repo["1.1.0"]
    assert resolve(repo["path"], "v1.1.0").commit == repo["1.1.0"]
    assert resolve(repo["path"], "HEAD").commit == repo["later"]
    assert resolve(repo["path"], "").commit is None


def test_diff_between_two_versions_lists_added_removed_and_changed_rows(repo, tmp_path):
    result, rows, markdown = run_diff(repo["path"], tmp_path, "--from", "1.0.0", "--to", "1.1.0", process=True)
    assert result.returncode == 0, result.stderr
    assert sorted(rows) == sorted([
        ("items", "added", "i4", "", "", "", "", ""),
        ("items", "removed", "i3", "", "", "", "i1", "duplicate of i1"),
        ("items", "changed", "i2", "label", "Two", "Two, corrected", "", ""),
        ("pairs", "added", "p+q,r", "", "", "", "", ""),
        ("retired_ids", "added", "i3", "", "", "", "", ""),
    ])
    assert "# Changes from 1.0.0 (" in markdown and "to 1.1.0 (" in markdown
    assert "| `i3` | `i1` | duplicate of i1 |" in markdown
    assert "| `i2` | `label` | Two | Two, corrected |" in markdown
    assert "Added (1): `p+q,r`." in markdown
    assert result.stdout == markdown


def test_the_working_tree_is_a_valid_to_and_the_default(repo, tmp_path):
    write(repo["path"], {"data/items.csv": 'item_id,label,count\ni1,One,10\ni2,"Two, corrected",2\ni4,Four!,4\n'})
    result, rows, markdown = run_diff(repo["path"], tmp_path, "--from", "1.1.0")
    assert result.returncode == 0, result.stderr
    assert sorted(rows) == [
        ("items", "changed", "i1", "count", "1", "10", "", ""),
        ("items", "changed", "i4", "label", "Four", "Four!", "", ""),
    ]
    assert "to working tree" in markdown


def test_git_refs_give_the_same_report_as_the_versions_they_hold(repo, tmp_path):
    _, by_version, _ = run_diff(repo["path"], tmp_path, "--from", "1.0.0", "--to", "1.1.0")
    _, by_ref, _ = run_diff(repo["path"], tmp_path, "--from", "HEAD~2", "--to", repo["1.1.0"])
    assert by_ref == by_version != []


def test_a_version_compared_with_itself_has_no_differences(repo, tmp_path):
    result, rows, markdown = run_diff(repo["path"], tmp_path, "--from", "1.1.0", "--to", "1.1.0")
    assert result.returncode == 0 and rows == []
    assert "No table differs (3 compared)." in markdown


def test_a_removed_id_missing_from_retired_ids_is_flagged(repo, tmp_path):
    write(repo["path"], {"data/pairs.csv": 'left,right,note\np q,r,"line one\nline two"\n'})
    _, rows, markdown = run_diff(repo["path"], tmp_path, "--from", "HEAD", "--to", "worktree")
    assert rows == [("pairs", "removed", "a,b", "", "", "", "", "")]
    assert "| `a,b` | — | not recorded in retired_ids |" in markdown


def test_a_table_new_in_the_working_tree_has_all_its_rows_added(repo, tmp_path):
    write(repo["path"], {"data/extra.csv": "extra_id,value\nx1,1\nx2,2\n"})
    _, rows, markdown = run_diff(repo["path"], tmp_path, "--from", "HEAD")
    assert rows == [
        ("extra", "table_added", "", "", "", "", "", ""),
        ("extra", "added", "x1", "", "", "", "", ""),
        ("extra", "added", "x2", "", "", "", "", ""),
    ]
    assert "`extra` (new table)" in markdown


def test_an_unknown_version_fails_and_names_the_versions_found(repo, tmp_path):
    result, _, _ = run_diff(repo["path"], tmp_path, "--from", "2.0.0")
    assert result.returncode == 2
    assert "version 2.0.0 was never set" in result.stderr and "1.0.0, 1.1.0" in result.stderr
    result, _, _ = run_diff(repo["path"], tmp_path, "--from", "no-such-branch")
    assert result.returncode == 2 and "neither a version" in result.stderr


# ---------------------------------------------------------------- the repository's own history


def read_csv(raw: bytes | None) -> tuple[list[str], list[dict]]:
    if raw is None:
        return [], []
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def test_the_version_in_pyproject_resolves_in_this_repository(root):
    # The committed version: the working tree may hold a bump not yet committed.
    current = version_of(read_at(root, "HEAD", "pyproject.toml"))
    commit = VersionHistory(root).introducing_commit(current)
    assert commit is not None, "a shallow clone lacks the commit that set the version"
    assert version_of(read_at(root, commit, "pyproject.toml")) == current
    parents = git(root, "rev-list", "--parents", "-n", "1", commit).split()[1:]
    assert all(version_of(read_at(root, parent, "pyproject.toml")) != current for parent in parents)


def test_diff_over_this_repository_history_agrees_with_the_csvs(root):
    """From the first commit to the working tree, every reported row is checked against the raw CSVs."""
    first = git(root, "rev-list", "--max-parents=0", "HEAD").split()[-1]
    old, new = resolve(root, first), resolve(root, "")
    earlier = Snapshot(root, old)
    diffs = {d.name: d for d in compare(earlier, Snapshot(root, new))}
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        key = resource["schema"]["primaryKey"]
        # A table is followed by its name when its file moved (data/ to data/generated/).
        old_path = earlier.paths.get(resource["name"])
        old_header, old_rows = read_csv(read_at(root, first, old_path) if old_path else None)
        _, new_rows = read_csv(read_at(root, None, resource["path"]))
        if not old_header:
            assert diffs[resource["name"]].status == "added"
            continue
        before = {row_id([r[k] for k in key]): r for r in old_rows}
        after = {row_id([r[k] for k in key]): r for r in new_rows}
        d = diffs[resource["name"]]
        assert d.added == sorted(after.keys() - before.keys()), resource["name"]
        assert [r for r, *_ in d.removed] == sorted(before.keys() - after.keys()), resource["name"]
        expected = sorted(
            (rid, column, before[rid][column], after[rid][column])
            for rid in before.keys() & after.keys()
            for column in after[rid]
            if column in before[rid] and before[rid][column] != after[rid][column]
        )
        assert sorted(d.changed) == expected, resource["name"]
    # The history has real changes: the paragraphs re-split after the first commit, and any coding since.
    assert any(not d.is_empty for d in diffs.values())
