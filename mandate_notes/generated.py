"""Writing generated files, or checking them for drift: the one loop every generating command uses."""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Where the last clean check of each kind of generated file is remembered, per checkout: the digest of
# every input and of every file it found current. Outside the checkout (a failed build leaves its folder
# as it was); a missing or other record only means the files are made again and compared.
CHECKS = Path(tempfile.gettempdir()) / "mandate-notes-checked"
# The code that makes every generated file: a change to any of it is a change of input.
CODE_ROOT = Path(__file__).resolve().parent.parent
CODE = ("mandate_notes/*.py", "schemas/*.py")


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


def digest(paths: list[Path], root: Path) -> str:
    """One SHA-256 over the names (relative to root) and contents of paths."""
    found = hashlib.sha256()
    for path in sorted(paths):
        found.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        found.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return found.hexdigest()


def stale_unless_unchanged(name: str, root: Path, inputs: list[Path], files: list[Path],
                           outputs: Callable[[], dict[Path, str]]) -> list[Path]:
    """stale(outputs()), unless neither an input (or the code) nor one of files changed since the last
    check that found them all current: the same inputs give the same files, so that answer stands."""
    record = CHECKS / hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16] / f"{name}.json"
    state = {"inputs": digest(inputs, root) + digest([path for pattern in CODE for path in CODE_ROOT.glob(pattern)],
                                                     CODE_ROOT),
             "files": digest(files, root)}
    try:
        if json.loads(record.read_text(encoding="utf-8")) == state:
            return []
    except (OSError, ValueError):
        pass
    found = stale(outputs())
    if not found:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps(state), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout is checked in full every time
    return found
