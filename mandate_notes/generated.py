"""Writing generated files, or checking them for drift: the one loop every generating command uses."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import sysconfig
from pathlib import Path

# The state (checkout_state) of the package when the gate last passed, in the package's own build/
# (ignored by git, emptied by `make clean`, never shared between checkouts, written only by a gate that
# found nothing, so a failed build leaves build/ as it was). The same state gives the same files, so
# the gate does not make them again to compare; a missing, unreadable or other record only means it does.
PASSED = Path("build") / "gate-passed.sha256"
# Folders whose files no generated file is made from: what the build and the tools write, and
# the environments (whose installed packages the state names on its own).
NOT_INPUTS = frozenset({".git", ".venv", ".venv-cff", "build", "dist", "__pycache__", "node_modules",
                        ".pytest_cache", ".hypothesis", ".ruff_cache"})
# The checkout whose code makes the files (root may be another package folder).
CODE_ROOT = Path(__file__).resolve().parent.parent


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


def _files(root: Path) -> list[Path]:
    found = []
    for folder, folders, names in os.walk(root):
        # A link to a folder counts as a link (os.walk lists it among the folders, never entering it).
        links = [name for name in folders if os.path.islink(os.path.join(folder, name))]
        folders[:] = sorted(name for name in folders if name not in NOT_INPUTS and name not in links)
        found += [Path(folder, name) for name in sorted(names + links)]
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


def checkout_state(root: Path) -> str:
    """One SHA-256 over every file under root and under the code's checkout (their names and contents;
    all but NOT_INPUTS' folders), the Python that runs and the packages installed beside it (their
    dist-info folders name each one's version). No list of inputs to keep up to date: a generated
    file is made from these or from nothing, so any change that could change one changes the state."""
    found = hashlib.sha256()
    for base in dict.fromkeys([root.resolve(), CODE_ROOT]):
        for path in _files(base):
            found.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
            found.update(_content(path))
        found.update(b"\1")
    packages = sysconfig.get_paths()["purelib"]
    found.update(sys.version.encode("utf-8"))
    found.update("\0".join(sorted(os.listdir(packages)) if os.path.isdir(packages) else []).encode("utf-8"))
    return found.hexdigest()


def passed_on(root: Path, state: str) -> bool:
    """Whether the gate last passed on the package at root in this state."""
    try:
        return (root / PASSED).read_text(encoding="utf-8") == state
    except OSError:
        return False


def remember_passed(root: Path, state: str) -> None:
    """Record that the gate passed on state, unless a file changed while it ran (the state it
    checked is then not known)."""
    if checkout_state(root) != state:
        return
    record = root / PASSED
    written = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(state, encoding="utf-8")
        os.replace(written, record)
    except OSError:
        written.unlink(missing_ok=True)  # a read-only package is checked in full every time
