"""Files written whole under a temporary name beside their target (`.NAME.PID.tmp`), then renamed
into place; the temporary files of a writer that was killed are removed by the next one.

A writer's process id is in the name, so a file whose process no longer runs is abandoned: a build
killed half way, a copy cut short by a full disk.

>>> partial_name("mandate_notes.db", 42)
'.mandate_notes.db.42.tmp'
>>> writer_of(".mandate_notes.db.42.tmp", "mandate_notes.db"), writer_of(".other.42.tmp", "mandate_notes.db")
(42, None)
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def partial_name(name: str, pid: int | None = None) -> str:
    return f".{name}.{os.getpid() if pid is None else pid}.tmp"


def partial_path(target: Path) -> Path:
    """Where this process writes target before renaming it into place."""
    return target.with_name(partial_name(target.name))


def writer_of(file_name: str, name: str) -> int | None:
    """The process id in the temporary name of a file named name, or None if it is not one."""
    found = re.fullmatch(rf"\.{re.escape(name)}\.(\d+)\.tmp", file_name)
    return int(found.group(1)) if found else None


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    return True


def remove_abandoned(target: Path) -> None:
    """Remove the temporary files of target whose writers no longer run."""
    if not target.parent.is_dir():
        return
    for path in target.parent.glob(f".{target.name}.*.tmp"):
        pid = writer_of(path.name, target.name)
        if pid is not None and pid != os.getpid() and not running(pid):
            path.unlink(missing_ok=True)
