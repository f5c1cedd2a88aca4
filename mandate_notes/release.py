"""Build dist/mandate-notes-X.Y.Z.zip, byte-identical on every run from the same commit.

The archive holds the CSVs, datapackage.json, the SQLite database, the codebook, CITATION.cff, the
licence, each table as Stata .dta, as typed Parquet and as JSON, and SHA256SUMS. Refuses a dirty tree, a version with
no dated CHANGELOG.md entry, a version that was not bumped although released files changed since
the commit that introduced it (that commit is what `make diff FROM=X.Y.Z` compares, so it must hold
exactly the released data), and a commit whose files do not pass the gate and frictionless: the files
checked are the files packed, the commit's own (`git archive HEAD`). No git tag is read or needed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from mandate_notes.paths import ROOT

from mandate_notes.archive import archive_name, archive_part
from mandate_notes.build import BuildError, build_database
from mandate_notes.cast import cast
from mandate_notes.csvio import Problem, parse_table, read_bounded
from mandate_notes.model import file_facts
from mandate_notes.partial_files import partial_path, remove_abandoned
from mandate_notes.paths import CODEBOOK, DATA_DIR, DATABASE_FILE, RELEASES
from mandate_notes.history import HistoryError, VersionHistory, git, is_repository, version_of
from mandate_notes.validate import run_gate
from mandate_notes.versions import ChangelogError, released

# What a version number stands for: a change to any of these needs a new version.
RELEASED_PATHS = ["data", "datapackage.json", "docs/generated/codebook.md", "CITATION.cff", "LICENSE"]
STATA_STRING_LIMIT = 2045  # bytes; longer text goes into a strL
STATA_LABEL_LIMIT = 80  # characters of a variable or data label


class ReleaseRefused(Exception):
    """The tree or the version is not in a state that may be released; the message says what to do."""


def current_version(root: Path) -> str:
    version = version_of((root / "pyproject.toml").read_bytes())
    if version is None:
        raise ReleaseRefused("pyproject.toml:0: project.version: missing: set the dataset version")
    return version


def preflight(root: Path) -> tuple[str, str]:
    """(version, release date) if this commit may be released; otherwise ReleaseRefused says why."""
    if not is_repository(root):
        raise ReleaseRefused(f"{root}: not a git repository: a release is made from a commit")
    dirty = git(root, "status", "--porcelain", "--untracked-files=all").stdout.decode("utf-8").splitlines()
    if dirty:
        listed = "; ".join(line.strip() for line in dirty[:5]) + ("; ..." if len(dirty) > 5 else "")
        raise ReleaseRefused(f"the working tree is dirty ({len(dirty)} path(s): {listed}): commit or remove the changes")
    version = current_version(root)
    try:
        releases = released(root / "CHANGELOG.md")
    except ChangelogError as error:
        raise ReleaseRefused(str(error)) from None
    # First the content: a version whose released files changed since it was set needs a new number,
    # whatever CHANGELOG.md says.
    introduced = VersionHistory(root).introducing_commit(version)
    if introduced is None:
        raise ReleaseRefused(f"pyproject.toml:0: version {version}: never committed: commit the version bump")
    changed = git(root, "diff", "--name-only", introduced, "HEAD", "--", *RELEASED_PATHS).stdout.decode().split()
    if changed:
        listed = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
        raise ReleaseRefused(
            f"version {version} was not bumped: it was set in commit {introduced[:7]} and released files "
            f"changed since ({listed}): raise the version in pyproject.toml (see the versioning policy in "
            f"README.md), add its CHANGELOG.md entry, run `make generate` and commit"
        )
    newest = releases[0] if releases else None
    if newest is None or newest.version != version:
        last = f"the last release is {newest.version}" if newest else "nothing has been released yet"
        raise ReleaseRefused(
            f"CHANGELOG.md:0: version {version}: no dated entry '## [{version}] - YYYY-MM-DD' at the top "
            f"({last}): move the Unreleased notes under a heading for {version}, then `make generate` and commit"
        )
    return version, newest.date


# ---------------------------------------------------------------- formats


def read_resource(root: Path, resource: dict) -> tuple[list[str], list[list[str]]]:
    """A table's header and rows, read by the package's one CSV reader."""
    problems: list[Problem] = []
    raw = read_bounded(root, resource["path"], problems)
    expected = [field["name"] for field in resource["schema"]["fields"]]
    table = None if raw is None else parse_table(resource["name"], resource["path"], raw, expected, 0, problems)
    if problems or table is None:
        raise BuildError(str(problems[0]) if problems else f"{resource['path']}: cannot be read")
    return expected, table.frame.values.tolist()


def to_json(resource: dict, header: list[str], rows: list[list[str]]) -> bytes:
    """Each row as a JSON object, cells through the conversion the build uses ('' is null)."""
    kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    records = [{name: cast(value, kinds[name]) for name, value in zip(header, row)} for row in rows]
    return (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _label(text: str) -> str:
    return text if len(text) <= STATA_LABEL_LIMIT else text[: STATA_LABEL_LIMIT - 3] + "..."


def to_stata(resource: dict, header: list[str], rows: list[list[str]], stamp: dt.datetime) -> bytes:
    """A Stata 14+ (format 118, UTF-8) file: integers and numbers numeric, booleans 0/1, dates %td."""
    import pandas as pd

    columns, dates, long_text = {}, {}, []
    for position, spec in enumerate(resource["schema"]["fields"]):
        name, kind = spec["name"], spec["type"]
        if name != header[position]:
            raise ValueError(f"{resource['path']}:1: {name}: header differs from the schema: {header[position]!r}")
        if len(name) > 32:
            raise ValueError(f"{resource['path']}:1: {name}: Stata names are at most 32 characters")
        values = [row[position] for row in rows]
        if kind in ("integer", "number", "boolean"):
            numbers = [cast(value, kind) for value in values]
            columns[name] = pd.array(numbers, dtype={"integer": "Int64", "number": "Float64", "boolean": "Int8"}[kind])
        elif kind == "date":
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object).replace("", None), format="%Y-%m-%d")
            dates[name] = "td"
        else:
            columns[name] = pd.Series(values, dtype=object)
            if any(len(value.encode("utf-8")) > STATA_STRING_LIMIT for value in values):
                long_text.append(name)
    frame = pd.DataFrame(columns)
    buffer = io.BytesIO()
    frame.to_stata(
        buffer,
        write_index=False,
        version=118,
        convert_dates=dates,
        convert_strl=long_text,
        time_stamp=stamp,
        data_label=_label(resource["title"]),
        variable_labels={f["name"]: _label(f["description"]) for f in resource["schema"]["fields"]},
    )
    return buffer.getvalue()


PARQUET_TYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool_", "date": "date32"}


def to_parquet(resource: dict, header: list[str], rows: list[list[str]]) -> bytes:
    """A Parquet file typed from the table model: each cell through the build's conversion, empty as
    null; the field descriptions as column metadata. No timestamp is written, so it is reproducible."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    fields, columns = [], []
    for position, spec in enumerate(resource["schema"]["fields"]):
        name, kind = spec["name"], spec["type"]
        if name != header[position]:
            raise ValueError(f"{resource['path']}:1: {name}: header differs from the schema: {header[position]!r}")
        values = [cast(row[position], kind) for row in rows]
        if kind == "date":
            values = [None if v is None else datetime.date.fromisoformat(v) for v in values]
        arrow_type = getattr(pa, PARQUET_TYPES[kind])()
        fields.append(pa.field(name, arrow_type, metadata={"description": spec.get("description", "")}))
        columns.append(pa.array(values, type=arrow_type))
    table = pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata={"title": resource.get("title", "")}))
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def released_descriptor(root: Path, package: dict) -> bytes:
    """The package's datapackage.json with each table's "bytes" and "hash", which only a release
    states: in the repository they would change with every edit of a row."""
    resources = []
    for resource in package["resources"]:
        facts = file_facts((root / resource["path"]).read_bytes())
        at = list(resource).index("encoding") + 1
        items = list(resource.items())
        resources.append(dict(items[:at] + list(facts.items()) + items[at:]))
    return (json.dumps({**package, "resources": resources}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def committed_tree(root: Path, target: Path) -> Path:
    """The files of HEAD, from git itself (`git archive`), never the working files: a change hidden
    from `git status` (assume-unchanged, skip-worktree) cannot reach a release."""
    archive = git(root, "archive", "--format=tar", "HEAD").stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def members(root: Path, released_on: str) -> dict[str, bytes]:
    """Every file of the archive by its path inside it (without the top folder), SHA256SUMS last."""
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    stamp = dt.datetime.fromisoformat(released_on)
    files: dict[str, bytes] = {
        "datapackage.json": released_descriptor(root, package),
        "codebook.md": (root / CODEBOOK.relative_to(ROOT)).read_bytes(),
        "CITATION.cff": (root / "CITATION.cff").read_bytes(),
        "LICENSE": (root / "LICENSE").read_bytes(),
    }
    for resource in package["resources"]:
        header, rows = read_resource(root, resource)
        files[resource["path"]] = (root / resource["path"]).read_bytes()
        files[f"json/{resource['name']}.json"] = to_json(resource, header, rows)
        files[f"stata/{resource['name']}.dta"] = to_stata(resource, header, rows, stamp)
        files[f"parquet/{resource['name']}.parquet"] = to_parquet(resource, header, rows)
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / DATABASE_FILE
        build_database(root / DATA_DIR, database)
        files[DATABASE_FILE] = database.read_bytes()
    sums = "".join(f"{hashlib.sha256(files[path]).hexdigest()}  {path}\n" for path in sorted(files))
    files["SHA256SUMS"] = sums.encode("ascii")
    undescribed = [path for path in sorted(files) if archive_part(path) is None]
    if undescribed:
        raise ValueError(f"archive.py: ARCHIVE_PARTS: no part describes {', '.join(undescribed)}: add one")
    return files


def write_zip(files: dict[str, bytes], target: Path, folder: str, released_on: str) -> None:
    """Sorted entries, one fixed timestamp (the release date), fixed permissions: the same bytes every run."""
    when = dt.date.fromisoformat(released_on)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    temporary = partial_path(target)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for path in sorted(files):
                info = zipfile.ZipInfo(f"{folder}/{path}", date_time=(when.year, when.month, when.day, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the permission bits below are read
                info.external_attr = 0o100644 << 16
                archive.writestr(info, files[path], compresslevel=9)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def packed_problems(tree: Path) -> list[str]:
    """What the gate and frictionless find in the files a release packs (the commit's, extracted)."""
    return run_gate(tree, frictionless=True).problems


def release(root: Path, dist: Path) -> Path:
    version, released_on = preflight(root)
    target = dist / archive_name(version)
    folder = target.stem
    with tempfile.TemporaryDirectory() as scratch:
        tree = committed_tree(root, Path(scratch))
        # The files checked are the files packed: validating the working tree let a bad commit through
        # behind an edit hidden from `git status` (skip-worktree).
        problems = packed_problems(tree)
        if problems:
            listed = "\n".join(problems[:20]) + (f"\n... and {len(problems) - 20} more" if len(problems) > 20 else "")
            raise ReleaseRefused(f"the commit does not pass validation ({len(problems)} problem(s)):\n{listed}")
        files = members(tree, released_on)
    write_zip(files, target, folder, released_on)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    target.with_name(target.name + ".sha256").write_text(f"{digest}  {target.name}\n", encoding="ascii")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only decide whether this commit may be released")
    parser.add_argument("--dist", type=Path, default=RELEASES, help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            version, released_on = preflight(ROOT)
            print(f"version {version} ({released_on}) may be released from this commit")
            return 0
        target = release(ROOT, args.dist)
    except (ReleaseRefused, HistoryError) as error:
        print(f"release refused: {error}", file=sys.stderr)
        return 1
    except (BuildError, OSError, ValueError, csv.Error, sqlite3.Error) as error:
        # Validation runs first in `make release`, so this is a broken build, not bad data.
        print(f"release failed, nothing written to {args.dist}: {error}", file=sys.stderr)
        return 1
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"released {shown}: {count} files, {target.stat().st_size} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
