"""Deploy the site to a platform that scales it: Datasette's own `datasette package` (a container
image, for any container platform) or `datasette publish cloudrun` (Google Cloud Run, which starts
and stops instances with the traffic), both with the same files and options as `make serve`.

The container serves with `datasette serve`: the plugins, templates, static files, settings and
metadata of this repository, the database immutable, hashed addresses and compression on (the
platform's CDN caches the pages for a year; a new build is a new address). It carries the version's
release archive and its checksum file when `make release` has made them (dist/), and serves them at
/release/ as `make serve` does; without them the site says it has none and how it is made. The code the plugins
import (mandate_notes/ and schemas/) goes in as a small package of its own whose one dependency is
pydantic (the table model's checks), and every package is installed at the version
requirements.lock pins.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from mandate_notes.archive import RELEASE_MOUNT, archive_in
from mandate_notes.paths import DATABASE_FILE, DEFAULT_DATABASE, RELEASES, ROOT, SERVER_METADATA

DEPLOY = ROOT / "build" / "deploy"
LOCK = ROOT / "requirements.lock"
# Served as static files under this name inside the container (the package is installed from it).
LIBRARY = "_library"
LIBRARY_PACKAGES = ("mandate_notes", "schemas")
# What the library needs at run time beyond Datasette: schemas/classes.py checks the table model.
LIBRARY_DEPENDENCIES = ("pydantic",)
# The plugins the deployed site runs beside Datasette, installed at their locked versions: every
# Datasette plugin the project depends on (pyproject.toml), so the two cannot drift apart.
PLUGINS = tuple(sorted(
    re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
    for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    if requirement.lower().startswith("datasette-")))
SERVICE = "mandate-notes"


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """name -> version of every package pinned in a lock file (`name==version` lines)."""
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", lock.read_text(encoding="utf-8"), re.MULTILINE)
    return {name.lower(): version for name, version in found}


def prepare(folder: Path = DEPLOY, database: Path = DEFAULT_DATABASE, lock: Path = LOCK,
            releases: Path = RELEASES) -> Path:
    """Write what the container is made from into folder; return the copy of the database. The
    version's release archive goes in with its checksum file when releases holds both, in accord."""
    from mandate_notes.model import version

    if folder.exists():
        shutil.rmtree(folder)
    library = folder / LIBRARY
    for package in LIBRARY_PACKAGES:
        shutil.copytree(ROOT / package, library / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (library / "pyproject.toml").write_text(
        "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
        f"[project]\nname = \"mandate-notes-site\"\nversion = \"{version()}\"\n"
        "description = \"The code the mandate-notes Datasette plugins import\"\n"
        f"dependencies = {list(LIBRARY_DEPENDENCIES)!r}\n\n"
        f"[tool.setuptools]\npackages = {list(LIBRARY_PACKAGES)!r}\n".replace("'", '"'),
        encoding="utf-8")
    (library / "constraints.txt").write_text(
        "".join(f"{name}=={pinned}\n" for name, pinned in sorted(locked_versions(lock).items())), encoding="utf-8")
    carried = folder / RELEASE_MOUNT
    carried.mkdir()
    archive = archive_in(releases, version())
    if "sha256" in archive:
        for name in (archive["name"], f"{archive['name']}.sha256"):
            shutil.copyfile(releases / name, carried / name)
    served = folder / DATABASE_FILE
    shutil.copyfile(database, served)
    return served


def datasette_options(folder: Path = DEPLOY, lock: Path = LOCK) -> list[str]:
    """The options `datasette package` and `datasette publish cloudrun` share."""
    from mandate_notes.serve import SETTINGS

    versions = locked_versions(lock)
    settings = " ".join(f"--setting {key} {str(value).lower() if isinstance(value, bool) else value}"
                        for key, value in SETTINGS.items())
    options = [
        "--metadata", str(SERVER_METADATA),
        "--template-dir", str(ROOT / "server" / "templates"),
        "--plugins-dir", str(ROOT / "server" / "plugins"),
        "--static", f"static:{ROOT / 'server' / 'static'}",
        "--static", f"{LIBRARY}:{folder / LIBRARY}",
        "--static", f"{RELEASE_MOUNT}:{folder / RELEASE_MOUNT}",
        # Every package, datasette first among them, at the version the lock file pins.
        "--install", f"--constraint=/app/{LIBRARY}/constraints.txt",
    ]
    for plugin in PLUGINS:
        options += ["--install", f"{plugin}=={versions[plugin]}"]
    options += ["--install", f"/app/{LIBRARY}", "--extra-options", settings]
    return options


def package_command(tag: str, folder: Path = DEPLOY) -> list[str]:
    return ["datasette", "package", str(folder / DATABASE_FILE), "--tag", tag] + datasette_options(folder)


def publish_command(service: str, folder: Path = DEPLOY) -> list[str]:
    return (["datasette", "publish", "cloudrun", str(folder / DATABASE_FILE), "--service", service]
            + datasette_options(folder))


def main(argv: list[str] | None = None) -> int:
    from mandate_notes.model import version

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["package", "cloudrun"],
                        help="package: build a container image (needs Docker); cloudrun: deploy to Google "
                             "Cloud Run (needs the gcloud command, logged in, with a project set)")
    parser.add_argument("--tag", default=f"{SERVICE}:{version()}", help="image tag (default %(default)s)")
    parser.add_argument("--service", default=SERVICE, help="Cloud Run service name (default %(default)s)")
    parser.add_argument("--print", action="store_true", help="print the command instead of running it")
    args = parser.parse_args(argv)
    if not DEFAULT_DATABASE.exists():
        print(f"{DEFAULT_DATABASE.relative_to(ROOT)} is missing: run `make build` first", file=sys.stderr)
        return 1
    prepare()
    archive = archive_in(RELEASES, version())
    if "missing" in archive:
        print(f"deployed without the release archive of version {version()} ({archive['missing']}, in dist/): "
              "the site says so and how it is made (`make release`)", file=sys.stderr)
    command = package_command(args.tag) if args.target == "package" else publish_command(args.service)
    if args.print:
        print(" ".join(command))
        return 0
    # datasette's own command is in this environment; the tools it calls (docker, gcloud) are not.
    command[0] = str(Path(sys.executable).with_name("datasette"))
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
