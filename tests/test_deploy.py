"""The deploy recipe (mandate_notes/deploy.py): what the container is made from, the command it
runs, and, where Docker runs, the image itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import httpx
import pytest

from mandate_notes import deploy
from mandate_notes.paths import DATABASE_NAME, ROOT

# Slow (`make check` leaves it out): prepares and runs the container's command.
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def closure(names: list[str]) -> set[str]:
    """The distributions names install, with everything they require (extras left out)."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for requirement in map(Requirement, metadata.requires(name) or []):
            # Only what this Python installs, without extras.
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


# Run in a child process: imports of a module from any distribution outside `allowed` fail, as they
# would in the container, then every plugin is loaded as Datasette loads it.
ONLY_ALLOWED = """
import importlib.metadata, importlib.util, json, pathlib, sys
allowed, library = json.loads(sys.argv[1])
owners = importlib.metadata.packages_distributions()

class OnlyAllowed:
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if path is not None or top in sys.stdlib_module_names or top in library:
            return None
        distributions = {d.lower().replace("_", "-") for d in owners.get(top, [])}
        if distributions and not distributions & set(allowed):
            raise ModuleNotFoundError(f"{top} (from {sorted(distributions)}) is not installed in the container")
        return None

sys.meta_path.insert(0, OnlyAllowed())
for path in sorted(pathlib.Path("server/plugins").glob("*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
print("loaded", len(list(pathlib.Path("server/plugins").glob("*.py"))))
"""


def test_the_plugins_load_with_only_what_the_container_installs():
    """The container installs Datasette, the plugins, what they require and the library package;
    every plugin of server/plugins/ loads with nothing else (an optional import may fail quietly)."""
    allowed = sorted(closure(["datasette", *deploy.PLUGINS, *deploy.LIBRARY_DEPENDENCIES]))
    loaded = subprocess.run([sys.executable, "-c", ONLY_ALLOWED, json.dumps([allowed, list(deploy.LIBRARY_PACKAGES)])],
                            cwd=ROOT, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.startswith("loaded ")


def test_the_container_is_made_from_the_library_and_the_locked_versions(tmp_path, built_database):
    served = deploy.prepare(tmp_path, built_database)
    library = tmp_path / deploy.LIBRARY
    assert served.read_bytes() == built_database.read_bytes()
    for package in deploy.LIBRARY_PACKAGES:
        assert sorted(p.name for p in (library / package).glob("*.py")) == sorted(
            p.name for p in (ROOT / package).glob("*.py"))
    assert not list(library.rglob("__pycache__"))
    constraints = (library / "constraints.txt").read_text()
    assert f"datasette=={metadata.version('datasette')}\n" in constraints
    assert 'dependencies = ["pydantic"]' in (library / "pyproject.toml").read_text()
    command = deploy.package_command("mandate-notes:test", tmp_path)
    assert command[:3] == ["datasette", "package", str(served)]
    installs = [command[i + 1] for i, part in enumerate(command) if part == "--install"]
    assert installs == [f"--constraint=/app/{deploy.LIBRARY}/constraints.txt",
                        *(f"{p}=={metadata.version(p)}" for p in deploy.PLUGINS), f"/app/{deploy.LIBRARY}"]


def test_the_command_the_container_runs_serves_the_site(built_database, free_port):
    """`datasette serve` with the deploy options (as the container's CMD runs it) answers the home
    page and a table, with the plugins of the deployed site."""
    from mandate_notes.serve import running_command

    options = deploy.datasette_options()
    settings = options[options.index("--extra-options") + 1].split()
    options = options[:options.index("--install")]
    static = [part for i, part in enumerate(options) if i and options[i - 1] == "--static"]
    served = ["-i", str(built_database)] + [o for o in options if o != "--static" and o not in static]
    served += [arg for mount in static if mount.startswith("static:") for arg in ("--static", mount)] + settings
    port = free_port()
    with running_command([str(BIN / "datasette"), "serve", *served, "--port", str(port)], "127.0.0.1", port) as (_, base):
        home = httpx.get(f"{base}/", timeout=60)
        plugins = httpx.get(f"{base}/-/plugins.json", timeout=60)
        settings_page = httpx.get(f"{base}/-/settings.json", timeout=60)
    assert home.status_code == 200, home.text[-2000:]
    assert "How to cite" in home.text
    names = {plugin["name"] for plugin in plugins.json()}
    assert {"datasette-gzip", "datasette-hashed-urls"} <= names
    assert settings_page.json()["suggest_facets"] is False


def docker_problem() -> str | None:
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True)
    if info.returncode != 0:
        return "docker cannot reach a Docker daemon: " + (info.stderr.strip().splitlines() or ["?"])[-1]
    return None


def test_the_container_image_builds_and_serves(built_database, free_port):
    problem = docker_problem()
    if problem:
        pytest.skip(f"the container build needs Docker: {problem}")
    tag = "mandate-notes:test"
    built = subprocess.run([sys.executable, "-m", "mandate_notes.deploy", "package", "--tag", tag],
                           cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, built.stderr[-3000:]
    port = free_port()
    container = subprocess.run(["docker", "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:8001", tag],
                               capture_output=True, text=True, check=True).stdout.strip()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        assert home.status_code == 200 and "How to cite" in home.text
        table = httpx.get(f"http://127.0.0.1:{port}/{DATABASE_NAME}/recommendations", follow_redirects=True)
        assert table.status_code == 200 and table.headers["cache-control"] == "max-age=31536000, public"
    finally:
        subprocess.run(["docker", "stop", container], capture_output=True)


def test_the_test_lock_is_the_runtime_lock_and_the_test_group_at_the_same_versions(root):
    """requirements.lock holds what the library and the server need (the container installs it);
    requirements-test.lock, which `make setup` installs, adds the test group and changes no pin."""
    runtime = deploy.locked_versions(root / "requirements.lock")
    test = deploy.locked_versions(root / "requirements-test.lock")
    assert {name: test.get(name) for name in runtime} == runtime
    for tool in ("pytest", "selenium", "hypothesis", "ruff"):
        assert tool in test and tool not in runtime, tool
