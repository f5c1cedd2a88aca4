"""Writing generated files, or checking them for drift: the one loop every generating command uses."""

from __future__ import annotations

import sys
from pathlib import Path


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
