"""The gate: everything that decides whether the data are right, in one run.

Prints the data problems first (data/FILE.csv:LINE: column: rule: value: file rules, schemas,
cross-table rules), then the rest: source hashes, generated files out of date, coverage of the
sources by the coding, the adjudication record, and (with --frictionless, when all else passes) the
independent frictionless check. Exit 1 if anything is found.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mandate_notes.paths import ROOT


def frictionless_problems(root: Path) -> list:
    """Run frictionless on the package and translate its errors into our one-line form."""
    from frictionless import Package, system

    from mandate_notes.csvio import Problem

    problems = []
    with system.use_context(trusted=True):
        report = Package(str(root / "datapackage.json")).validate()
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None) or 0
            column = getattr(error, "field_name", None) or "-"
            value = getattr(error, "cell", None) or ""
            problems.append(Problem(task.place, line, column, f"frictionless {error.type}", str(value)))
    for error in report.errors:
        problems.append(Problem("datapackage.json", 0, "-", f"frictionless {error.type}", error.message))
    return problems


STALE_FROM_SOURCES = "stale (made from sources/*/): run `make paragraphs`"


def generated_problems(root: Path, agreement_report: str | None, tables_valid: bool = True,
                       tables: bool = True) -> list[str]:
    """Generated files that differ from what their inputs give (none is ever edited by hand).

    The generated tables are checked against the document folders of root's sources/; a package
    without sources/ (a scaled benchmark package, an unpacked release) has nothing to check them
    against. The documentation and metadata files are the checkout's own; they are made from the
    tables (the code lists' labels and ranks), so they are compared only once the tables are valid.
    Without tables, the generated tables are not compared.
    """
    from mandate_notes import agreement, generate, paragraphs

    problems = []
    if tables and (root / "sources").is_dir():
        problems += [f"{path.relative_to(root)}:0: -: {STALE_FROM_SOURCES}" for path in paragraphs.stale(root)]
    if root == ROOT and tables_valid:
        problems += [f"{path.relative_to(root)}:0: -: stale: run `make generate`" for path in generate.stale_files()]
        # None while the tables have problems: the report is remade once they are mended.
        if agreement_report is not None and (
                not agreement.REPORT.is_file() or agreement.REPORT.read_text(encoding="utf-8") != agreement_report):
            problems.append(f"{agreement.REPORT.relative_to(root)}:0: -: stale: run `make agreement`")
    return problems


def regenerates(root: Path) -> bool:
    """Whether the gate makes files of root again to compare them: the generated tables from its
    sources/, the documentation and metadata of this checkout."""
    return root == ROOT or (root / "sources").is_dir()


@dataclass
class Verdict:
    """What the gate found in a package, and the tables as it read them (for the build to store)."""

    data: list[str]
    other: list[str]
    tables: dict = field(default_factory=dict)
    unreadable: bool = False  # datapackage.json itself could not be read

    @property
    def problems(self) -> list[str]:
        """Data problems first, then the others; but a generated table that its sources no longer
        give is named before all: the rows read from it are not the sources' (a document.toml edited
        without `make paragraphs` shows as problems of the rows that rely on it)."""
        stale = [problem for problem in self.other if problem.endswith(STALE_FROM_SOURCES)]
        return stale + self.data + [problem for problem in self.other if problem not in stale]


def at_their_source(problems: list, tables: dict, root: Path) -> list:
    """Problems of a document's row in data/generated/documents.csv, moved to the line of its
    document.toml that the value is made from (the file to edit), where the row holds what that
    document.toml gives (a stale row is `make paragraphs`' to mend); the others as they are."""
    from mandate_notes.csvio import Problem
    from mandate_notes.documents import documents_rows, toml_source
    from mandate_notes.model import table_file

    documents = tables.get("documents")
    made = table_file("documents")
    if documents is None or not any(problem.file == made for problem in problems):
        return problems
    ids = dict(zip(documents.lines, documents.frame["document_id"].tolist()))
    try:
        given = {row["document_id"]: row for row in documents_rows(root)}
    except (OSError, KeyError, ValueError):
        return problems  # a folder the gate reports on its own
    moved = []
    for problem in problems:
        document = ids.get(problem.line) if problem.file == made else None
        row = given.get(document, {})
        source = toml_source(root, document, problem.column) \
            if document and str(row.get(problem.column, "")) == problem.value else None
        moved.append(problem if source is None else Problem(source[0], source[1], source[2], problem.rule, problem.value))
    return moved


def gate(root: Path, frictionless: bool = False) -> Verdict:
    """Data problems (files, schemas, cross-table rules), then the others (sources, generated
    files, coverage and adjudication, read once the tables are valid), of the package at root."""
    from mandate_notes import agreement, changes, council, tiers
    from mandate_notes.checks import check_package
    from mandate_notes.completeness import coverage_problems
    from mandate_notes.documents import source_problems
    from mandate_notes.generated import clean_tables, gate_states, passed_states, remember_passed
    from mandate_notes.retirement import retirement_problems

    # Making the generated files and the agreement report again takes most of the gate's time; where
    # the gate passed on exactly this package (or its sources), code and environment, they are what
    # they were then. So too beside a data problem: a mistake in a coded table leaves the generated
    # tables as they were (and, the package changed, the rest is compared again). A table of the same
    # bytes checked by the same code as at that pass has no cell or schema problem to look for.
    states = gate_states(root) if regenerates(root) else {}
    passed = passed_states(root) if states else {}
    unchanged = {name for name, state in states.items() if passed.get(name) == state}
    data, tables = check_package(root, states.get("code", ""), clean_tables(passed))
    data = [str(problem) for problem in sorted(set(at_their_source(
        data + retirement_problems(root, tables) + council.series_problems(tables), tables, root)))]
    # The agreement report is made once, from valid tables only (it reads their values): compared
    # with its file here, its adjudication used below.
    report, adjudication = agreement.render(root) if not data and "all" not in unchanged else (None, [])
    other = [str(problem) for problem in source_problems(root)]
    if "all" not in unchanged:
        other += generated_problems(root, report, not data, tables="tables" not in unchanged)
    if not data:
        other += [str(problem) for problem in coverage_problems(root)] + adjudication
        other += [str(problem) for problem in changes.gate_problems(root) + tiers.gate_problems(root)]
    if frictionless and not data and not other:
        data = [str(problem) for problem in frictionless_problems(root)]
    if states and "all" not in unchanged and not data and not other:
        remember_passed(root, states, {name: table.checked for name, table in tables.items()})
    return Verdict(data, other, tables)


def run_gate(root: Path, frictionless: bool = False) -> Verdict:
    """gate(), with the cycle collector paused and an unreadable descriptor reported as a problem."""
    from mandate_notes.csvio import cycle_collector_paused

    # A large package is millions of small objects without reference cycles: the cycle collector
    # would walk them over and over for nothing (a fifth of the time at 100k rows per table).
    with cycle_collector_paused():
        try:
            return gate(root, frictionless)
        except json.JSONDecodeError as error:
            return Verdict([f"datapackage.json:{error.lineno}: -: invalid JSON: {error.msg!r}"], [], unreadable=True)
        except (OSError, ValueError) as error:
            return Verdict([f"datapackage.json:0: -: cannot read package: {error}"], [], unreadable=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="package folder (default: this repository)")
    parser.add_argument(
        "--frictionless",
        action="store_true",
        help="also run `frictionless validate` on the package as an independent cross-check",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    verdict = run_gate(root, args.frictionless)
    for problem in verdict.problems:
        print(problem, file=sys.stderr)
    if verdict.problems:
        print(f"{len(verdict.problems)} problem(s) found", file=sys.stderr)
        return 2 if verdict.unreadable else 1
    if not args.quiet:
        checked = ("files, schemas, cross-table rules, sources, generated files, coverage, adjudication"
                   + (" and frictionless" if args.frictionless else ""))
        print(f"valid: {checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
