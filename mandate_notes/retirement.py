"""Ids are cited, so none is lost: every id of the last release that the data no longer hold has its
row in data/retired_ids.csv, and no retired id is in use again.

The last release is the newest version with a dated entry in CHANGELOG.md; its ids are read from the
commit that set that version in pyproject.toml (the content a version stands for), in one `git
cat-file --batch` per question. A package without that history (a copy, an unpacked archive) is
checked for reuse only.
"""

from __future__ import annotations

import csv
import io
import subprocess
import tomllib
from pathlib import Path

from mandate_notes.csvio import Problem, Table
from mandate_notes.model import table_file
from mandate_notes.versions import ChangelogError, releases
from schemas.classes import Table as Spec
from schemas.definitions import CONTENT_TABLES

RETIRED = "retired_ids"


def id_tables() -> list[Spec]:
    """The hand-edited tables whose rows are named by one id column (the ids a reader cites)."""
    return [spec for spec in CONTENT_TABLES
            if not spec.generated and len(spec.primary_key) == 1 and spec.name != RETIRED]


def _git(root: Path, *args: str, given: str | None = None) -> bytes | None:
    result = subprocess.run(["git", "-C", str(root), *args], input=None if given is None else given.encode(),
                            capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _files_at(root: Path, names: list[str]) -> list[bytes | None]:
    """Each `commit:path` asked for, as git holds it (None where it does not), in one git process."""
    output = _git(root, "cat-file", "--batch", given="".join(f"{name}\n" for name in names))
    if output is None:
        return [None] * len(names)
    found, at = [], 0
    for _ in names:
        end = output.index(b"\n", at)
        header = output[at:end].split()
        if header[-1] == b"missing":
            found.append(None)
            at = end + 1
            continue
        size = int(header[-1])
        found.append(output[end + 1:end + 1 + size])
        at = end + 1 + size + 1
    return found


def _version_of(pyproject: bytes | None) -> str | None:
    try:
        return tomllib.loads(pyproject.decode("utf-8"))["project"]["version"] if pyproject else None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError):
        return None


def released_ids(root: Path) -> tuple[str, dict[str, set[str]]] | None:
    """(the last released version, its ids by table), or None when root has no such history."""
    changelog = root / "CHANGELOG.md"
    try:
        done = releases(changelog.read_text(encoding="utf-8")) if changelog.is_file() else []
    except ChangelogError:
        return None  # the gate names the changelog's own problem
    log = _git(root, "log", "--reverse", "--format=%H", "--", "pyproject.toml") if done else None
    if not log:
        return None
    version, commits = done[0].version, log.decode("ascii").split()
    versions = _files_at(root, [f"{commit}:pyproject.toml" for commit in commits])
    commit = next((commit for commit, text in zip(commits, versions) if _version_of(text) == version), None)
    if commit is None:
        return None
    specs = id_tables()
    ids = {}
    for spec, content in zip(specs, _files_at(root, [f"{commit}:{table_file(spec.name)}" for spec in specs])):
        if content is not None:
            rows = csv.DictReader(io.StringIO(content.decode("utf-8")))
            ids[spec.name] = {row.get(spec.primary_key[0], "") for row in rows} - {""}
    return version, ids


def retirement_problems(root: Path, tables: dict[str, Table]) -> list[Problem]:
    """Ids of the last release missing from their table and from retired_ids; retired ids in use."""
    retired_table = tables.get(RETIRED)
    if retired_table is None:
        return []
    retired = {(table, rid) for table, rid in zip(retired_table.frame["table_name"].tolist(),
                                                  retired_table.frame["retired_id"].tolist())}
    problems = []
    for spec in id_tables():
        table = tables.get(spec.name)
        if table is None:
            continue
        key = spec.primary_key[0]
        for index, value in zip(table.frame.index, table.frame[key].tolist()):
            if (spec.name, value) in retired:
                problems.append(Problem(table.file, table.line(index), key,
                                        "retired id in use again (ids are never reused: give the row a new id)", value))
    released = released_ids(root)
    if released is None:
        return problems
    version, ids = released
    for spec in id_tables():
        table = tables.get(spec.name)
        if table is None:
            continue
        gone = ids.get(spec.name, set()) - set(table.frame[spec.primary_key[0]].tolist())
        for value in sorted(gone - {rid for name, rid in retired if name == spec.name}):
            problems.append(Problem(table_file(spec.name), 0, spec.primary_key[0],
                                    f"id of release {version} deleted without a row in {table_file(RETIRED)} "
                                    "(add one saying what replaced it and why, or restore the row)", value))
    return problems
