"""The repository's own history: the commit that introduced a version, and what a file held at a commit.

Versions are found by reading pyproject.toml at each commit that changed it, never from git tags, which
do not travel with every clone.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mandate_notes.versions import is_version

PYPROJECT = "pyproject.toml"
WORKING_TREE_NAMES = ("", "worktree", "working-tree")


class HistoryError(Exception):
    """A version or ref that cannot be resolved, or a folder that is not a git repository."""


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise HistoryError(f"git {' '.join(args)}: {message}")
    return result


def is_repository(root: Path) -> bool:
    result = git(root, "rev-parse", "--is-inside-work-tree", check=False)
    return result.returncode == 0 and result.stdout.strip() == b"true"


def version_of(pyproject: bytes | None) -> str | None:
    """[project].version of a pyproject.toml's bytes; None if absent or unreadable."""
    if pyproject is None:
        return None
    try:
        return tomllib.loads(pyproject.decode("utf-8"))["project"]["version"]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return None


def read_at(root: Path, commit: str | None, path: str) -> bytes | None:
    """A file's bytes at a commit (None: the working tree); None if it does not exist there."""
    if commit is None:
        target = root / path
        return target.read_bytes() if target.is_file() else None
    # "./" makes the path relative to root even when root is a subfolder of the repository.
    result = git(root, "show", f"{commit}:./{path}", check=False)
    return result.stdout if result.returncode == 0 else None


def files_at(root: Path, commit: str | None, folder: str) -> list[str]:
    """Paths of the files directly in a folder at a commit (None: the working tree), sorted."""
    if commit is None:
        base = root / folder
        return sorted(f"{folder}/{p.name}" for p in base.iterdir() if p.is_file()) if base.is_dir() else []
    result = git(root, "ls-tree", "--name-only", f"{commit}:./{folder}", check=False)
    if result.returncode != 0:
        return []
    return sorted(f"{folder}/{name}" for name in result.stdout.decode("utf-8").splitlines())


class VersionHistory:
    """The versions pyproject.toml has held in the history of HEAD, each with the commit that introduced it."""

    def __init__(self, root: Path):
        self.root = root
        self._versions: dict[str, str | None] = {}

    def version_at(self, commit: str) -> str | None:
        if commit not in self._versions:
            self._versions[commit] = version_of(read_at(self.root, commit, PYPROJECT))
        return self._versions[commit]

    def introductions(self) -> list[tuple[str, str]]:
        """(version, commit) for every commit whose version no parent had, oldest first."""
        result = git(self.root, "log", "--reverse", "--format=%H %P", "HEAD", "--", PYPROJECT, check=False)
        if result.returncode != 0:
            return []
        found = []
        for line in result.stdout.decode("ascii").splitlines():
            commit, *parents = line.split()
            version = self.version_at(commit)
            if version is not None and all(self.version_at(parent) != version for parent in parents):
                found.append((version, commit))
        return found

    def introducing_commit(self, version: str) -> str | None:
        """The oldest commit that set pyproject.toml's version to this one, or None."""
        for found, commit in self.introductions():
            if found == version:
                return commit
        return None


@dataclass(frozen=True)
class Ref:
    """One side of a comparison: a commit, or the working tree (commit None)."""

    spec: str
    commit: str | None

    @property
    def label(self) -> str:
        if self.commit is None:
            return "working tree"
        short = self.commit[:7]
        return short if self.commit.startswith(self.spec) else f"{self.spec} ({short})"


def resolve(root: Path, spec: str) -> Ref:
    """A version number (X.Y.Z or vX.Y.Z), any git ref, or the working tree ('' or 'worktree').

    A version resolves to the commit that introduced it in pyproject.toml, so it needs no tag.
    """
    text = spec.strip()
    if text.lower() in WORKING_TREE_NAMES:
        return Ref("working tree", None)
    if not is_repository(root):
        raise HistoryError(f"{root}: not a git repository, so {text!r} cannot be looked up")
    number = text[1:] if text[:1] == "v" and is_version(text[1:]) else text
    if is_version(number):
        history = VersionHistory(root)
        commit = history.introducing_commit(number)
        if commit is None:
            known = ", ".join(version for version, _ in history.introductions()) or "none"
            raise HistoryError(
                f"version {number} was never set in the history of {PYPROJECT} (versions found: {known})"
            )
        return Ref(number, commit)
    result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{text}^{{commit}}", check=False)
    if result.returncode != 0:
        raise HistoryError(f"{text!r} is neither a version in the history of {PYPROJECT} nor a git ref")
    return Ref(text, result.stdout.decode("ascii").strip())
