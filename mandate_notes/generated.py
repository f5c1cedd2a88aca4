"""Writing generated files, or checking them for drift: the one loop every generating command uses."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import sysconfig
from pathlib import Path

from mandate_notes.partial_files import partial_path, remove_abandoned

# The states (gate_states) of the package when the gate last passed, in the package's own build/
# (ignored by git, emptied by `make clean`, never shared between checkouts, written only by a gate that
# found nothing, so a failed build leaves build/ as it was). The same state gives the same files, so
# the gate does not make them again to compare; a missing, unreadable or other record only means it does.
PASSED = Path("build") / "gate-passed.sha256"
# Folders whose files no generated file is made from: what the build and the tools write, and
# the environments (whose installed packages the state names on its own).
NOT_INPUTS = frozenset({".git", ".venv", ".venv-cff", "build", "dist", "__pycache__", "node_modules",
                        ".pytest_cache", ".hypothesis", ".ruff_cache"})
# The checkout whose code makes the files (root may be another package folder), and its code.
CODE_ROOT = Path(__file__).resolve().parent.parent
CODE = ("mandate_notes", "schemas")
# What the generated tables of `make paragraphs` are made from, and the tables themselves (a test
# holds the maker to it: tests/test_validate.py); everything else generated may read any file.
TABLE_INPUTS = ("sources", "data/generated")
# In the record of a pass, the lines of the tables found clean (checks.checked_digest): a table whose
# bytes, resource and checking code are those of such a line has no cell or schema problem to look for.
CHECKED = "checked:"


def stale(outputs: dict[Path, str]) -> list[Path]:
    """The files whose content differs from what their inputs give (or that are missing)."""
    return [path for path, content in outputs.items()
            if not path.is_file() or path.read_bytes() != content.encode("utf-8")]


def write_or_check(outputs: dict[Path, str], check: bool, command: str, root: Path) -> int:
    """With check, name each stale file and the command that remakes it (exit 1 if any), writing
    nothing; otherwise write every file."""
    if check:
        found = stale(outputs)
        for path in found:
            print(f"{path.relative_to(root)} is stale: run `{command}`", file=sys.stderr)
        return 1 if found else 0
    for path, content in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="")
        print(f"wrote {path.relative_to(root)}")
    return 0


def _files(folder: Path) -> list[Path]:
    found = []
    for parent, folders, names in os.walk(folder):
        # A link to a folder counts as a link (os.walk lists it among the folders, never entering it).
        links = [name for name in folders if os.path.islink(os.path.join(parent, name))]
        folders[:] = sorted(name for name in folders if name not in NOT_INPUTS and name not in links)
        found += [Path(parent, name) for name in sorted(names + links)]
    return found


def _content(path: Path) -> bytes:
    """A regular file's SHA-256, read in blocks; a link by where it points (never followed: it may
    point at a device that never ends), anything else by its kind."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return b"link:" + os.fsencode(os.readlink(path))
        if not stat.S_ISREG(mode):
            return b"other:%o" % stat.S_IFMT(mode)
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return b"unreadable"


def _state(digests: dict[str, bytes], environment: bytes) -> str:
    found = hashlib.sha256(environment)
    for name, digest in digests.items():
        found.update(name.encode("utf-8") + b"\0" + digest)
    return found.hexdigest()


def gate_states(root: Path) -> dict[str, str]:
    """Three SHA-256, each over the names and contents of files, the Python that runs and the packages
    installed beside it (their dist-info folders name each one's version): "tables" over the
    package's TABLE_INPUTS and the code (CODE), "all" over every file of the package (all but
    NOT_INPUTS' folders) and the code, "code" over the code alone. No list of a generated file's
    inputs to keep up to date: whatever a change could change, it changes a state."""
    root = root.resolve()
    packages = sysconfig.get_paths()["purelib"]
    environment = "\0".join([sys.version, *(sorted(os.listdir(packages)) if os.path.isdir(packages) else [])])
    code = {f"code:{path.relative_to(CODE_ROOT).as_posix()}": _content(path)
            for folder in CODE for path in _files(CODE_ROOT / folder)}
    files = {path.relative_to(root).as_posix(): _content(path) for path in _files(root)}
    tables = {name: digest for name, digest in files.items()
              if any(name.startswith(f"{folder}/") for folder in TABLE_INPUTS)}
    return {"tables": _state(tables | code, environment.encode("utf-8")),
            "all": _state(files | code, environment.encode("utf-8")),
            "code": _state(code, environment.encode("utf-8"))}


def clean_tables(passed: dict[str, str]) -> frozenset[str]:
    """The checked_digest of each table a record of a pass (passed_states) names."""
    return frozenset(digest for name, digest in passed.items() if name.startswith(CHECKED))


def passed_states(root: Path) -> dict[str, str]:
    """The states the gate last passed on (none where it never did, or the record is unreadable)."""
    try:
        lines = (root / PASSED).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    return dict(line.split(" ", 1) for line in lines if " " in line)


def remember_passed(root: Path, states: dict[str, str], checked: dict[str, str]) -> None:
    """Record that the gate passed on states, and the checked_digest of each table it found clean
    (checked: table name -> digest), unless a file changed while it ran (the state it checked is
    then not known)."""
    if gate_states(root) != states:
        return
    record = root / PASSED
    written = partial_path(record)
    lines = [f"{name} {state}\n" for name, state in states.items()]
    lines += [f"{CHECKED}{name} {digest}\n" for name, digest in sorted(checked.items())]
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(record)
        written.write_text("".join(lines), encoding="utf-8")
        os.replace(written, record)
    except OSError:
        written.unlink(missing_ok=True)  # a read-only package is checked in full every time
