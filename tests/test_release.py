"""make release: byte-identical archives, every table in every format, and refusals; always on a scratch clone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from mandate_notes.versions import parse_version, released
from mandate_notes.history import version_of
from tests.gitrepo import commit_all, git, init, script_env
from mandate_notes.model import csv_path

# Slow (`make check` leaves it out): makes release archives from a clone.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run_release(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """The release script of that repository, run as `make release` runs it."""
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "release.py"), *args], capture_output=True, text=True,
        env=script_env(repo),
    )


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Path:
    """A one-commit repository holding the current working tree, its version given a CHANGELOG entry if it lacks one."""
    repo = tmp_path_factory.mktemp("template") / "repo"
    init(repo)
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    version = version_of((repo / "pyproject.toml").read_bytes())
    if version not in [r.version for r in released(repo / "CHANGELOG.md")]:
        changelog = repo / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        changelog.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}] - 2099-01-01\n", 1))
        subprocess.run([sys.executable, str(repo / "scripts" / "generate.py")], capture_output=True, check=True,
                       env=script_env(repo))
    commit_all(repo, "release fixture")
    return repo


@pytest.fixture()
def clone(template, tmp_path) -> Path:
    target = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(template), str(target))
    return target


HIDDEN_CODE = "zz_hidden"
HIDDEN_ROW = f"{HIDDEN_CODE},Hidden,A row no commit holds.\n"


def hide_an_edit(repo: Path) -> None:
    """Add a row to a data file that `git status` does not show (`git update-index --assume-unchanged`)."""
    path = csv_path(repo / "data", "themes")
    git(repo, "update-index", "--assume-unchanged", path.relative_to(repo).as_posix())
    path.write_text(path.read_text(encoding="utf-8") + HIDDEN_ROW, encoding="utf-8")
    assert git(repo, "status", "--porcelain") == ""


@pytest.fixture(scope="session")
def archive(template, tmp_path_factory) -> dict:
    """`make release` twice in one clone and once in another whose working tree holds an edit hidden
    from `git status`: three releases of one commit (each costs the whole gate), each archive's bytes kept."""
    runs = []
    for name in ("a", "a", "b"):
        repo = tmp_path_factory.getbasetemp() / f"release-{name}"
        if not repo.exists():
            git(repo.parent, "clone", "--quiet", str(template), str(repo))
            if name == "b":
                hide_an_edit(repo)
        result = run_release(repo)
        assert result.returncode == 0, result.stderr
        [zip_path] = (repo / "dist").glob("*.zip")
        runs.append({"bytes": zip_path.read_bytes(), "stdout": result.stdout, "path": zip_path, "clone": repo})
    version = version_of((template / "pyproject.toml").read_bytes())
    return {"runs": runs, "version": version, "repo": template}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as handle:
        return {info.filename: handle.read(info) for info in handle.infolist()}


def test_two_releases_of_the_same_commit_are_byte_identical(archive):
    """In one clone twice, and in another (whose working tree holds an edit hidden from git)."""
    digests = [hashlib.sha256(run["bytes"]).hexdigest() for run in archive["runs"]]
    assert digests[0] == digests[1] == digests[2]
    assert archive["runs"][0]["path"].name == f"mandate-notes-{archive['version']}.zip"
    assert digests[0] in archive["runs"][1]["stdout"]
    sidecar = archive["runs"][1]["path"].with_name(archive["runs"][1]["path"].name + ".sha256")
    assert sidecar.read_text(encoding="ascii") == f"{digests[0]}  {archive['runs'][1]['path'].name}\n"


def test_the_archive_holds_every_table_in_every_format_with_fixed_timestamps(archive):
    folder = f"mandate-notes-{archive['version']}/"
    package = json.loads((archive["repo"] / "datapackage.json").read_text(encoding="utf-8"))
    expected = {"datapackage.json", "mandate_notes.db", "codebook.md", "CITATION.cff", "LICENSE", "SHA256SUMS"}
    for resource in package["resources"]:
        expected |= {resource["path"], f"stata/{resource['name']}.dta", f"json/{resource['name']}.json",
                     f"parquet/{resource['name']}.parquet"}
    with zipfile.ZipFile(io.BytesIO(archive["runs"][0]["bytes"])) as handle:
        infos = handle.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {name.removeprefix(folder) for name in names} == expected
    assert all(name.startswith(folder) for name in names)
    released_on = [r.date for r in released(archive["repo"] / "CHANGELOG.md") if r.version == archive["version"]][0]
    assert {info.date_time for info in infos} == {tuple(int(x) for x in released_on.split("-")) + (0, 0, 0)}


def test_the_released_descriptor_is_the_repositorys_plus_each_files_bytes_and_hash(archive):
    files = members(archive["runs"][0]["bytes"])
    folder = f"mandate-notes-{archive['version']}/"
    released = json.loads(files[folder + "datapackage.json"])
    committed = json.loads((archive["repo"] / "datapackage.json").read_text(encoding="utf-8"))
    for resource in released["resources"]:
        content = files[folder + resource["path"]]
        assert resource.pop("bytes") == len(content), resource["name"]
        assert resource.pop("hash") == f"sha256:{hashlib.sha256(content).hexdigest()}", resource["name"]
    assert released == committed
    assert all("hash" not in resource for resource in committed["resources"])


def test_sha256sums_lists_and_verifies_every_other_file(archive):
    files = members(archive["runs"][0]["bytes"])
    folder = f"mandate-notes-{archive['version']}/"
    listed = {}
    for line in files[folder + "SHA256SUMS"].decode("ascii").splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    assert set(listed) == {name.removeprefix(folder) for name in files} - {"SHA256SUMS"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[folder + path]).hexdigest() == digest, path
    for name in ("CITATION.cff", "LICENSE"):
        assert files[folder + name] == (archive["repo"] / name).read_bytes()
    assert files[folder + "codebook.md"] == (archive["repo"] / "docs" / "generated" / "codebook.md").read_bytes()


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def test_stata_json_and_sqlite_hold_the_same_rows_as_the_csvs(archive, tmp_path):
    files = members(archive["runs"][0]["bytes"])
    folder = f"mandate-notes-{archive['version']}/"
    package = json.loads(files[folder + "datapackage.json"])
    database = tmp_path / "copy.db"
    database.write_bytes(files[folder + "mandate_notes.db"])
    connection = sqlite3.connect(database)
    for resource in package["resources"]:
        name = resource["name"]
        header, rows = csv_rows(files[folder + resource["path"]])
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        records = json.loads(files[f"{folder}json/{name}.json"])
        stata = pd.read_stata(io.BytesIO(files[f"{folder}stata/{name}.dta"]), convert_categoricals=False)
        assert list(stata.columns) == header and len(stata) == len(rows) == len(records), name
        assert connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(rows), name
        for index, row in enumerate(rows):
            assert list(records[index]) == header, name
            # The row's values once (a Series per cell was most of this test's time).
            stata_row = stata.iloc[index]
            for column, cell in zip(header, row):
                value, dta = records[index][column], stata_row[column]
                where = f"{name}:{index + 2}:{column}"
                if cell == "":
                    assert value is None, where
                    assert (dta == "") if kinds[column] == "string" else pd.isna(dta), where
                elif kinds[column] == "boolean":
                    assert value is (cell == "true") and dta == (cell == "true"), where
                elif kinds[column] in ("integer", "number"):
                    assert value == float(cell) and math.isclose(dta, float(cell)), where
                elif kinds[column] == "date":
                    assert value == cell and dta.strftime("%Y-%m-%d") == cell, where
                else:
                    assert value == cell and dta == cell, where


def test_duckdb_reads_every_parquet_file_typed_with_the_same_rows_as_the_csvs(archive, tmp_path):
    import datetime

    import duckdb

    files = members(archive["runs"][0]["bytes"])
    folder = f"mandate-notes-{archive['version']}/"
    package = json.loads(files[folder + "datapackage.json"])
    duck = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
    connection = duckdb.connect()
    for resource in package["resources"]:
        name = resource["name"]
        path = tmp_path / f"{name}.parquet"
        path.write_bytes(files[f"{folder}parquet/{name}.parquet"])
        header, rows = csv_rows(files[folder + resource["path"]])
        relation = connection.sql(f"SELECT * FROM read_parquet('{path}')")
        assert relation.columns == header, name
        kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        assert [str(t) for t in relation.types] == [duck[kinds[c]] for c in header], name
        found = relation.fetchall()
        assert len(found) == len(rows), name
        for index, (row, values) in enumerate(zip(rows, found)):
            for column, cell, value in zip(header, row, values):
                where = f"{name}:{index + 2}:{column}"
                if cell == "":
                    assert value is None, where
                elif kinds[column] == "boolean":
                    assert value is (cell == "true"), where
                elif kinds[column] in ("integer", "number"):
                    assert value == float(cell), where
                elif kinds[column] == "date":
                    assert value == datetime.date.fromisoformat(cell), where
                else:
                    assert value == cell, where


def test_the_readme_pandas_example_loads_the_archive(archive, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"### pandas\n\n```python\n(.*?)```", readme, re.S).group(1)
    with zipfile.ZipFile(io.BytesIO(archive["runs"][0]["bytes"])) as handle:
        handle.extractall(tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(example.replace("X.Y.Z", archive["version"]), namespace)
    header, rows = csv_rows((csv_path(archive["repo"] / "data", "recommendations")).read_bytes())
    assert list(namespace["recommendations"].columns) == header
    assert namespace["recommendations"].values.tolist() == rows


def test_release_refuses_a_dirty_tree(clone):
    (csv_path(clone / "data", "themes")).write_text("code,label,definition\n", encoding="utf-8")
    result = run_release(clone)
    assert result.returncode == 1
    assert "working tree is dirty" in result.stderr and "data/themes.csv" in result.stderr
    assert not (clone / "dist").exists()
    git(clone, "checkout", "--", "data/themes.csv")
    (clone / "notes.txt").write_text("untracked\n", encoding="utf-8")
    result = run_release(clone, "--check")
    assert result.returncode == 1 and "notes.txt" in result.stderr


def test_release_refuses_released_files_changed_without_a_version_bump(clone):
    (clone / "README.md").write_text("# changed prose only\n", encoding="utf-8")
    commit_all(clone, "prose changes need no new version")
    assert run_release(clone, "--check").returncode == 0
    license_file = clone / "LICENSE"
    license_file.write_text(license_file.read_text(encoding="utf-8") + "\nAmended.\n", encoding="utf-8")
    commit_all(clone, "a released file changes, the version does not")
    result = run_release(clone)
    assert result.returncode == 1
    assert "was not bumped" in result.stderr and "LICENSE" in result.stderr
    assert not (clone / "dist").exists()


def test_release_refuses_a_bump_without_changelog_entry_and_accepts_it_with_one(clone):
    pyproject = clone / "pyproject.toml"
    version = version_of(pyproject.read_bytes())
    major, minor, _ = parse_version(version)
    bumped = f"{major}.{minor + 1}.0"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(f'version = "{version}"', f'version = "{bumped}"'))
    (clone / "LICENSE").write_text((clone / "LICENSE").read_text(encoding="utf-8") + "\nAmended.\n")
    commit_all(clone, f"bump to {bumped}, no changelog entry")
    result = run_release(clone, "--check")
    assert result.returncode == 1
    assert f"no dated entry '## [{bumped}] - YYYY-MM-DD'" in result.stderr
    changelog = clone / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n## [{bumped}] - 2099-12-31\n", 1))
    commit_all(clone, f"release {bumped}")
    result = run_release(clone, "--check")
    assert result.returncode == 0, result.stderr
    assert f"version {bumped} (2099-12-31) may be released" in result.stdout


def test_release_refuses_a_version_older_than_the_last_release(clone):
    pyproject = clone / "pyproject.toml"
    version = version_of(pyproject.read_bytes())
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(f'version = "{version}"', 'version = "0.0.1"'))
    commit_all(clone, "version goes backwards")
    result = run_release(clone, "--check")
    assert result.returncode == 1
    assert f"the last release is {version}" in result.stderr


def test_a_change_hidden_from_git_status_never_reaches_the_release(archive):
    """`git update-index --assume-unchanged` hides an edit from `git status`; the release is made
    from the commit (git archive), so the archive is the committed one, byte for byte (the third
    release of the archive fixture is made beside such an edit)."""
    assert HIDDEN_ROW in csv_path(archive["runs"][2]["clone"] / "data", "themes").read_text(encoding="utf-8")
    assert archive["runs"][2]["bytes"] == archive["runs"][0]["bytes"]
    assert all(HIDDEN_CODE.encode() not in content for content in members(archive["runs"][2]["bytes"]).values())


def test_the_release_validates_the_files_it_packs_not_the_working_files(clone):
    """A bad date committed, then fixed only in a working file hidden from `git status` with
    skip-worktree, was released (and its database made /at-a-glance answer 500): the release checks
    the commit's files, the ones it packs."""
    pyproject = clone / "pyproject.toml"
    version = version_of(pyproject.read_bytes())
    major, minor, _ = parse_version(version)
    bumped = f"{major}.{minor + 1}.0"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(f'version = "{version}"', f'version = "{bumped}"'))
    changelog = clone / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(
        "## [Unreleased]\n", f"## [Unreleased]\n\n## [{bumped}] - 2099-12-31\n", 1))
    path = csv_path(clone / "data", "events")
    good = path.read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(good, newline="")))
    rows[0][header.index("date")] = "2023-02-30"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    subprocess.run([sys.executable, str(clone / "scripts" / "generate.py")], capture_output=True, check=True,
                   env=script_env(clone))
    commit_all(clone, f"release {bumped} with a bad date")
    path.write_text(good, encoding="utf-8")
    git(clone, "update-index", "--skip-worktree", path.relative_to(clone).as_posix())
    assert git(clone, "status", "--porcelain") == ""
    result = run_release(clone)
    assert result.returncode == 1
    assert "release refused: the commit does not pass validation" in result.stderr
    assert "data/events.csv:2: date" in result.stderr and "2023-02-30" in result.stderr
    assert not (clone / "dist").exists()
