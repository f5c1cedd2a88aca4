"""Row-level report of what changed between two versions of the package, table by table.

FROM and TO are each a version number (resolved to the commit that introduced it in pyproject.toml,
so no tag is needed), any git ref, or the working tree (TO left empty, or 'worktree'). For every table:
ids added, ids removed (with the replacement recorded in retired_ids), and ids changed (column, old
value, new value). Writes Markdown for people and CSV for machines, and prints the Markdown.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mandate_notes.paths import ROOT

from datasette.utils import tilde_encode

from mandate_notes.csvio import read_rows
from mandate_notes.history import HistoryError, Ref, files_at, read_at, resolve

CSV_COLUMNS = ["table", "change", "row_id", "column", "old_value", "new_value", "replaced_by", "reason"]
RETIRED = "retired_ids"


class DiffError(Exception):
    """A side of the comparison that cannot be read; the message names ref, file and rule."""


def row_id(values: list[str]) -> str:
    """The row's id as in its Datasette address: key values tilde-encoded, joined by commas.

    >>> row_id(["ipi-2023-minusma-rec-001"]), row_id(["wagner", "Wagner Group"])
    ('ipi-2023-minusma-rec-001', 'wagner,Wagner+Group')
    """
    return ",".join(tilde_encode(value) for value in values)


@dataclass
class Table:
    name: str
    header: list[str]
    key: list[str]
    rows: dict[str, dict[str, str]]


class Snapshot:
    """The package's tables at one ref: resources from its datapackage.json, plus any data/*.csv."""

    def __init__(self, root: Path, ref: Ref):
        self.root, self.ref = root, ref
        raw = read_at(root, ref.commit, "datapackage.json")
        try:
            self.descriptor = json.loads(raw) if raw is not None else None
        except json.JSONDecodeError as error:
            raise DiffError(f"{ref.label}: datapackage.json:{error.lineno}: -: invalid JSON: {error.msg}") from None
        self.paths: dict[str, str] = {}
        self.keys: dict[str, list[str]] = {}
        for resource in (self.descriptor or {}).get("resources", []):
            self.paths[resource["name"]] = resource["path"]
            self.keys[resource["name"]] = list(resource.get("schema", {}).get("primaryKey", []))
        for path in files_at(root, ref.commit, "data"):
            if path.endswith(".csv"):
                self.paths.setdefault(Path(path).stem, path)

    def read(self, name: str, key: list[str]) -> Table | None:
        path = self.paths.get(name)
        raw = read_at(self.root, self.ref.commit, path) if path else None
        if raw is None:
            return None
        try:
            header, records = read_rows(path, raw)
        except ValueError as error:
            raise DiffError(f"{self.ref.label}: {error}") from None
        if not key or any(column not in header for column in key):
            # No descriptor names a usable key (e.g. a commit older than datapackage.json): every
            # table's first column is its id or the first part of its key.
            key = header[:1]
        positions = [header.index(column) for column in key]
        rows = {}
        for record in records:
            rows[row_id([record[i] for i in positions])] = dict(zip(header, record))
        return Table(name, header, key, rows)


@dataclass
class TableDiff:
    name: str
    status: str  # "added", "removed" or "kept"
    key: list[str]
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.status == "kept" and not (
            self.columns_added or self.columns_removed or self.added or self.removed or self.changed
        )

    @property
    def changed_rows(self) -> int:
        return len({row for row, *_ in self.changed})


def retirements(table: Table | None) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, retired id) -> (replaced_by, reason), from a retired_ids table."""
    if table is None:
        return {}
    return {
        (row.get("table_name", ""), row.get("retired_id", "")): (row.get("replaced_by", ""), row.get("reason", ""))
        for row in table.rows.values()
    }


def compare(old: Snapshot, new: Snapshot) -> list[TableDiff]:
    """Every table of either side, in the newer side's order, with its row-level differences."""
    names = list(new.paths) + [name for name in old.paths if name not in new.paths]
    if not names:
        raise DiffError(f"{new.ref.label}: datapackage.json:0: -: no tables found at either side")
    retired_key = new.keys.get(RETIRED) or old.keys.get(RETIRED) or ["retired_id"]
    replaced = retirements(new.read(RETIRED, retired_key))
    result = []
    for name in names:
        # The newer side's primary key decides which rows are "the same row".
        key = new.keys.get(name) or old.keys.get(name) or []
        before, after = old.read(name, key), new.read(name, key)
        if before is None and after is None:
            continue
        if before is None:
            result.append(TableDiff(name, "added", after.key, columns_added=after.header, added=sorted(after.rows)))
            continue
        if after is None:
            removed = [(rid, *replaced.get((name, rid), ("", ""))) for rid in sorted(before.rows)]
            result.append(TableDiff(name, "removed", before.key, columns_removed=before.header, removed=removed))
            continue
        diff = TableDiff(
            name,
            "kept",
            after.key,
            columns_added=[c for c in after.header if c not in before.header],
            columns_removed=[c for c in before.header if c not in after.header],
        )
        diff.added = sorted(set(after.rows) - set(before.rows))
        diff.removed = [(rid, *replaced.get((name, rid), ("", ""))) for rid in sorted(set(before.rows) - set(after.rows))]
        shared = [c for c in after.header if c in before.header]
        for rid in sorted(set(before.rows) & set(after.rows)):
            for column in shared:
                if before.rows[rid][column] != after.rows[rid][column]:
                    diff.changed.append((rid, column, before.rows[rid][column], after.rows[rid][column]))
        result.append(diff)
    return result


def _md(text: str) -> str:
    """A value inside a Markdown table cell: pipes escaped, line breaks shown as ⏎."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "⏎").replace("\n", "⏎") or "*(empty)*"


def render_markdown(diffs: list[TableDiff], old: Ref, new: Ref) -> str:
    changed = [d for d in diffs if not d.is_empty]
    lines = [f"# Changes from {old.label} to {new.label}", ""]
    if not changed:
        return "\n".join(lines + [f"No table differs ({len(diffs)} compared).", ""])
    lines += ["| table | rows added | rows removed | rows changed | columns added | columns removed |", "|---|---|---|---|---|---|"]
    for d in changed:
        note = {"added": " (new table)", "removed": " (table removed)"}.get(d.status, "")
        columns_added = len(d.columns_added) if d.status == "kept" else ""
        columns_removed = len(d.columns_removed) if d.status == "kept" else ""
        lines.append(
            f"| `{d.name}`{note} | {len(d.added)} | {len(d.removed)} | {d.changed_rows} | {columns_added} | {columns_removed} |"
        )
    lines += ["", f"{len(diffs) - len(changed)} other table(s) unchanged. Row ids are the primary key, as in Datasette row addresses.", ""]
    for d in changed:
        lines += [f"## `{d.name}`", ""]
        if d.status == "kept" and d.columns_added:
            lines += ["Columns added: " + ", ".join(f"`{c}`" for c in d.columns_added) + ".", ""]
        if d.status == "kept" and d.columns_removed:
            lines += ["Columns removed: " + ", ".join(f"`{c}`" for c in d.columns_removed) + ".", ""]
        if d.added:
            lines += [f"Added ({len(d.added)}): " + ", ".join(f"`{rid}`" for rid in d.added) + ".", ""]
        if d.removed:
            lines += [f"Removed ({len(d.removed)}):", "", "| row id | replaced by | reason |", "|---|---|---|"]
            for rid, by, reason in d.removed:
                by_cell = f"`{by}`" if by else "—"
                lines.append(f"| `{rid}` | {by_cell} | {_md(reason) if reason else 'not recorded in retired_ids'} |")
            lines.append("")
        if d.changed:
            lines += [f"Changed ({d.changed_rows} row{'' if d.changed_rows == 1 else 's'}):", "", "| row id | column | old value | new value |", "|---|---|---|---|"]
            for rid, column, before, after in d.changed:
                lines.append(f"| `{rid}` | `{column}` | {_md(before)} | {_md(after)} |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_csv(diffs: list[TableDiff]) -> str:
    """One line per added or removed row, per changed cell, per added or removed column or table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in diffs:
        if d.status != "kept":
            writer.writerow([d.name, f"table_{d.status}", "", "", "", "", "", ""])
        else:
            for column in d.columns_added:
                writer.writerow([d.name, "column_added", "", column, "", "", "", ""])
            for column in d.columns_removed:
                writer.writerow([d.name, "column_removed", "", column, "", "", "", ""])
        for rid in d.added:
            writer.writerow([d.name, "added", rid, "", "", "", "", ""])
        for rid, by, reason in d.removed:
            writer.writerow([d.name, "removed", rid, "", "", "", by, reason])
        for rid, column, before, after in d.changed:
            writer.writerow([d.name, "changed", rid, column, before, after, "", ""])
    return buffer.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "ref"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="old", required=True, help="version (X.Y.Z) or git ref to compare from")
    parser.add_argument("--to", dest="new", default="", help="version or git ref to compare to (default: the working tree)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--markdown", type=Path, help="Markdown report (default: build/diff/FROM..TO.md)")
    parser.add_argument("--csv", type=Path, help="CSV report (default: build/diff/FROM..TO.csv)")
    parser.add_argument("-q", "--quiet", action="store_true", help="write the reports without printing the Markdown")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not args.old.strip():
        print("diff failed: FROM is required: a version (X.Y.Z) or a git ref, e.g. make diff FROM=0.1.0", file=sys.stderr)
        return 2
    try:
        old, new = resolve(root, args.old), resolve(root, args.new)
        diffs = compare(Snapshot(root, old), Snapshot(root, new))
    except (HistoryError, DiffError, csv.Error) as error:
        print(f"diff failed: {error}", file=sys.stderr)
        return 2
    stem = f"{_slug(old.spec)}..{_slug(new.spec)}"
    markdown_path = args.markdown or root / "build" / "diff" / f"{stem}.md"
    csv_path = args.csv or root / "build" / "diff" / f"{stem}.csv"
    markdown = render_markdown(diffs, old, new)
    for path, content in ((markdown_path, markdown), (csv_path, render_csv(diffs))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="")
    if not args.quiet:
        print(markdown, end="")
    print(f"wrote {markdown_path} and {csv_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
