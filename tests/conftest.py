"""Shared fixtures: the repository root, a built database and a Datasette app over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Loopback ports the tests may serve on.
TEST_PORTS = range(8200, 8300)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_database(tmp_path_factory) -> Path:
    """The real data built once per session into a temporary folder (build/ is left alone)."""
    from scripts.build import build_database

    target = tmp_path_factory.mktemp("build") / "mandate_notes.db"
    build_database(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def datasette_app(built_database: Path):
    from scripts.serve import make_datasette, write_inspect_file

    inspect_file = built_database.with_name("inspect.json")
    write_inspect_file(built_database, inspect_file)
    return make_datasette(built_database, inspect_file)


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A scratch copy of the package (data, schemas, datapackage.json) to corrupt."""
    for name in ("data", "sources"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    return tmp_path


@pytest.fixture(scope="session")
def free_port():
    """A function giving a loopback port of TEST_PORTS that nothing listens on."""
    from scripts.serve import port_is_free

    def first_free() -> int:
        for port in TEST_PORTS:
            if port_is_free("127.0.0.1", port):
                return port
        raise RuntimeError(f"no free port in {TEST_PORTS}")

    return first_free
