"""The layers import in one direction: no module imports, at its top or inside a function, one
that imports it back (directly or through others), and the table model imports no layer above it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where the project's own modules live, as importable packages (server/plugins are loaded by path).
PACKAGES = ("mandate_notes", "schemas", "benchmarks", "scripts", "server/plugins")


def modules() -> dict[str, Path]:
    """Every module of the project by its dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            found[".".join(path.relative_to(ROOT).with_suffix("").parts)] = path
    return found


def imported(path: Path, known: set[str]) -> set[str]:
    """The project's modules a module imports anywhere in it: at the top, in a function, under a condition."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names & known


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(path, set(found)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of the graph once, as the path that closes it (Tarjan's strongly connected components).

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b', 'a']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(_closing_path(graph, sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _closing_path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & members):
            if other == start:
                return paths[node] + [start]
            if other not in paths:
                paths[other] = paths[node] + [other]
                queue.append(other)
    return component


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_counts_imports_inside_functions(tmp_path):
    first = tmp_path / "first.py"
    first.write_text("def later():\n    from second import thing\n", encoding="utf-8")
    assert imported(first, {"second"}) == {"second"}


# The layers of ARCHITECTURE.md, lowest first: a module imports only from its own layer and those
# below it. A new module is placed here, in the layer whose modules it needs and serves.
LAYERS = {
    "the table model": ["schemas.authors", "schemas.classes", "schemas.definitions"],
    "facts": ["paths", "cast", "written_numbers", "lean_imports", "versions", "archive", "conditions", "search",
              "generated", "headers", "fair_share", "request_budget", "partial_files"],
    "reading": ["csvio", "documents", "history", "resolutions", "markup"],
    "derived from the model": ["model", "queries", "citation", "doc_pages", "downloads", "csv_sources"],
    "checking": ["rules", "checks", "completeness", "changes", "tiers", "council", "paragraphs", "agreement_measures",
                 "blind_agreement", "agreement", "retirement", "task_sample"],
    "generating": ["generate", "new_note"],
    "the gate": ["validate"],
    "publishing": ["build", "release", "diff"],
    "serving": ["serve", "deploy", "sql_guard", "idle_protocol", "server.plugins.*"],
    "commands": ["scripts.*", "benchmarks.*"],
}


def layer_of(module: str) -> int:
    for rank, members in enumerate(LAYERS.values()):
        for member in members:
            full = member if "." in member else f"mandate_notes.{member}"
            if module == full or (full.endswith(".*") and module.startswith(full[:-1])):
                return rank
    raise AssertionError(f"{module}: in no layer of tests/test_imports.py (and ARCHITECTURE.md): place it")


def test_every_module_imports_only_from_its_layer_and_those_below():
    for name, imports in import_graph().items():
        if name == "mandate_notes.__init__" or name.endswith("__init__"):
            continue
        above = sorted(other for other in imports if layer_of(other) > layer_of(name))
        assert above == [], f"{name} ({list(LAYERS)[layer_of(name)]}) imports from a layer above it: {above}"


def test_no_test_module_imports_another():
    """What tests share lives in tests/conftest.py (fixtures) or a helper module (tests/browsing.py,
    tests/pages.py, tests/serving.py, tests/gitrepo.py, tests/citing.py), never in a test module another one
    imports: pytest would collect the imported tests and fixtures twice."""
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not [name for name in imported if name.startswith(("tests.test_", "test_"))], path.name
